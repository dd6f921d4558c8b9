"""Load a scenario: a built-in by name or a YAML file, with ``extends`` merged and checked.

Loading runs in phases, and reports every problem of the first phase that finds any: first the
file's structure and types, then its catalog overrides (applied to a copy of the catalog), then
its references and geometry.  Each problem names the file, the field path and the line, and they
are sorted by file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from skyshield.catalog import Catalog, load_catalog
from skyshield.catalog.overrides import OverrideError, apply_overrides
from skyshield.errors import InputError, Problem
from skyshield.geo import Theatre, TheatreConfig
from skyshield.mapping import deep_merge
from skyshield.scenario.checks import cross_check, sort_problems
from skyshield.scenario.models import Asset, Base, Scenario
from skyshield.scenario.params import (
    EngineParams,
    GroundParams,
    ParamsError,
    load_engine_params,
    load_ground_params,
)
from skyshield.scenario.yamlio import Path_, dotted, line_of, load_yaml

#: Scenarios shipped in the package, addressed by name.
BUILTIN_SCENARIOS = ("reference", "small")

_MAX_EXTENDS = 8


@dataclass(frozen=True)
class SourceFile:
    """One YAML document of a scenario's ``extends`` chain."""

    origin: str
    text: str
    data: dict[str, Any]
    lines: dict[Path_, int]
    base_dir: Path | None


def _builtin_text(name: str) -> str:
    pkg = resources.files("skyshield.data.scenarios")
    return pkg.joinpath(f"{name}.yaml").read_text(encoding="utf-8")


class _NoSource(Exception):
    """A scenario reference that names no readable file or built-in (the reason is the text)."""


def _read_source(ref: str | Path, relative_to: Path | None) -> SourceFile:
    """One document of the chain; :class:`_NoSource` if ``ref`` names nothing readable.

    Problems inside a file that was found (not UTF-8, not YAML, empty, not a mapping) are
    :class:`InputError` naming that file.
    """
    path = Path(ref)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if path.is_file():
        origin, base_dir = str(ref if relative_to is None else path), path.parent
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise _NoSource(f"cannot read the file ({exc.strerror})") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(
                [
                    Problem(
                        origin,
                        "",
                        f"not a UTF-8 text file (byte 0x{raw[exc.start]:02x} cannot be read):"
                        " expected a YAML scenario saved as UTF-8",
                        line,
                    )
                ]
            ) from None
    elif str(ref) in BUILTIN_SCENARIOS:
        text, origin, base_dir = _builtin_text(str(ref)), f"<builtin {ref}>", None
    elif path.is_dir():
        raise _NoSource("is a directory: expected a YAML scenario file")
    else:
        raise _NoSource(
            "no such scenario file or built-in scenario; built-in: " + ", ".join(BUILTIN_SCENARIOS)
        )
    data, lines = load_yaml(text, origin)
    if data is None:
        raise InputError(
            [
                Problem(
                    origin,
                    "",
                    "the file is empty: expected a mapping of scenario fields (at least `name`)",
                    1,
                )
            ]
        )
    if not isinstance(data, dict):
        raise InputError(
            [Problem(origin, "", "expected a mapping of scenario fields at the top", lines.get(()))]
        )
    return SourceFile(origin, text, data, lines, base_dir)


_MISSING = object()


def _lookup(data: Any, path: Path_) -> Any:
    """The value at ``path`` in nested dicts and lists, or ``_MISSING``."""
    for p in path:
        if isinstance(data, dict):
            data = data.get(p, _MISSING)
        elif isinstance(data, list) and isinstance(p, int) and 0 <= p < len(data):
            data = data[p]
        else:
            return _MISSING
        if data is _MISSING:
            return _MISSING
    return data


