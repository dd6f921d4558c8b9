"""Sweeps: a grid of scenario variants, each named by dotted field paths and values.

``--set coalition.members[0].pledges[0].count=8,16`` sets one field; ``--set
theatre.patrol_standoff_km=100,150,200`` another; several ``--set`` make the product grid.
``coalition.total_aircraft=N`` is special: every pledge is scaled by ``N / total`` (rounded by
largest remainder, pledges that round to 0 dropped), so the coalition's mix stays the same.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
from typing import TYPE_CHECKING, Any

import yaml

from skyshield.analysis.summary import metric_table
from skyshield.errors import InputError, Problem
from skyshield.scenario import LoadedScenario, scenario_from_data
from skyshield.scenario.shaping import TOTAL_AIRCRAFT as TOTAL_AIRCRAFT
from skyshield.scenario.shaping import scale_pledges as scale_pledges

if TYPE_CHECKING:
    import pandas as pd

#: Metrics reported per grid point (mean and 95 % interval).
SWEEP_METRICS = (
    "baseline.hits_on_assets",
    "shield.hits_on_assets",
    "marginal.hits_on_assets_avoided",
    "shield.killed_fighter",
    "shield.sorties",
    "shield.shield_cost_usd",
    "marginal.cost_per_hit_avoided_usd",
)

_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)((?:\[\d+\])*)")

#: Sections of overrides by id and field, empty unless set: a path into them may name keys that
#: are not there yet (``catalog_overrides.weapons.AIM-9X.pk.drone``); the scenario's checks
#: then say whether the id and the field exist.
_OVERRIDE_SECTIONS = ("catalog_overrides", "engine", "ground_defences")


def _value(text: str) -> Any:
    """One value of ``--set``, read as YAML (numbers, text, true); a date stays text (a night of
    the record is named by its date)."""
    v = yaml.safe_load(text)
    return v.isoformat() if isinstance(v, dt.date) else v


def parse_set(expr: str) -> tuple[str, list[Any]]:
    """``PATH=V1,V2,...`` to the path and its values (each read as YAML: numbers, text, true)."""
    path, sep, values = expr.partition("=")
    if not sep or not path.strip() or not values.strip():
        raise InputError([Problem("sets", "", f"expected PATH=V1,V2,..., got {expr!r}")])
    return path.strip(), [_value(v.strip()) for v in values.split(",")]


def grid(sets: list[tuple[str, list[Any]]], zipped: bool = False) -> list[dict[str, Any]]:
    """The points of a sweep, as ``{path: value}``, in the order given: every combination of
    the values, or (``zipped``) the first values together, then the second, ... (linked fields,
    e.g. two standoffs that must move together; every path then needs as many values)."""
    paths = [p for p, _ in sets]
    if zipped:
        counts = {len(v) for _, v in sets}
        if len(counts) > 1:
            given = ", ".join(f"{p} has {len(v)}" for p, v in sets)
            raise InputError(
                [Problem("zipped", "", f"zipped fields need as many values each; {given}")]
            )
        combos: list[tuple[Any, ...]] = list(zip(*(v for _, v in sets), strict=True))
    else:
        combos = list(itertools.product(*(v for _, v in sets)))
    return [dict(zip(paths, combo, strict=True)) for combo in combos]


def _steps(path: str) -> list[str | int]:
    out: list[str | int] = []
    for part in path.split("."):
        m = _STEP.fullmatch(part)
        if m is None:
            raise InputError([Problem("sets", path, f"not a field path (part {part!r})")])
        out.append(m.group(1))
        out += [int(i) for i in re.findall(r"\[(\d+)\]", m.group(2))]
    return out


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with the field at the dotted ``path`` set to ``value``."""
    out = copy.deepcopy(data)
    if path == TOTAL_AIRCRAFT:
        return scale_pledges(out, value)
    steps = _steps(path)
    node: Any = out
    for i, step in enumerate(steps[:-1]):
        if steps[0] in _OVERRIDE_SECTIONS and isinstance(node, dict) and isinstance(step, str):
            node.setdefault(step, {})
        ok = (isinstance(step, int) and isinstance(node, list) and step < len(node)) or (
            isinstance(step, str) and isinstance(node, dict) and step in node
        )
        if not ok:
            done = ".".join(str(s) for s in steps[: i + 1])
            raise InputError([Problem("sets", path, f"the scenario has no field {done!r}")])
        node = node[step]
    last = steps[-1]
    if isinstance(last, int):
        if not (isinstance(node, list) and last < len(node)):
            raise InputError([Problem("sets", path, "no such list element")])
    elif not isinstance(node, dict):
        raise InputError([Problem("sets", path, "not a field of a mapping")])
    node[last] = value
    return out


def sweep_variant(ls: LoadedScenario, point: dict[str, Any]) -> LoadedScenario:
    """The scenario ``ls`` with each field of ``point`` (dotted path: value) set, validated and
    named ``<origin> with path=value, ...``; relative paths resolve as in ``ls``'s files."""
    data = ls.scenario.to_data()
    for path, value in point.items():
        data = set_path(data, path, value)
    desc = ", ".join(f"{p}={v}" for p, v in point.items())
    base_dir = next((src.base_dir for src in ls.chain if src.base_dir is not None), None)
    return scenario_from_data(data, f"{ls.origin} with {desc}", base_dir)


def sweep_row(point: dict[str, Any], run_id: str, reps: pd.DataFrame) -> dict[str, Any]:
    """A row of the sweep table: the point's values (``set:PATH``), its run, and each of
    :data:`SWEEP_METRICS` with its 95 % interval (``METRIC``, ``METRIC.low``, ``METRIC.high``)."""
    row: dict[str, Any] = {f"set:{p}": v for p, v in point.items()}
    row["run_id"] = run_id
    for r in metric_table(reps, SWEEP_METRICS).itertuples(index=False):
        row[r.metric], row[f"{r.metric}.low"], row[f"{r.metric}.high"] = (
            r.mean,
            r.ci95_low,
            r.ci95_high,
        )
    return row
