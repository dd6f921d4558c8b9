"""A scenario's changes to catalog entries: a patched copy of the catalog, never the shipped one.

Overrides name a section, an entry id and fields, e.g. ``{"weapons": {"AIM-9X": {"pk": {"drone":
0.8}}}}``; mappings merge key by key (so ``pk: {drone: 0.8}`` keeps the other categories' Pk),
anything else is replaced.  ``refuelling`` has no ids: its fields are given directly.  A number
changed without a note of its own in the override's ``sources`` gets :data:`OVERRIDE_NOTE`.
The patched entries are validated like the shipped ones (types, bounds, references).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from skyshield.catalog.models import (
    AEWType,
    Catalog,
    FighterType,
    Refuelling,
    TankerType,
    ThreatClass,
    Weapon,
)
from skyshield.mapping import deep_merge

#: Catalog sections a scenario may override whose entries are keyed by id, and what an entry is.
ID_SECTIONS: dict[str, tuple[str, type[BaseModel]]] = {
    "threats": ("threat class", ThreatClass),
    "fighters": ("fighter type", FighterType),
    "weapons": ("weapon", Weapon),
    "aew": ("AEW type", AEWType),
    "tankers": ("tanker type", TankerType),
}

#: The section without ids (its fields are overridden directly).
REFUELLING = "refuelling"

#: Note given to a number that a scenario overrides without a note of its own.
OVERRIDE_NOTE = "assumption: set by the scenario's catalog_overrides"

#: A field path inside ``catalog_overrides`` (section, id, field, key...).
Where = tuple[str | int, ...]


class OverrideError(Exception):
    """Problems with catalog overrides, each a path inside the overrides and a message."""

    def __init__(self, problems: list[tuple[Where, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(map(str, p))}: {m}" for p, m in problems))


def _noted(entry: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """``patch`` merged over ``entry``, with :data:`OVERRIDE_NOTE` for each field it sets
    that its own ``sources`` does not note."""
    merged = deep_merge(entry, patch)
    own = patch.get("sources")
    own_notes = own if isinstance(own, Mapping) else {}
    notes = merged.get("sources")
    if isinstance(notes, dict):
        notes = dict(notes)
        for f in patch:
            if f not in ("sources", "id") and f not in own_notes:
                notes[f] = OVERRIDE_NOTE
        merged["sources"] = notes
    return merged


def apply_overrides(catalog: Catalog, overrides: Mapping[str, Mapping[str, Any]]) -> Catalog:
    """A copy of ``catalog`` with ``overrides`` applied (``catalog`` itself is not changed).

    Raises :class:`OverrideError` listing every unknown section, id or field, every value of
    the wrong type or out of bounds, and every broken reference (a loadout naming no weapon).
    """
    problems: list[tuple[Where, str]] = []
    data = catalog.model_dump()
    for section, patches in overrides.items():
        if not patches:
            continue
        if section == REFUELLING:
            data[section] = _noted(data[section], patches)
            continue
        if section not in ID_SECTIONS:
            expected = f"{', '.join(ID_SECTIONS)} or {REFUELLING}"
            problems.append(((section,), f"not a catalog section; expected {expected}"))
            continue
        kind = ID_SECTIONS[section][0]
        entries = dict(data[section])
        for entry_id, patch in patches.items():
            if entry_id not in entries:
                known = ", ".join(sorted(entries))
                problems.append(
                    ((section, entry_id), f"unknown {kind} {entry_id!r}; expected one of: {known}")
                )
            elif not isinstance(patch, Mapping):
                problems.append(((section, entry_id), f"expected a mapping of {kind} fields"))
            elif "id" in patch:
                problems.append(((section, entry_id, "id"), "an entry's id cannot be overridden"))
            else:
                entries[entry_id] = _noted(entries[entry_id], patch)
        data[section] = entries
    try:
        patched = Catalog.model_validate(data)
    except ValidationError as exc:
        problems += [_explain(dict(e)) for e in exc.errors()]
    if problems:
        raise OverrideError(problems)
    return patched


def _explain(err: dict[str, Any]) -> tuple[Where, str]:
    """Path and message of one validation error of the patched catalog."""
    loc: Where = tuple(p for p in err["loc"] if p != "[key]")
    if err["type"] == "extra_forbidden":
        return loc, unknown_field(str(loc[0]))
    return loc, describe_error(err)


def unknown_field(section: str) -> str:
    """The message for an unknown field of an entry of ``section``, listing the known ones."""
    kind, model = ID_SECTIONS.get(section, ("refuelling", Refuelling))
    fields = ", ".join(f for f in model.model_fields if f not in ("id", "sources"))
    return f"unknown field of a {kind}; expected one of: {fields}"


def describe_error(err: Mapping[str, Any]) -> str:
    """Pydantic's message for one error, with what was given (cut short) and a hint when the
    value has the wrong YAML type: a number in quotes, true/false for a number, a decimal for a
    count, an unquoted date where text is expected."""
    msg = str(err["msg"]).removeprefix("Value error, ")
    given = err.get("input")
    kind = str(err.get("type", ""))
    hint = ""
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing"):
        if isinstance(given, bool):
            hint = "; true and false are not numbers"
        elif isinstance(given, str) and _is_number_text(given):
            hint = "; write numbers without quotes"
            if "e" in given.lower() and "." not in given:  # YAML 1.1 reads 1e300 as text
                hint = "; YAML reads a number with an exponent but no decimal point as text:"
                hint += " write 1.0e+3, not 1e3"
        elif kind == "int_type" and isinstance(given, float):
            hint = "; expected a whole number"
    elif kind == "string_type" and isinstance(given, date):
        hint = f"; YAML reads an unquoted date as a date: write it in quotes, '{given.isoformat()}'"
    if isinstance(given, bool | int | float):
        msg += f" (got {given!r})"
    elif isinstance(given, date) and hint:
        msg += f" (got {given.isoformat()})"
    elif isinstance(given, str):
        shown = given if len(given) <= 40 else given[:39] + "…"
        msg += f" (got {shown!r})"
    return msg + hint


def _is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
