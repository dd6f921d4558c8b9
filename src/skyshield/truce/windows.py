"""Truce windows: which nights, which weapon classes, which regions, what kind of truce.

A window spans nights ``first_night`` .. ``last_night`` (both inclusive).  A night is named by
the date of its evening, as the record's ``night`` column is (a report beginning at 21:00 on
19 April belongs to the night of 19 April).  ``classes`` are catalog categories (``cruise``)
or catalog class ids (``shahed-136``).  ``kind`` is ``launches`` (a truce on launching the
covered classes) or ``targets`` (a truce on striking a kind of target, such as energy
infrastructure, named in the record's text by ``target_words``).

Where a source states the truce's hours, ``starts`` and ``ends`` hold them (tz-aware, compared
in Kyiv time).  A night is *held in full* when those hours cover its whole reporting night,
:data:`REPORT_NIGHT_FROM` to :data:`REPORT_NIGHT_TO`; the others are *partial*.  Without hours
every night of the window is held in full.

The built-in windows ship in ``skyshield/data/truce/windows.yaml`` (:func:`load_windows`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from skyshield.catalog import Catalog
from skyshield.errors import InputError, Problem
from skyshield.record import Regions
from skyshield.record.importer import KYIV

TruceKind = Literal["launches", "targets"]
Coverage = Literal["full", "partial"]

#: Where the built-in windows come from, as error messages name it.
BUILTIN_FILE = "<builtin truce/windows.yaml>"

#: Start and end (Kyiv time) of the reporting night a truce must cover to hold a night in
#: full.  assumption: the Air Force's nightly reports run from the evening to the morning
#: (in the 2025 record most begin between 18:00 and 23:00 and end between 08:00 and 10:00).
REPORT_NIGHT_FROM = dt.time(18, 0)
REPORT_NIGHT_TO = dt.time(9, 0)

#: The record's night convention: a time belongs to the night of the date 12 hours earlier.
NIGHT_SHIFT = dt.timedelta(hours=12)

#: Words that name energy infrastructure in the record's text; the default ``target_words``
#: of a ``targets`` window given on the command line.
ENERGY_WORDS = (
    "energy",
    "power",
    "electric",
    "substation",
    "transformer",
    "refinery",
    "oil",
    "gas",
    "pipeline",
    "fuel",
    "TPP",
    "CHP",
    "HPP",
    "NPP",
    "nuclear",
    "hydroelectric",
    "енерг",
    "електр",
    "підстанц",
    "ТЕС",
    "ТЕЦ",
    "ГЕС",
    "АЕС",
    "нафт",
    "газ",
)

_NOTE_PREFIXES = ("source:", "assumption:")


def night_of(when: dt.datetime) -> dt.date:
    """The night a (tz-aware) time belongs to: the Kyiv date 12 hours earlier."""
    return (when.astimezone(KYIV) - NIGHT_SHIFT).date()


def _kyiv(value: dt.datetime) -> dt.datetime:
    """``value`` in Kyiv time (a naive time is read as Kyiv wall time)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=KYIV)
    return value.astimezone(KYIV)