@dataclass
class LoadedScenario:
    """A validated scenario with what it refers to resolved: catalog, theatre, assets, bases.

    ``catalog`` is the shipped catalog with the scenario's ``catalog_overrides`` applied (a
    copy; the shipped one is shared and never changed).
    """

    scenario: Scenario
    chain: list[SourceFile]
    catalog: Catalog
    warnings: list[Problem] = field(default_factory=list)

    @property
    def origin(self) -> str:
        """Where the scenario came from (file path or ``<builtin NAME>``)."""
        return self.chain[0].origin

    @property
    def text(self) -> str:
        """The scenario's own text (for the run store and reproducibility)."""
        return self.chain[0].text

    def locate(self, path: Path_) -> tuple[str, int | None]:
        """The file of the chain that defines ``path``, and its line.

        Mappings merge key by key, but a list or a value is taken whole from the nearest file
        that has it, so that file owns everything below it.
        """
        candidates = list(range(len(self.chain)))
        for n in range(1, len(path) + 1):
            holders = [
                i for i in candidates if _lookup(self.chain[i].data, path[:n]) is not _MISSING
            ]
            if not holders:
                break
            if not isinstance(_lookup(self.chain[holders[0]].data, path[:n]), dict):
                candidates = holders[:1]
                break
        best: tuple[str, int | None, int] = (self.chain[candidates[0]].origin, None, -1)
        for i in candidates:
            line, depth = line_of(self.chain[i].lines, path)
            if depth > best[2]:
                best = (self.chain[i].origin, line, depth)
        return best[0], best[1]

    def problem(self, path: Path_, message: str) -> Problem:
        """A :class:`Problem` at ``path`` of this scenario."""
        origin, line = self.locate(path)
        return Problem(origin, dotted(path), message, line)

    @cached_property
    def theatre(self) -> Theatre:
        """The theatre of this scenario (zones computed lazily).

        Scenarios with the same hostile areas and standoffs over the shipped layers share one
        theatre (its zones are computed once per process; sweeps load many such variants).
        """
        t = self.scenario.theatre
        if t.occupied_file is None:
            return _shipped_theatre(
                TheatreConfig(tuple(t.hostile), t.patrol_standoff_km, t.engage_standoff_km)
            )
        occ = Path(t.occupied_file)
        if not occ.is_absolute():
            # relative to the file of the chain that wrote the value (cwd for a built-in)
            origin, _ = self.locate(("theatre", "occupied_file"))
            src = next((s for s in self.chain if s.origin == origin), None)
            occ = (src.base_dir if src and src.base_dir else Path.cwd()) / occ
        return Theatre(
            TheatreConfig(
                hostile=tuple(t.hostile),
                patrol_standoff_km=t.patrol_standoff_km,
                engage_standoff_km=t.engage_standoff_km,
                occupied_file=occ,
            )
        )

    @property
    def raid_ref(self) -> str | None:
        """The scenario's raid, with a relative file path resolved against the file that wrote it."""
        ref = self.scenario.raid
        if ref is None:
            return None
        origin, _ = self.locate(("raid",))
        owner = next((src for src in self.chain if src.origin == origin), None)
        if owner is not None and owner.base_dir is not None and (owner.base_dir / ref).is_file():
            return str(owner.base_dir / ref)
        return ref

    @cached_property
    def engine_params(self) -> EngineParams:
        """The catalog's engine parameters with the scenario's ``engine:`` overrides."""
        return load_engine_params(self.scenario.engine.as_mapping())

    @cached_property
    def ground_params(self) -> GroundParams:
        """The shipped ground-defence parameters with the scenario's ``ground_defences:``."""
        return load_ground_params(self.scenario.ground_defences.as_mapping())

    @cached_property
    def builtin_assets(self) -> dict[str, Asset]:
        """The shipped protected assets by id."""
        return {a.id: a for a in _builtin_assets()}

    @cached_property
    def assets(self) -> list[Asset]:
        """Protected assets: the built-ins kept plus the user's own."""
        spec = self.scenario.assets
        if spec.builtin == "all":
            kept = list(self.builtin_assets.values())
        elif spec.builtin == "none":
            kept = []
        else:
            kept = [self.builtin_assets[i] for i in spec.builtin if i in self.builtin_assets]
        return kept + list(spec.extra)

    @cached_property
    def builtin_bases(self) -> dict[str, Base]:
        """The gazetteer's bases by ICAO code."""
        return {b.icao: b for b in _builtin_bases()}

    @cached_property
    def bases(self) -> dict[str, Base]:
        """Bases by ICAO code: the gazetteer plus the user's own (which override)."""
        out = dict(self.builtin_bases)
        out.update({b.icao: b for b in self.scenario.bases.extra})
        return out


