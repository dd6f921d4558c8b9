"""Load a scenario: a built-in by name or a YAML file, with ``extends`` merged and checked.

Loading runs in phases, and reports every problem of the first phase that finds any: first the
file's structure and types, then its catalog overrides (applied to a copy of the catalog), then
the files it refers to, then its references and geometry.  Each problem names the file, the
field path and the line, and they are sorted by file and line; a problem inside a built-in
scenario says so and shows the line.  A usable scenario is then shaped: pledges at unavailable
bases move or drop, and the coalition is scaled to ``coalition.total_aircraft`` if a file sets
it (each with a warning or as asked).

Files a scenario refers to (``extends``, ``raid``, ``theatre.occupied_file``) resolve against the
folder of the file that names them, and must lie inside the folder of the scenario given (and
below) or a folder of the search path :data:`SEARCH_PATH_ENV`; a name that is not found there is
also looked for in each search-path folder.  A file elsewhere is refused unread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from skyshield.catalog import Catalog, load_catalog
from skyshield.catalog.overrides import (
    OverrideError,
    apply_overrides,
    describe_error,
    unknown_field,
)
from skyshield.errors import InputError, Problem
from skyshield.geo import Theatre, TheatreConfig
from skyshield.scenario.checks import cross_check, fleet_warnings, sort_problems
from skyshield.scenario.compose import KEYED_LISTS, PATCH_FORM, Origin, merge_chain
from skyshield.scenario.limits import EXTENDS_FILES
from skyshield.scenario.models import Asset, Base, Scenario
from skyshield.scenario.params import (
    EngineParams,
    GroundParams,
    ParamsError,
    load_engine_params,
    load_ground_params,
)
from skyshield.scenario.shaping import close_bases, scale_pledges
from skyshield.scenario.yamlio import Path_, dotted, line_of, load_yaml, read_text_file

#: Scenarios shipped in the package, addressed by name.
BUILTIN_SCENARIOS = ("reference", "small")

#: Environment variable: folders (separated by the system's path separator, ``:`` on Linux)
#: where a scenario's references may also lie and where names are looked for.
SEARCH_PATH_ENV = "SKYSHIELD_SCENARIO_PATH"

_BUILTIN_PREFIX = "<builtin "


@dataclass(frozen=True)
class SourceFile:
    """One YAML document of a scenario's ``extends`` chain (``base_dir`` None for a built-in)."""

    origin: str
    text: str
    data: dict[str, Any]
    lines: dict[Path_, int]
    base_dir: Path | None


def builtin_text(name: str) -> str:
    """The YAML text of the built-in scenario (or gazetteer file) ``name``."""
    pkg = resources.files("skyshield.data.scenarios")
    return pkg.joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def search_path() -> tuple[Path, ...]:
    """The folders of :data:`SEARCH_PATH_ENV`, resolved, in order."""
    raw = os.environ.get(SEARCH_PATH_ENV, "")
    return tuple(Path(p).expanduser().resolve() for p in raw.split(os.pathsep) if p.strip())


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """True if ``path`` (symbolic links followed) lies in one of ``roots`` or below."""
    real = path.resolve()
    return any(real.is_relative_to(r) for r in roots)


def _outside_message(roots: tuple[Path, ...]) -> str:
    where = ", ".join(str(r) for r in roots) or "none (the scenario is a built-in)"
    return (
        "lies outside the scenario's folder: a scenario may refer only to files in the"
        f" folder of the scenario file given (and below) or in a folder of {SEARCH_PATH_ENV};"
        f" allowed: {where}"
    )


class _NoSource(Exception):
    """A scenario reference that names no readable file or built-in (the reason is the text;
    ``looked`` the files looked for)."""

    def __init__(self, reason: str, looked: tuple[Path, ...] = ()) -> None:
        super().__init__(reason)
        self.looked = looked