class TruceWindow(BaseModel):
    """A truce window (see the module's docstring).  ``notes`` say where the dates come from:
    each begins ``source: KEY`` (a key of the package bibliography) or ``assumption:``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    kind: TruceKind
    first_night: dt.date = Field(alias="from")
    last_night: dt.date = Field(alias="to")
    starts: dt.datetime | None = None
    ends: dt.datetime | None = None
    classes: tuple[str, ...] = Field(min_length=1)
    regions: tuple[str, ...] = ()
    target_words: tuple[str, ...] = ()
    notes: tuple[str, ...] = Field(min_length=1)

    @field_validator("starts", "ends")
    @classmethod
    def _in_kyiv(cls, v: dt.datetime | None) -> dt.datetime | None:
        return None if v is None else _kyiv(v)

    @field_validator("notes")
    @classmethod
    def _noted(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for note in v:
            if not note.strip().lower().startswith(_NOTE_PREFIXES):
                raise ValueError(f"a note must begin 'source:' or 'assumption:', got {note!r}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> TruceWindow:
        if self.last_night < self.first_night:
            raise ValueError(f"'to' ({self.last_night}) is before 'from' ({self.first_night})")
        if (self.starts is None) != (self.ends is None):
            raise ValueError("give both 'starts' and 'ends' (the truce's hours), or neither")
        if self.starts is not None and self.ends is not None:
            if self.ends <= self.starts:
                raise ValueError(f"'ends' ({self.ends}) is not after 'starts' ({self.starts})")
            first = night_of(self.starts)
            last = night_of(self.ends - dt.timedelta(microseconds=1))
            if (first, last) != (self.first_night, self.last_night):
                raise ValueError(
                    f"the hours {self.starts:%Y-%m-%d %H:%M} to {self.ends:%Y-%m-%d %H:%M}"
                    f" (Kyiv) fall on the nights {first} to {last}, not {self.first_night}"
                    f" to {self.last_night} (a night runs from noon to noon)"
                )
        if len(set(self.classes)) != len(self.classes):
            raise ValueError(f"a class is listed twice in {list(self.classes)}")
        if self.kind == "targets" and not self.target_words:
            raise ValueError("a truce on targets needs 'target_words' (how the record names them)")
        return self

    @property
    def nights(self) -> list[dt.date]:
        """Every night of the window, in order."""
        n = (self.last_night - self.first_night).days + 1
        return [self.first_night + dt.timedelta(days=i) for i in range(n)]

    def coverage(self, night: dt.date) -> Coverage:
        """Whether the truce holds ``night`` (a night of the window) in full or in part."""
        if self.starts is None or self.ends is None:
            return "full"
        evening = dt.datetime.combine(night, REPORT_NIGHT_FROM, tzinfo=KYIV)
        morning = dt.datetime.combine(night + dt.timedelta(days=1), REPORT_NIGHT_TO, tzinfo=KYIV)
        return "full" if self.starts <= evening and self.ends >= morning else "partial"

    @property
    def held_nights(self) -> list[dt.date]:
        """The nights the truce holds in full (those its totals are about)."""
        return [n for n in self.nights if self.coverage(n) == "full"]

    def hours_text(self) -> str:
        """The stated hours in Kyiv time, or "" without hours."""
        if self.starts is None or self.ends is None:
            return ""
        return f"{self.starts:%Y-%m-%d %H:%M} to {self.ends:%Y-%m-%d %H:%M} Kyiv time"


class _WindowsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    windows: list[TruceWindow]


def _problems(exc: ValidationError, file: str) -> list[Problem]:
    """One problem per validation error: the field's dotted path and pydantic's message."""
    return [
        Problem(
            file, ".".join(str(p) for p in e["loc"]), str(e["msg"]).removeprefix("Value error, ")
        )
        for e in exc.errors()
    ]


def parse_windows(raw: Any, file: str) -> dict[str, TruceWindow]:
    """Windows by name from a parsed YAML document; InputError naming ``file`` and the field."""
    try:
        parsed = _WindowsFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError(_problems(exc, file)) from None
    out: dict[str, TruceWindow] = {}
    problems = []
    for i, w in enumerate(parsed.windows):
        if w.name in out:
            problems.append(Problem(file, f"windows.{i}.name", f"duplicate name {w.name!r}"))
        out[w.name] = w
    if problems:
        raise InputError(problems)
    return out


@cache
def load_windows() -> Mapping[str, TruceWindow]:
    """The built-in truce windows by name (read once; a read-only mapping)."""
    text = resources.files("skyshield.data.truce").joinpath("windows.yaml").read_text("utf-8")
    return MappingProxyType(parse_windows(yaml.safe_load(text), BUILTIN_FILE))


def builtin_window(name: str) -> TruceWindow:
    """The built-in window ``name``; InputError listing the names otherwise."""
    windows = load_windows()
    if name not in windows:
        raise InputError(
            [Problem("--window", "", f"unknown window {name!r}; built-in: {', '.join(windows)}")]
        )
    return windows[name]


def custom_window(fields: dict[str, Any], origin: str = "<arguments>") -> TruceWindow:
    """A window from keyword fields (``from``, ``to``, ``classes``, ``kind``, ...), as the command
    line gives it; InputError naming ``origin`` and the field otherwise."""
    try:
        return TruceWindow.model_validate(fields)
    except ValidationError as exc:
        raise InputError(_problems(exc, origin)) from None


def class_categories(catalog: Catalog) -> dict[str, str]:
    """Category of every catalog class id."""
    return {key: t.category for key, t in catalog.threats.items()}


def check_window(
    window: TruceWindow, catalog: Catalog, regions: Regions, origin: str
) -> TruceWindow:
    """``window`` with its region names resolved to region ids, after checking that every class
    is a catalog category or class id, that no two classes overlap (a class id and its own
    category) and that every region is known.  InputError naming ``origin`` otherwise."""
    cats = class_categories(catalog)
    categories = sorted(set(cats.values()))
    problems: list[Problem] = []
    for c in window.classes:
        if c not in cats and c not in categories:
            problems.append(
                Problem(
                    origin,
                    "classes",
                    f"unknown class {c!r}; expected a category"
                    f" ({', '.join(categories)}) or a class id ({', '.join(cats)})",
                )
            )
        elif c in cats and cats[c] in window.classes:
            problems.append(
                Problem(
                    origin,
                    "classes",
                    f"{c!r} is already in its category {cats[c]!r}; list one or the other",
                )
            )
    ids: list[str] = []
    for name in window.regions:
        region = regions.regions.get(name) or regions.lookup(name)
        if region is None:
            problems.append(Problem(origin, "regions", f"unknown region {name!r}"))
        elif region.id not in ids:
            ids.append(region.id)
    if problems:
        raise InputError(problems)
    return window.model_copy(update={"regions": tuple(ids)})


def launch_truce_nights(windows: Iterable[TruceWindow], but: TruceWindow) -> dict[dt.date, str]:
    """Nights of the ``launches`` windows other than ``but`` (by name), mapped to the window's
    name: nights a fit of the ordinary launch rate leaves out."""
    out: dict[dt.date, str] = {}
    for w in windows:
        if w.kind == "launches" and w.name != but.name:
            for n in w.nights:
                out.setdefault(n, w.name)
    return out


__all__ = [
    "BUILTIN_FILE",
    "ENERGY_WORDS",
    "REPORT_NIGHT_FROM",
    "REPORT_NIGHT_TO",
    "Coverage",
    "TruceKind",
    "TruceWindow",
    "builtin_window",
    "check_window",
    "class_categories",
    "custom_window",
    "launch_truce_nights",
    "load_windows",
    "night_of",
    "parse_windows",
]
