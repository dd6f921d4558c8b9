"""Load a scenario: a built-in by name or a YAML file, with ``extends`` merged and checked.

Every problem is reported at once, each naming the file, the field path and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from skyshield.catalog import Catalog, load_catalog
from skyshield.errors import InputError, Problem
from skyshield.geo import Theatre, TheatreConfig
from skyshield.scenario.checks import cross_check
from skyshield.scenario.models import Asset, Base, Scenario
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


def _read_source(ref: str | Path, relative_to: Path | None) -> SourceFile:
    path = Path(ref)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError([Problem(str(path), "", "not a UTF-8 text file")]) from None
        origin, base_dir = str(ref if relative_to is None else path), path.parent
    elif str(ref) in BUILTIN_SCENARIOS:
        text, origin, base_dir = _builtin_text(str(ref)), f"<builtin {ref}>", None
    else:
        raise InputError(
            [
                Problem(
                    str(ref),
                    "",
                    "no such scenario file or built-in scenario; built-in: "
                    + ", ".join(BUILTIN_SCENARIOS),
                )
            ]
        )
    data, lines = load_yaml(text, origin)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError([Problem(origin, "", "expected a mapping of scenario fields at the top")])
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


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Override ``base`` with ``over`` key by key; mappings merge, lists and values replace."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


@dataclass
class LoadedScenario:
    """A validated scenario with what it refers to resolved: catalog, theatre, assets, bases."""

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
        """The theatre of this scenario (zones computed lazily)."""
        t = self.scenario.theatre
        occ = None
        if t.occupied_file is not None:
            occ = Path(t.occupied_file)
            if not occ.is_absolute():
                src = next((s for s in self.chain if s.base_dir is not None), None)
                occ = (src.base_dir if src and src.base_dir else Path.cwd()) / occ
        return Theatre(
            TheatreConfig(
                hostile=tuple(t.hostile),
                patrol_standoff_km=t.patrol_standoff_km,
                engage_standoff_km=t.engage_standoff_km,
                occupied_file=occ,
            )
        )

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
    def bases(self) -> dict[str, Base]:
        """Bases by ICAO code: the gazetteer plus the user's own (which override)."""
        out = {b.icao: b for b in _builtin_bases()}
        out.update({b.icao: b for b in self.scenario.bases.extra})
        return out


def _builtin_assets() -> list[Asset]:
    data, _ = load_yaml(_builtin_text("assets"), "<builtin assets.yaml>")
    return [Asset.model_validate(a) for a in data["assets"]]


def _builtin_bases() -> list[Base]:
    data, _ = load_yaml(_builtin_text("bases"), "<builtin bases.yaml>")
    return [Base.model_validate(b) for b in data["bases"]]


def _chain(ref: str | Path) -> list[SourceFile]:
    chain = [_read_source(ref, None)]
    seen = {chain[0].origin}
    while (parent := chain[-1].data.get("extends")) is not None:
        if not isinstance(parent, str):
            src = chain[-1]
            line, _ = line_of(src.lines, ("extends",))
            raise InputError(
                [Problem(src.origin, "extends", "expected a scenario name or file path", line)]
            )
        nxt = _read_source(parent, chain[-1].base_dir)
        if nxt.origin in seen or len(chain) >= _MAX_EXTENDS:
            src = chain[-1]
            line, _ = line_of(src.lines, ("extends",))
            raise InputError([Problem(src.origin, "extends", "circular or too deep", line)])
        seen.add(nxt.origin)
        chain.append(nxt)
    return chain


def load_scenario(ref: str | Path, *, check: bool = True) -> LoadedScenario:
    """Load, merge, validate and (if ``check``) cross-check a scenario.

    ``ref`` is a path to a YAML file or the name of a built-in scenario.  Raises
    :class:`InputError` listing every problem found.
    """
    chain = _chain(ref)
    merged: dict[str, Any] = {}
    for src in reversed(chain):
        merged = _merge(merged, src.data)
    merged.pop("extends", None)
    catalog = load_catalog()
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as exc:
        stub = LoadedScenario(Scenario(name="?"), chain, catalog)
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            # pydantic appends the validator's name for tagged/union members; keep the field path
            path = tuple(
                p
                for p in loc
                if isinstance(p, int) or not str(p).startswith(("function-", "literal["))
            )
            problems.append(stub.problem(path, _explain(err)))
        raise InputError(problems) from None
    loaded = LoadedScenario(scenario, chain, catalog)
    if check:
        errors, warnings = cross_check(loaded)
        if errors:
            raise InputError(errors)
        loaded.warnings = warnings
    return loaded


def _explain(err: Any) -> str:
    """Pydantic's message, with what was given."""
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "extra_forbidden":
        return "unknown field (check the spelling; see `skyshield scenario schema`)"
    given = err.get("input")
    if given is not None and not isinstance(given, dict | list):
        return f"{msg} (got {given!r})"
    return msg