def _parse_source(text: str, origin: str, base_dir: Path | None, parent: bool) -> SourceFile:
    """A document of the chain from its text; a ``parent`` (reached by ``extends``) that does not
    look like a scenario is refused without echoing what it holds."""
    data, lines = load_yaml(text, origin, echo=not parent)
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
    if parent and not any(k in Scenario.model_fields for k in data):
        raise InputError(
            [
                Problem(
                    origin,
                    "",
                    "not a scenario file: none of its keys is a scenario field (name, extends,"
                    " coalition, cap, ...)",
                    lines.get(()),
                )
            ]
        )
    return SourceFile(origin, text, data, lines, base_dir)


def _read_file(path: Path, origin: str, parent: bool) -> SourceFile:
    text = read_text_file(path, origin, "a YAML scenario")
    return _parse_source(text, origin, path.parent, parent)


def _read_builtin(name: str) -> SourceFile:
    return _parse_source(builtin_text(name), f"{_BUILTIN_PREFIX}{name}>", None, False)


def _read_top(ref: str | Path) -> SourceFile:
    """The scenario the user named: a file anywhere, or a built-in."""
    path = Path(ref)
    if path.is_file():
        return _read_file(path, str(ref), False)
    if str(ref) in BUILTIN_SCENARIOS:
        return _read_builtin(str(ref))
    if path.is_dir():
        raise _NoSource("is a directory: expected a YAML scenario file")
    raise _NoSource(
        "no such scenario file or built-in scenario; built-in: " + ", ".join(BUILTIN_SCENARIOS)
    )


def _read_parent(ref: str, writer: SourceFile, roots: tuple[Path, ...]) -> SourceFile:
    """The scenario ``writer`` extends: a file next to it (or in the search path), inside the
    allowed folders, or a built-in."""
    if writer.base_dir is None:  # a built-in extends only built-ins
        if ref in BUILTIN_SCENARIOS:
            return _read_builtin(ref)
        raise _NoSource("a built-in scenario can extend only built-ins")
    path = Path(ref).expanduser()
    candidates = [path] if path.is_absolute() else [writer.base_dir / path]
    if not path.is_absolute():
        candidates += [d / path for d in search_path()]
    inside = [c for c in candidates if _inside(c, roots)]
    found = next((c for c in inside if c.is_file()), None)
    if found is not None:
        return _read_file(found, str(found), True)
    if ref in BUILTIN_SCENARIOS:
        return _read_builtin(ref)
    if not inside:
        raise _NoSource(_outside_message(roots))
    if any(c.is_dir() for c in inside):
        raise _NoSource("is a directory: expected a YAML scenario file")
    raise _NoSource(
        "no such scenario file or built-in scenario; built-in: " + ", ".join(BUILTIN_SCENARIOS),
        tuple(inside),
    )


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


def _builtin_note(src: SourceFile, raw: Path_, line: int | None, top: SourceFile) -> str:
    """What to add to a problem located in a built-in scenario: its line, that it is a built-in,
    how to see it, and how to drop the offending item of a patchable list."""
    inner = src.origin.removeprefix(_BUILTIN_PREFIX)
    name, _, variant = inner.partition(">")  # a sweep point: "<builtin small> with x=1"
    variant = f" ({variant.strip()})" if variant.strip() else ""
    text = src.text.splitlines()[line - 1].strip() if line else ""
    shown = f"\n    {line} | {text}" if text else ""
    who = f", which {top.origin} extends" if top is not src else ""
    hint = ""
    for keys, key in KEYED_LISTS.items():
        n = len(keys)
        if key and raw[:n] == keys and len(raw) > n and isinstance(raw[n], int):
            item = _lookup(src.data, raw[: n + 1])
            if isinstance(item, dict) and key in item:
                patch = f"{{remove: [{item[key]}]}}"
                for k in reversed(keys):
                    patch = f"{{{k}: {patch}}}"
                hint = (
                    f"; to drop this item, write {patch[1:-1]} in {top.origin}"
                    " (or change it with patch:, see docs/scenario.md)"
                )
    return (
        f"{shown}\n    (line {line} of the built-in scenario {name!r}{variant}{who}; print it with"
        f" `skyshield scenario show {name} --yaml`{hint})"
    )