@lru_cache(maxsize=16)
def _shipped_theatre(config: TheatreConfig) -> Theatre:
    """The theatre of ``config`` (without a user's occupied file: the shipped layers cannot
    change), one per configuration."""
    return Theatre(config)


def _builtin_assets() -> list[Asset]:
    data, _ = load_yaml(_builtin_text("assets"), "<builtin assets.yaml>")
    return [Asset.model_validate(a) for a in data["assets"]]


def _builtin_bases() -> list[Base]:
    data, _ = load_yaml(_builtin_text("bases"), "<builtin bases.yaml>")
    return [Base.model_validate(b) for b in data["bases"]]


def _chain(ref: str | Path) -> list[SourceFile]:
    try:
        chain = [_read_source(ref, None)]
    except _NoSource as exc:
        raise InputError([Problem(str(ref), "", str(exc))]) from None
    seen = {chain[0].origin}
    while (parent := chain[-1].data.get("extends")) is not None:
        src = chain[-1]
        line, _ = line_of(src.lines, ("extends",))
        if not isinstance(parent, str) or not parent:
            raise InputError(
                [Problem(src.origin, "extends", "expected a scenario name or file path", line)]
            )
        try:
            nxt = _read_source(parent, src.base_dir)
        except _NoSource as exc:
            where = parent
            if src.base_dir is not None and str(src.base_dir / parent) != parent:
                where += f" (looked for {src.base_dir / parent})"
            raise InputError([Problem(src.origin, "extends", f"{where}: {exc}", line)]) from None
        if nxt.origin in seen or len(chain) >= _MAX_EXTENDS:
            raise InputError(
                [
                    Problem(
                        src.origin,
                        "extends",
                        f"circular or too deep (at most {_MAX_EXTENDS} files)",
                        line,
                    )
                ]
            )
        seen.add(nxt.origin)
        chain.append(nxt)
    return chain


def load_scenario(ref: str | Path, *, check: bool = True) -> LoadedScenario:
    """Load, merge, validate and (if ``check``) cross-check a scenario.

    ``ref`` is a path to a YAML file or the name of a built-in scenario.  Raises
    :class:`InputError` listing every problem of the first phase that finds any: first the
    file's structure and types, then its catalog overrides, then its references and geometry
    (sorted by file and line).
    Warnings of a usable scenario are in :attr:`LoadedScenario.warnings`.
    """
    return _load_chain(_chain(ref), check)


