"""The package's bibliography (``skyshield/data/sources.yaml``) and the rule for source notes.

Every number of the catalog, the engine and ground parameters, the scenarios and the gazetteers
carries a *note*.  A note is one of:

- ``source: KEY[, KEY ...][; comment]`` — the figure is stated by the sources named, each a key
  of the bibliography (several where sources disagree; the comment then gives the range they
  span and how the value was taken from it);
- ``assumption: REASON`` — no source in the bibliography states the figure; the reason says why
  the value was chosen.

:func:`check_note` is the one place this rule is written; every loader that reads notes uses
it.  :func:`cited_keys` lists the bibliography keys a note names (in its ``source:`` part or in
its text), which is what the briefing report's list of sources is built from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from skyshield.errors import InputError, Problem

#: The bibliography file (in ``skyshield/data``).
BIBLIOGRAPHY_FILE = "sources.yaml"

#: The two words a note may begin with.
SOURCE, ASSUMPTION = "source:", "assumption:"

#: What a key looks like: lower-case words of letters and digits joined by hyphens.
KEY_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"

_KEY = re.compile(KEY_PATTERN)
_KEY_IN_TEXT = re.compile(rf"(?<![\w-]){KEY_PATTERN}(?![\w-])")


class Source(BaseModel):
    """One public source: its key, title, publisher, date, address and the figures the project
    takes from it (short statements, as the source states them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=rf"^{KEY_PATTERN}$")
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1, description="Outlet or author (and who it cites).")
    date: str = Field(min_length=4, description="ISO date, year-month, year, or 'undated'.")
    url: str = Field(pattern=r"^https?://\S+$")
    figures: tuple[str, ...] = Field(min_length=1)

    @field_validator("figures")
    @classmethod
    def _not_blank(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not f.strip() for f in v):
            raise ValueError("a figure statement must not be blank")
        return v


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: tuple[Source, ...] = Field(min_length=1)


@cache
def load_bibliography() -> dict[str, Source]:
    """The shipped bibliography by key, validated (keys distinct); loaded once per process."""
    origin = f"<builtin {BIBLIOGRAPHY_FILE}>"
    text = resources.files("skyshield.data").joinpath(BIBLIOGRAPHY_FILE).read_text("utf-8")
    try:
        entries = _File.model_validate(yaml.safe_load(text)).sources
    except ValidationError as exc:
        raise InputError(
            [
                Problem(origin, ".".join(str(p) for p in e["loc"]), str(e["msg"]))
                for e in exc.errors()
            ]
        ) from None
    out: dict[str, Source] = {}
    for i, s in enumerate(entries):
        if s.key in out:
            raise InputError([Problem(origin, f"sources[{i}].key", f"key {s.key!r} given twice")])
        out[s.key] = s
    return out


def source_keys(note: str) -> list[str] | None:
    """The keys a ``source:`` note names (before its first ``;``); None for other notes."""
    text = note.strip()
    if not text.lower().startswith(SOURCE):
        return None
    head = text[len(SOURCE) :].split(";", 1)[0]
    return [k.strip() for k in head.split(",")]


def check_note(note: str) -> str | None:
    """None if ``note`` follows the rule of this module, else what is wrong with it."""
    text = note.strip()
    low = text.lower()
    if low.startswith(ASSUMPTION):
        if not text[len(ASSUMPTION) :].strip():
            return "an 'assumption:' note must give its reason"
        return None
    keys = source_keys(text)
    if keys is None:
        return (
            "a note must begin 'source: KEY[, KEY...]; ...' (keys of the package bibliography)"
            " or 'assumption: REASON'"
        )
    bib = load_bibliography()
    bad = [k for k in keys if not _KEY.fullmatch(k) or k not in bib]
    if bad:
        shown = ", ".join(repr(k) for k in bad)
        return (
            f"'source:' names {shown}, not a key of the package bibliography (sources.yaml);"
            " expected keys separated by commas before the first ';', or an 'assumption:' note"
        )
    return None


def require_note(note: str) -> str:
    """``note`` unchanged if it follows the rule; ``ValueError`` (for pydantic validators)."""
    problem = check_note(note)
    if problem is not None:
        raise ValueError(problem)
    return note


def cited_keys(notes: Iterable[str]) -> list[str]:
    """Bibliography keys the notes name, in the order first named: the keys of ``source:``
    notes and any key mentioned in a note's text (an assumption may quote a source's range)."""
    bib = load_bibliography()
    seen: dict[str, None] = {}
    for note in notes:
        for k in source_keys(note) or []:
            if k in bib:
                seen.setdefault(k)
        for m in _KEY_IN_TEXT.finditer(note):
            if m.group(0) in bib:
                seen.setdefault(m.group(0))
    return list(seen)