@dataclass
class LoadedScenario:
    """A validated scenario with what it refers to resolved: catalog, theatre, assets, bases.

    ``catalog`` is the shipped catalog with the scenario's ``catalog_overrides`` applied (a
    copy; the shipped one is shared and never changed).  ``origins`` gives, for each value of
    the merged document, the file of ``chain`` that wrote it and its path there; ``roots`` are
    the folders the scenario's file references must lie in.
    """

    scenario: Scenario
    chain: list[SourceFile]
    catalog: Catalog
    warnings: list[Problem] = field(default_factory=list)
    origins: dict[Path_, Origin] = field(default_factory=dict)
    roots: tuple[Path, ...] = ()

    @property
    def origin(self) -> str:
        """Where the scenario came from (file path or ``<builtin NAME>``)."""
        return self.chain[0].origin

    @property
    def text(self) -> str:
        """The scenario's own text (for the run store and reproducibility)."""
        return self.chain[0].text

    def _where(self, path: Path_) -> tuple[SourceFile, Path_]:
        """The file of the chain that wrote the value at ``path`` (or its nearest written
        parent) and the path of ``path`` inside that file."""
        for n in range(len(path), -1, -1):
            found = self.origins.get(path[:n])
            if found is not None:
                i, raw = found
                return self.chain[i], (*raw, *path[n:])
        return self.chain[0], path

    def problem(self, path: Path_, message: str) -> Problem:
        """A :class:`Problem` at ``path`` of this scenario, in the file that wrote it (with its
        path there); in a built-in scenario, with the line shown and how to see the file."""
        src, raw = self._where(path)
        line, _ = line_of(src.lines, raw)
        if src.base_dir is None and src.origin.startswith(_BUILTIN_PREFIX):
            message += _builtin_note(src, raw, line, self.chain[0])
        return Problem(src.origin, dotted(raw), message, line)

    def file_ref(self, path: Path_, names: bool = False) -> Path | None:
        """The file named by the text value at ``path`` (``raid``, ``theatre.occupied_file``):
        next to the file of the chain that wrote it, else in a search-path folder; None if unset,
        or if ``names`` and the value is a name that is no file there (a built-in raid, a date).

        Raises :class:`InputError` for a path that lies outside the allowed folders (see the
        module docstring); a path inside them that names no file is returned as it is.
        """
        ref = _lookup(self.scenario.model_dump(), path)
        src, _ = self._where(path)
        if not isinstance(ref, str) or src.base_dir is None:  # a built-in's names are no files
            return None
        p = Path(ref).expanduser()
        candidates = [p] if p.is_absolute() else [src.base_dir / p, *(d / p for d in search_path())]
        allowed = [c for c in candidates if _inside(c, self.roots)]
        found = next((c for c in allowed if c.is_file()), None)
        if found is not None:
            return found
        if names and not any(ch in ref for ch in "/\\."):
            return None
        if not allowed:
            raise InputError([self.problem(path, f"{ref}: {_outside_message(self.roots)}")])
        return allowed[0]

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
        occ = self.file_ref(("theatre", "occupied_file")) or Path.cwd() / t.occupied_file
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
        """The scenario's raid: a built-in name or a date as written, or the path of a raid
        file resolved against the file that wrote it (inside the allowed folders)."""
        ref = self.scenario.raid
        if ref is None:
            return None
        found = self.file_ref(("raid",), names=True)
        return str(found) if found is not None else ref

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


