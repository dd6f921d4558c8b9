"""Gazetteers of the attack record: launch areas and the regions of Ukraine.

Both are read from YAML files shipped in ``skyshield/data/record`` (``launch_areas.yaml``,
``oblasts.yaml``; sources in that folder's README).  Positions are ``(lon, lat)`` in degrees
(WGS84), radii in kilometres.  Names are matched after :func:`normalise_name` (case, spaces,
apostrophes, dashes) and, failing that, without an oblast suffix ("Kursk oblast", "Kursk
region", "Курська область" all find Kursk).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from skyshield.catalog.bibliography import require_note
from skyshield.errors import InputError, Problem
from skyshield.scenario.yamlio import load_yaml, read_text_file

AreaKind = Literal["airfield", "oblast", "sea", "region", "place", "direction"]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "`": "'", "\u2018": "'", "\u00b4": "'"})
_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")
_SUFFIX = re.compile(
    r"^(?P<base>.+?)\s+(?:oblast'?|obl|region|province|krai|kray|область|обл|край)$"
)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
#: Separators of several names in one field: " and " (repeated too: "a and and b"), ";", "&".
_AND = re.compile(r"(?:\s*\band\b\s*)+|\s*[;&]\s*", re.IGNORECASE)


def normalise_name(name: str) -> str:
    """Matching key of a place name: NFKC, one kind of apostrophe and dash, single spaces,
    no surrounding punctuation, case-folded.  ``" Kursk  Oblast."`` gives ``"kursk oblast"``.
    """
    s = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES)
    s = _DASHES.sub("-", s)
    s = " ".join(s.split()).strip(" .,;:")
    return s.casefold()


def strip_suffix(key: str) -> str | None:
    """``key`` (normalised) without its oblast suffix ("oblast", "region", "область", ...);
    None if it has none.  ``"kursk oblast"`` gives ``"kursk"``.
    """
    m = _SUFFIX.match(key)
    return m.group("base") if m else None


def split_names(text: str) -> list[str]:
    """Split a field naming several places on " and " (also "and and"), ";" and "&".

    Commas are left alone: whether a comma separates two places or qualifies one is the
    gazetteer's call (:meth:`LaunchAreas.split`).
    """
    return [p.strip(" ,") for p in _AND.split(text) if p.strip(" ,")]


def _note_ok(note: str) -> str:
    return require_note(note)  # the package's one rule for notes


def _lonlat_ok(pos: tuple[float, float]) -> tuple[float, float]:
    lon, lat = pos
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise ValueError(f"position {list(pos)} is not [lon, lat] in degrees")
    return pos


class LaunchArea(BaseModel):
    """An area Russian weapons are launched from, as the record names it.

    ``position`` is ``(lon, lat)`` in degrees (WGS84); ``radius_km`` how spread out the launches
    from it are, in km; ``aliases`` the spellings that name it (the record's exact strings
    included); ``source`` where the position comes from (``source:`` or ``assumption:``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    kind: AreaKind
    position: tuple[float, float]
    radius_km: float = Field(gt=0)
    aliases: tuple[str, ...] = Field(min_length=1)
    source: str

    @field_validator("source")
    @classmethod
    def _source_noted(cls, v: str) -> str:
        return _note_ok(v)

    @field_validator("position")
    @classmethod
    def _position_lonlat(cls, v: tuple[float, float]) -> tuple[float, float]:
        return _lonlat_ok(v)

    @property
    def lon(self) -> float:
        """Longitude of the centre, degrees east."""
        return self.position[0]

    @property
    def lat(self) -> float:
        """Latitude of the centre, degrees north."""
        return self.position[1]


class Region(BaseModel):
    """A region of Ukraine (oblast, Kyiv city, Crimea, Sevastopol).

    ``position`` is the approximate centroid ``(lon, lat)`` in degrees (WGS84).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    aliases: tuple[str, ...] = Field(min_length=1)
    position: tuple[float, float]
    source: str

    @field_validator("source")
    @classmethod
    def _source_noted(cls, v: str) -> str:
        return _note_ok(v)

    @field_validator("position")
    @classmethod
    def _position_lonlat(cls, v: tuple[float, float]) -> tuple[float, float]:
        return _lonlat_ok(v)


class _LaunchAreasFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    qualifiers: tuple[str, ...] = ()
    areas: list[LaunchArea]


class _RegionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regions: list[Region]
    not_regions: tuple[str, ...] = ()
    directions_source: str
    directions: dict[str, tuple[str, ...]]

    @field_validator("directions_source")
    @classmethod
    def _source_noted(cls, v: str) -> str:
        return _note_ok(v)


@dataclass(frozen=True)
class _AliasIndex:
    """Two maps from normalised names to ids: the full names, and the names that carried an
    oblast suffix keyed without it (so "Kyiv region" finds Kyiv oblast, "Kyiv" the city)."""

    exact: dict[str, str] = field(default_factory=dict)
    suffixed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Iterable[tuple[str, Sequence[str]]]) -> tuple[_AliasIndex, list[str]]:
        """Index ``(id, aliases)`` pairs; also return conflicts (one name, two ids)."""
        index = cls()
        conflicts: list[str] = []
        for ident, aliases in entries:
            for alias in aliases:
                key = normalise_name(alias)
                for table, k in ((index.exact, key), (index.suffixed, strip_suffix(key))):
                    if k is None:
                        continue
                    other = table.setdefault(k, ident)
                    if other != ident:
                        conflicts.append(f"alias {alias!r} names both {other!r} and {ident!r}")
        return index, conflicts

    def find(self, name: str) -> str | None:
        """Id named by ``name``, or None."""
        key = normalise_name(name)
        if not key:
            return None
        found = self.exact.get(key)
        if found is not None:
            return found
        base = strip_suffix(key)
        if base is None:
            return self.suffixed.get(key)
        return self.suffixed.get(base) or self.exact.get(base)


def _lookup_with_fallbacks(index: _AliasIndex, name: str) -> str | None:
    found = index.find(name)
    if found is None and "(" in name:
        found = index.find(_PARENTHESES.sub("", name))
    return found


@dataclass(frozen=True)
class PlaceMatch:
    """Launch places of one record field: the areas found (ids, in order, without repeats),
    the mentions not found (as written), the number of mentions and the kind of the area of
    each mention found."""

    areas: tuple[str, ...]
    unmapped: tuple[str, ...]
    mentions: int
    kinds: tuple[AreaKind, ...] = ()


@dataclass(frozen=True)
class LaunchAreas:
    """The launch-area gazetteer: areas by id, and name lookup."""

    areas: dict[str, LaunchArea]
    qualifiers: frozenset[str]
    _index: _AliasIndex

    def with_aliases(self, extra: dict[str, str]) -> LaunchAreas:
        """A copy with more names: ``extra`` maps a place as written to an area id (every id
        must be one of :attr:`areas`).  An extra name wins over a shipped alias of the same
        spelling."""
        index = _AliasIndex(dict(self._index.exact), dict(self._index.suffixed))
        for alias, ident in extra.items():
            key = normalise_name(alias)
            index.exact[key] = ident
            base = strip_suffix(key)
            if base is not None:
                index.suffixed[base] = ident
        return LaunchAreas(self.areas, self.qualifiers, index)

    def lookup(self, name: str) -> LaunchArea | None:
        """The area ``name`` refers to, or None.

        Tolerates case, spacing, oblast suffixes and a trailing qualifier: "Foo, Crimea" falls
        back to "Foo" when the pair itself is not an alias.
        """
        found = _lookup_with_fallbacks(self._index, name)
        if found is None and "," in name:
            head, _, tail = name.rpartition(",")
            if normalise_name(tail) in self.qualifiers:
                found = _lookup_with_fallbacks(self._index, head)
        return self.areas[found] if found is not None else None

    def split(self, text: str) -> list[str]:
        """The launch places one field mentions, as written.

        " and " separates places.  A comma separates places too, except in a pair that is an
        alias ("Bryansk oblast, Seshcha") or that ends in a qualifier ("Hvardiiske, Crimea"):
        such a pair is one place.
        """
        out: list[str] = []
        for piece in split_names(text):
            out.extend(self._split_commas(piece))
        return out

    def _split_commas(self, piece: str) -> list[str]:
        if "," not in piece or _lookup_with_fallbacks(self._index, piece) is not None:
            return [piece]
        parts = [p.strip() for p in piece.split(",") if p.strip()]
        out: list[str] = []
        i = 0
        while i < len(parts):
            if i + 1 < len(parts):
                pair = f"{parts[i]}, {parts[i + 1]}"
                qualified = normalise_name(parts[i + 1]) in self.qualifiers
                if qualified or _lookup_with_fallbacks(self._index, pair) is not None:
                    out.append(pair)
                    i += 2
                    continue
            out.append(parts[i])
            i += 1
        return out

    def resolve(self, text: str) -> PlaceMatch:
        """Split ``text`` into places (:meth:`split`) and look each up."""
        ids: list[str] = []
        unmapped: list[str] = []
        kinds: list[AreaKind] = []
        mentions = self.split(text)
        for mention in mentions:
            area = self.lookup(mention)
            if area is None:
                unmapped.append(mention)
                continue
            kinds.append(area.kind)
            if area.id not in ids:
                ids.append(area.id)
        return PlaceMatch(tuple(ids), tuple(unmapped), len(mentions), tuple(kinds))


@dataclass(frozen=True)
class RegionMatch:
    """Regions named in a field: region ids (in order, no repeats), directions named
    ("south", "center"), and names not understood (as written)."""

    regions: tuple[str, ...]
    directions: tuple[str, ...]
    unmapped: tuple[str, ...]


@dataclass(frozen=True)
class Regions:
    """The regions of Ukraine, the Air Force's direction words and name lookup."""

    regions: dict[str, Region]
    #: direction word (normalised: "west", "south-east") -> representative region ids
    directions: dict[str, tuple[str, ...]]
    #: normalised words that name no region but are understood ("ukraine", "front line")
    not_regions: frozenset[str]
    _index: _AliasIndex

    def lookup(self, name: str) -> Region | None:
        """The region ``name`` refers to, or None ("Kyiv" is the city, "Kyiv oblast" the oblast)."""
        found = _lookup_with_fallbacks(self._index, name)
        return self.regions[found] if found is not None else None

    def direction(self, name: str) -> tuple[str, ...] | None:
        """Region ids of a direction word ("west", "South", "center"), or None."""
        return self.directions.get(normalise_name(name))

    def resolve(self, names: Iterable[str]) -> RegionMatch:
        """Look up each name; a "region, district" name falls back to its region."""
        ids: list[str] = []
        dirs: list[str] = []
        unmapped: list[str] = []
        for name in names:
            region = self.lookup(name)
            if region is None and "," in name:
                region = self.lookup(name.split(",", 1)[0])
            if region is not None:
                if region.id not in ids:
                    ids.append(region.id)
            elif self.direction(name) is not None:
                dirs.append(normalise_name(name))
            elif normalise_name(name) not in self.not_regions:
                unmapped.append(name.strip())
        return RegionMatch(tuple(ids), tuple(dirs), tuple(unmapped))

    def resolve_text(self, text: str) -> RegionMatch:
        """Regions named in a free-text field like ``target`` ("Odesa oblast and Mykolaiv
        oblast", "Dnipropetrovsk oblast, Dnipro Raion", "south")."""
        return self.resolve(split_names(text))


def _problems(exc: ValidationError, file: str) -> list[Problem]:
    return [Problem(file, ".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]


def _read_yaml(path: Path | None, builtin: str) -> tuple[Any, str]:
    if path is None:
        ref = resources.files("skyshield.data.record").joinpath(builtin)
        return yaml.safe_load(ref.read_text(encoding="utf-8")), f"<builtin {builtin}>"
    text = read_text_file(path, str(path), "a YAML gazetteer")
    return load_yaml(text, str(path))[0], str(path)


class _Named(Protocol):
    """A gazetteer entry: an id, a name and the other spellings that name it."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


_Entry = TypeVar("_Entry", bound=_Named)
_File = TypeVar("_File", _LaunchAreasFile, _RegionsFile)


def _parse(model: type[_File], path: Path | None, builtin: str) -> tuple[_File, str]:
    """A gazetteer file read and validated against ``model``; InputError naming the file."""
    raw, file = _read_yaml(path, builtin)
    try:
        return model.model_validate(raw), file
    except ValidationError as exc:
        raise InputError(_problems(exc, file)) from None


def _indexed(
    entries: Sequence[_Entry], key: str, file: str
) -> tuple[dict[str, _Entry], _AliasIndex, list[Problem]]:
    """Entries by id, their alias index, and the problems: repeated ids, clashing aliases."""
    problems: list[Problem] = []
    by_id: dict[str, _Entry] = {}
    for i, e in enumerate(entries):
        if e.id in by_id:
            problems.append(Problem(file, f"{key}[{i}].id", f"duplicate id {e.id!r}"))
        by_id[e.id] = e
    names: list[tuple[str, tuple[str, ...]]] = [(x.id, (*x.aliases, x.name)) for x in entries]
    index, conflicts = _AliasIndex.build(names)
    problems += [Problem(file, key, c) for c in conflicts]
    return by_id, index, problems


def _build_launch_areas(path: Path | None) -> LaunchAreas:
    parsed, file = _parse(_LaunchAreasFile, path, "launch_areas.yaml")
    areas, index, problems = _indexed(parsed.areas, "areas", file)
    if problems:
        raise InputError(problems)
    qualifiers = frozenset(normalise_name(q) for q in parsed.qualifiers)
    return LaunchAreas(areas, qualifiers, index)


def _build_regions(path: Path | None) -> Regions:
    parsed, file = _parse(_RegionsFile, path, "oblasts.yaml")
    regions, index, problems = _indexed(parsed.regions, "regions", file)
    for word, ids in parsed.directions.items():
        problems += [
            Problem(file, f"directions.{word}", f"unknown region id {r!r}")
            for r in ids
            if r not in regions
        ]
    if problems:
        raise InputError(problems)
    directions = {normalise_name(k): v for k, v in parsed.directions.items()}
    not_regions = frozenset(normalise_name(n) for n in parsed.not_regions)
    return Regions(regions, directions, not_regions, index)


@cache
def _builtin_launch_areas() -> LaunchAreas:
    return _build_launch_areas(None)


@cache
def _builtin_regions() -> Regions:
    return _build_regions(None)


def load_launch_areas(path: Path | None = None) -> LaunchAreas:
    """The launch-area gazetteer from ``path``, or the shipped one (read once; read-only)."""
    return _builtin_launch_areas() if path is None else _build_launch_areas(path)


def load_regions(path: Path | None = None) -> Regions:
    """The regions gazetteer from ``path``, or the shipped one (read once; read-only)."""
    return _builtin_regions() if path is None else _build_regions(path)