def scenario_from_data(
    data: dict[str, Any], origin: str, base_dir: Path | None = None
) -> LoadedScenario:
    """A scenario from a mapping of its fields (e.g. a loaded scenario's fields with some
    changed), validated and cross-checked like a file; ``origin`` names it in messages and its
    text is the mapping written as YAML."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    _, lines = load_yaml(text, origin)
    return _load_chain([SourceFile(origin, text, data, lines, base_dir)], True)


def _load_chain(chain: list[SourceFile], check: bool) -> LoadedScenario:
    """Merge, validate and cross-check a chain of scenario documents (child first)."""
    merged: dict[str, Any] = {}
    for src in reversed(chain):
        merged = deep_merge(merged, src.data)
    merged.pop("extends", None)
    catalog = load_catalog()
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as exc:
        stub = LoadedScenario(Scenario(name="?"), chain, catalog)
        problems = [
            stub.problem(path, message) for path, message in _validation_messages(exc, merged)
        ]
        raise InputError(sort_problems(problems)) from None
    overrides = scenario.catalog_overrides.as_mapping()
    if overrides:
        try:
            catalog = apply_overrides(catalog, overrides)
        except OverrideError as exc:
            stub = LoadedScenario(scenario, chain, catalog)
            problems = [stub.problem(("catalog_overrides", *p), m) for p, m in exc.problems]
            raise InputError(sort_problems(problems)) from None
    loaded = LoadedScenario(scenario, chain, catalog)
    problems = []
    for params in ("engine_params", "ground_params"):
        try:
            getattr(loaded, params)  # validated now, so that no run fails on them later
        except ParamsError as exc:
            problems += [loaded.problem((exc.section, *p), m) for p, m in exc.problems]
    if problems:
        raise InputError(sort_problems(problems))
    if check:
        errors, warnings = cross_check(loaded)
        if errors:
            raise InputError(errors)
        loaded.warnings = warnings
    return loaded


#: Names pydantic gives the members of a union in an error's location (``raid.str``).
_TYPE_NAMES = frozenset(
    {"str", "int", "float", "bool", "none", "list", "dict", "tuple", "set", "datetime", "date"}
)


def _is_branch_tag(p: str) -> bool:
    return p in _TYPE_NAMES or any(c in p for c in "[]('),")


def _field_path(loc: tuple[str | int, ...], data: Any) -> tuple[Path_, Path_ | None]:
    """The field path of a pydantic error location, without union-branch tags, and the path
    of the union whose branch the error came from (None if none).

    A location element is a field if the input has it (an unknown field) or it does not look
    like a tag (a missing field); union tags (``list[str]``, ``function-after[...]``) go.
    """
    path: list[str | int] = []
    union: Path_ | None = None
    for p in loc:
        if isinstance(p, int):
            data = data[p] if isinstance(data, list) and 0 <= p < len(data) else _MISSING
        elif isinstance(data, dict) and p in data:
            data = data[p]
        elif _is_branch_tag(p):
            union = tuple(path)
            continue
        else:
            data = _MISSING
        path.append(p)
    return tuple(path), union


def _validation_messages(exc: ValidationError, data: Any) -> list[tuple[Path_, str]]:
    """One message per field path, union branches merged (``'all' or 'none' or a valid list``).

    When the input matched a branch's outer type and failed inside it (a list with a number
    in it), only that branch's errors are kept.
    """
    found: list[tuple[Path_, Path_ | None, dict[str, Any]]] = []
    for err in exc.errors():
        path, union = _field_path(tuple(err["loc"]), data)
        found.append((path, union, dict(err)))
    went_deeper = {u for path, u, _ in found if u is not None and len(path) > len(u)}
    messages: dict[Path_, list[str]] = {}
    given: dict[Path_, str] = {}
    for path, union, details in found:
        if union is not None and union in went_deeper and path == union:
            continue  # the input has the other branch's outer type: its errors say more
        message, got = _explain(details)
        if message not in messages.setdefault(path, []):
            messages[path].append(message)
        if got:
            given.setdefault(path, got)
    return [
        (
            path,
            " or ".join([ms[0], *(m.removeprefix("Input should be ") for m in ms[1:])])
            + given.get(path, ""),
        )
        for path, ms in messages.items()
    ]


def _explain(err: dict[str, Any]) -> tuple[str, str]:
    """Pydantic's message, and `` (got ...)`` with what was given if it is a plain value."""
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "missing":
        return "required field is missing", ""
    if err["type"] == "extra_forbidden":
        return "unknown field (check the spelling; see `skyshield scenario schema`)", ""
    given = err.get("input")
    if isinstance(given, str | int | float | bool):
        return msg, f" (got {given!r})"
    return msg, ""