def resolved_yaml(ls: LoadedScenario) -> str:
    """A loaded scenario as one YAML file: its extends chain merged, pledges moved and scaled as
    loaded, every field given (a file that loads to the same scenario)."""
    files = " <- ".join(src.origin for src in ls.chain)
    head = (
        f"# Scenario {ls.scenario.name!r} as loaded from {files}: every file of its extends"
        " chain merged,\n# every field given (defaults included).\n"
    )
    return head + yaml.safe_dump(ls.scenario.to_data(), sort_keys=False, allow_unicode=True)


@lru_cache(maxsize=16)
def _shipped_theatre(config: TheatreConfig) -> Theatre:
    """The theatre of ``config`` (without a user's occupied file: the shipped layers cannot
    change), one per configuration."""
    return Theatre(config)


def _builtin_assets() -> list[Asset]:
    data, _ = load_yaml(builtin_text("assets"), "<builtin assets.yaml>")
    return [Asset.model_validate(a) for a in data["assets"]]


def _builtin_bases() -> list[Base]:
    data, _ = load_yaml(builtin_text("bases"), "<builtin bases.yaml>")
    return [Base.model_validate(b) for b in data["bases"]]


def _chain(ref: str | Path) -> tuple[list[SourceFile], tuple[Path, ...]]:
    """The documents of ``ref``'s extends chain (``ref`` first) and the folders its references
    may lie in."""
    try:
        chain = [_read_top(ref)]
    except _NoSource as exc:
        raise InputError([Problem(str(ref), "", str(exc))]) from None
    top = chain[0].base_dir
    roots = (*((top.resolve(),) if top is not None else ()), *search_path())
    seen = {chain[0].origin}
    most = EXTENDS_FILES.count()
    while (parent := chain[-1].data.get("extends")) is not None:
        src = chain[-1]
        line, _ = line_of(src.lines, ("extends",))
        if not isinstance(parent, str) or not parent:
            raise InputError(
                [Problem(src.origin, "extends", "expected a scenario name or file path", line)]
            )
        try:
            nxt = _read_parent(parent, src, roots)
        except _NoSource as exc:
            looked = ", ".join(str(p) for p in exc.looked if str(p) != parent)
            where = f"{parent} (looked for {looked})" if looked else parent
            raise InputError([Problem(src.origin, "extends", f"{where}: {exc}", line)]) from None
        if nxt.origin in seen or len(chain) >= most:
            raise InputError(
                [
                    Problem(
                        src.origin, "extends", f"circular or too deep (at most {most} files)", line
                    )
                ]
            )
        seen.add(nxt.origin)
        chain.append(nxt)
    return chain, roots


def load_scenario(ref: str | Path) -> LoadedScenario:
    """Load, merge, validate, cross-check and shape a scenario.

    ``ref`` is a path to a YAML file or the name of a built-in scenario.  Raises
    :class:`InputError` listing every problem of the first phase that finds any: first the
    file's structure and types, then its catalog overrides, then the files it refers to, then
    its references and geometry (sorted by file and line).
    Warnings of a usable scenario are in :attr:`LoadedScenario.warnings`.
    """
    chain, roots = _chain(ref)
    return _load_chain(chain, roots)


