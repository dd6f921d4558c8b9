"""A scenario text as the page sees it: checked, its force plan, its map layers.

One call does what the page needs after every edit: the check of ``scenario validate``, the
force generation of ``skyshield forces`` (stations held, sorties, flight hours, cost a day,
shortfalls) and the scenario's layers; the zones only when the theatre changed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from skyshield.errors import InputError, Problem
from skyshield.forces import ForcePlan, plan_forces
from skyshield.runs.store import text_sha256
from skyshield.scenario import LoadedScenario
from skyshield.web.documents import check_text
from skyshield.web.layers import ZoneCache, scenario_layers, theatre_key
from skyshield.web.runs_view import records


def problem_json(p: Problem) -> dict[str, Any]:
    """A problem as the page shows it next to its field."""
    return {"file": p.file, "field": p.field, "message": p.message, "line": p.line}


def forces_json(plan: ForcePlan) -> dict[str, Any]:
    """The force plan's tables (what ``skyshield forces --json`` prints, less the groupings)."""
    totals = records_one(plan.totals())
    return {
        "totals": totals,
        "stations": records(plan.stations),
        "pools": records(plan.pools),
        "support": records(plan.support),
        "shortfalls": list(plan.shortfalls),
        "notes": list(plan.notes),
    }


def records_one(mapping: dict[str, float]) -> dict[str, float | None]:
    """A mapping of numbers with NaN as null."""
    return {k: (v if v == v else None) for k, v in mapping.items()}


def _choices(ls: LoadedScenario) -> dict[str, Any]:
    cat = ls.catalog
    return {
        "fighters": sorted(cat.fighters),
        "readiness": {k: f.mission_capable_rate for k, f in sorted(cat.fighters.items())},
        "aew": sorted(cat.aew),
        "tankers": sorted(cat.tankers),
        "bases": [
            {"icao": b.icao, "name": b.name, "country": b.country}
            for b in sorted(ls.bases.values(), key=lambda b: b.icao)
            if b.role == "host"
        ],
    }


def scenario_view(
    text: str, folder: Path, display: str, zones: ZoneCache, zones_for: str | None
) -> dict[str, Any]:
    """Everything the page shows of ``text``; ``zones_for`` is the theatre key the page has
    (zones are sent only when the scenario's differs)."""
    t0 = time.perf_counter()
    checked = check_text(text, folder, display)
    t_check = time.perf_counter()
    view: dict[str, Any] = {
        "text": text,
        "sha256": text_sha256(text),
        "problems": [problem_json(p) for p in checked.problems],
        "warnings": [problem_json(p) for p in checked.warnings],
        "scenario": None,
        "forces": None,
        "layers": None,
    }
    ls = checked.loaded
    if ls is not None:
        try:
            plan: ForcePlan | None = plan_forces(ls)
        except InputError as exc:
            plan = None
            view["problems"] = [problem_json(p) for p in exc.problems]
        t_plan = time.perf_counter()
        view["timings_ms"] = {
            "check": round((t_check - t0) * 1000.0, 1),
            "forces": round((t_plan - t_check) * 1000.0, 1),
        }
        view["scenario"] = ls.scenario.to_data()
        view["forces"] = forces_json(plan) if plan is not None else None
        view["layers"] = scenario_layers(ls, plan)
        view["choices"] = _choices(ls)
        key = theatre_key(ls.theatre)
        view["theatre_key"] = key
        if zones_for != key:
            view["zones"] = zones.zones(ls.theatre)
    view["elapsed_ms"] = round((time.perf_counter() - t0) * 1000.0, 1)
    return view