def scenario_from_data(
    data: dict[str, Any], origin: str, base_dir: Path | None = None
) -> LoadedScenario:
    """A scenario from a mapping of its fields (e.g. a loaded scenario's fields with some
    changed), validated and cross-checked like a file; ``origin`` names it in messages and its
    text is the mapping written as YAML.  Its file references resolve against ``base_dir``,
    inside which they must lie (or in the search path)."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    _, lines = load_yaml(text, origin)
    roots = (*((base_dir.resolve(),) if base_dir is not None else ()), *search_path())
    return _load_chain([SourceFile(origin, text, data, lines, base_dir)], roots)


@lru_cache(maxsize=1)
def _builtin_asset_ids() -> tuple[str, ...]:
    return tuple(a.id for a in _builtin_assets())


def _patch_defaults() -> dict[tuple[str, ...], dict[str, list[Any]]]:
    """What a list patch applies to where no file sets the list, or where it is a word."""
    out: dict[tuple[str, ...], dict[str, list[Any]]] = {k: {"": []} for k in KEYED_LISTS}
    out["theatre", "hostile"] = {"": list(TheatreConfig().hostile)}
    every = list(_builtin_asset_ids())
    out["assets", "builtin"] = {"": every, "all": every, "none": []}
    return out


def _load_chain(chain: list[SourceFile], roots: tuple[Path, ...]) -> LoadedScenario:
    """Merge, validate, cross-check and shape a chain of scenario documents (child first)."""
    merged, origins = merge_chain(
        [src.data for src in chain],
        [src.origin for src in chain],
        [src.lines for src in chain],
        _patch_defaults(),
    )
    catalog = load_catalog()
    stub = LoadedScenario(Scenario.model_construct(name="?"), chain, catalog, [], origins, roots)
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as exc:
        problems = [
            stub.problem(path, message) for path, message in _validation_messages(exc, merged)
        ]
        raise InputError(sort_problems(problems)) from None
    overrides = scenario.catalog_overrides.as_mapping()
    if overrides:
        try:
            catalog = apply_overrides(catalog, overrides)
        except OverrideError as exc:
            problems = [stub.problem(("catalog_overrides", *p), m) for p, m in exc.problems]
            raise InputError(sort_problems(problems)) from None
    loaded = LoadedScenario(scenario, chain, catalog, [], origins, roots)
    problems = []
    for params in ("engine_params", "ground_params"):
        try:
            getattr(loaded, params)  # validated now, so that no run fails on them later
        except ParamsError as exc:
            problems += [loaded.problem((exc.section, *p), m) for p, m in exc.problems]
    for ref, names in ((("raid",), True), (("theatre", "occupied_file"), False)):
        try:
            loaded.file_ref(ref, names)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(sort_problems(problems))
    errors, warnings = cross_check(loaded)
    if errors:
        raise InputError(errors)
    loaded.warnings = warnings
    _shape(loaded)
    return loaded


def _shape(loaded: LoadedScenario) -> None:
    """Move or drop pledges at unavailable bases and scale the coalition to the size a file
    asked for, with a warning for each pledge moved or dropped; then the fleet warnings of the
    coalition as it now is (located at each member as the files wrote it)."""
    s = loaded.scenario
    moved = any(p.base in s.bases.unavailable for m in s.coalition.members for p in m.pledges)
    members_at = {m.iso_a3: i for i, m in enumerate(s.coalition.members)}
    if moved or s.coalition.scales:
        data = s.to_data()
        notes = close_bases(data)
        loaded.warnings += [loaded.problem(path, message) for path, message in notes]
        if s.coalition.scales:
            scale_pledges(data, s.coalition.total_aircraft)
        loaded.scenario = Scenario.model_validate(data)
    loaded.warnings = sort_problems([*loaded.warnings, *fleet_warnings(loaded, members_at)])


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
    """Pydantic's message (with a hint for a value of the wrong YAML type), and `` (got ...)``
    with what was given if it is a plain value."""
    if err["type"] == "missing":
        return "required field is missing", ""
    loc = tuple(p for p in err["loc"] if isinstance(p, str) and not _is_branch_tag(p))
    if err["type"] == "extra_forbidden":
        if len(loc) > 2 and loc[0] == "catalog_overrides":
            return unknown_field(loc[1]), ""
        return "unknown field (check the spelling; see `skyshield scenario schema`)", ""
    if err["type"] == "list_type" and loc in KEYED_LISTS and isinstance(err.get("input"), dict):
        return (
            "Input should be a valid list or, in a file that extends another, a patch of its"
            f" list: {PATCH_FORM}",
            "",
        )
    message = describe_error(err)
    got = message.find(" (got ")
    if got < 0:
        return message, ""
    return message[:got], message[got:]
