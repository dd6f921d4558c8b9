"""``plan caps``: choose CAP stations for a scenario against a raid, and write them back.

The steps (docs/placement.md): candidates on a grid of the patrol zone
(:mod:`~skyshield.placement.candidates`), threat paths sampled from the raid
(:mod:`~skyshield.placement.paths`), which candidate covers which path
(:mod:`~skyshield.placement.coverage`), what each candidate costs in aircraft
(:mod:`~skyshield.placement.supply`), then the MILP and the greedy choice
(:mod:`~skyshield.placement.solve`).  The scenario's own stations are scored on the same paths.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from skyshield.errors import InputError, Problem
from skyshield.files import write_atomic
from skyshield.forces import plan_forces
from skyshield.placement.candidates import Candidates, grid_candidates
from skyshield.placement.coverage import coverage, reach_by_class
from skyshield.placement.paths import PathSample, sample_paths
from skyshield.placement.solve import (
    Choice,
    Supply,
    covered_value,
    greedy_placement,
    max_stations,
    merge_paths,
    solve_placement,
)
from skyshield.placement.supply import station_supply
from skyshield.raids import Night, raid_context
from skyshield.scenario import LoadedScenario, load_scenario

Bool = NDArray[np.bool_]


#: Most threat paths a placement samples (a MILP row each; 2,000 is the default).
MAX_PATHS = 100_000

#: Most candidate stations (a MILP column each; 200 is the default).
MAX_CANDIDATES = 2_000


@dataclass(frozen=True)
class Settings:
    """Options of a placement: stations wanted, aircraft on each, sample size (paths), grid
    spacing (km), most candidates, seed of the path sample, probability that a covering
    station engages a threat, solver time limit (s, None for none) and relative gap at which
    HiGHS stops (0: proven optimal)."""

    stations: int
    on_station: int = 2
    paths: int = 2000
    spacing_km: float = 40.0
    max_candidates: int = 200
    seed: int = 1
    engage_prob: float = 0.5
    time_limit_s: float | None = None
    rel_gap: float = 1e-2


@dataclass(frozen=True)
class CapPlacement:
    """A placement's inputs and answers.  Values are sums of path values over the sample;
    :attr:`per_night` scales them to one night of the raid."""

    settings: Settings
    night: Night
    candidates: Candidates
    paths: PathSample
    reach_km: dict[str, float]
    cover: Bool
    supply: Supply
    best: Choice
    greedy: Choice
    current: float
    current_stations: int
    distinct_paths: int
    most_stations: int
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def per_night(self) -> float:
        """Factor from sample sums to one night of the raid."""
        return self.paths.per_night_factor

    @property
    def total_value(self) -> float:
        """Value of all sampled paths."""
        return float(self.paths.value.sum())

    @property
    def coverable_value(self) -> float:
        """Value of the sampled paths that some candidate covers."""
        return float(self.paths.value[self.cover.any(axis=1)].sum())

    def station_table(self, choice: Choice) -> list[dict[str, Any]]:
        """One row per chosen station: position, expected value it engages alone and what the
        choice loses without it (per night), aircraft it takes from the cheapest pool."""
        aircraft = self.supply.station_aircraft()
        q, rows = self.settings.engage_prob, []
        for c in choice.stations:
            others = [o for o in choice.stations if o != c]
            alone = covered_value(self.cover, self.paths.value, [c], q)
            only = choice.objective - covered_value(self.cover, self.paths.value, others, q)
            rows.append(
                {
                    "candidate": c,
                    "lon": float(self.candidates.lonlat[c, 0]),
                    "lat": float(self.candidates.lonlat[c, 1]),
                    "alone": alone * self.per_night,
                    "loss_without": only * self.per_night,
                    "aircraft": float(aircraft[c]),
                }
            )
        return rows


def _check(settings: Settings) -> None:
    problems = []
    if settings.stations < 1:
        problems.append(Problem("stations", "", "expected at least 1 station"))
    if settings.on_station < 1:
        problems.append(Problem("aircraft", "", "expected at least 1 aircraft on station"))
    if not 1 <= settings.paths <= MAX_PATHS:
        problems.append(Problem("paths", "", f"expected 1 to {MAX_PATHS:,} paths"))
    if not 1 <= settings.max_candidates <= MAX_CANDIDATES:
        problems.append(
            Problem("candidates", "", f"expected 1 to {MAX_CANDIDATES:,} candidate stations")
        )
    if not 0.0 < settings.engage_prob <= 1.0:
        problems.append(Problem("engage_prob", "", "expected a probability in (0, 1]"))
    if settings.time_limit_s is not None and not settings.time_limit_s > 0:
        problems.append(Problem("time_limit", "", "expected a positive number of seconds"))
    if problems:
        raise InputError(problems)


def place_caps(ls: LoadedScenario, night: Night, settings: Settings) -> CapPlacement:
    """Choose ``settings.stations`` CAP stations for ``ls`` against ``night`` (module docstring).

    Raises :class:`InputError` for bad settings, more stations than candidates, a raid without
    threats, or candidates that no pledged aircraft can hold.
    """
    _check(settings)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    cands = grid_candidates(ls.theatre, settings.spacing_km, settings.max_candidates)
    if settings.stations > len(cands):
        raise InputError(
            [
                Problem(
                    "stations",
                    "",
                    f"{settings.stations} stations but only {len(cands)} candidates;"
                    " expected at most that many, or a smaller --spacing-km",
                )
            ]
        )
    if night.total == 0:
        raise InputError([Problem("raid", "", f"night {night.name!r} has no threats")])
    params = ls.engine_params
    ctx = raid_context(ls)
    seconds["candidates"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    rng = np.random.default_rng(settings.seed)
    paths = sample_paths(night, ctx, settings.paths, rng, params.region_value)
    seconds["paths"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    types = sorted({p.type for m in ls.scenario.coalition.members for p in m.pledges})
    reach = reach_by_class(ls.catalog, params, types, sorted(set(paths.class_id.tolist())))
    reach_p = np.array([reach[c] for c in paths.class_id])
    zone = ls.theatre.engagement_zone_km
    cover = coverage(paths, cands.km, reach_p, zone)
    stations = ls.scenario.cap.stations
    own_km = ctx.km_of([st.position for st in stations])
    q = settings.engage_prob
    current = covered_value(
        coverage(paths, own_km, reach_p, zone), paths.value, list(range(len(stations))), q
    )
    seconds["coverage"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    supply = station_supply(ls, plan_forces(ls), cands, settings.on_station)
    if not supply.holdable.any():
        raise InputError(
            [
                Problem(
                    ls.origin,
                    "coalition",
                    "no pledged aircraft can hold a station at any candidate (too far, or the"
                    " transit comes within the engagement standoff)",
                )
            ]
        )
    most = max_stations(supply)
    seconds["supply"] = time.perf_counter() - t0

    best = solve_placement(
        cover, paths.value, settings.stations, supply, q, settings.time_limit_s, settings.rel_gap
    )
    seconds["milp"] = best.seconds
    greedy = greedy_placement(cover, paths.value, settings.stations, supply, q)
    seconds["greedy"] = greedy.seconds
    return CapPlacement(
        settings=settings,
        night=night,
        candidates=cands,
        paths=paths,
        reach_km=reach,
        cover=cover,
        supply=supply,
        best=best,
        greedy=greedy,
        current=current,
        current_stations=len(stations),
        distinct_paths=len(merge_paths(cover, paths.value)[1]),
        most_stations=most,
        seconds=seconds,
    )


def scenario_with_stations(ls: LoadedScenario, result: CapPlacement, out: Path) -> dict[str, Any]:
    """A scenario file's fields: the input scenario (by ``extends``, relative to ``out``'s
    folder, for a built-in or a file in that folder or below; written whole otherwise, since a
    scenario may refer only to files in its own folder) with ``cap.stations`` replaced by the
    MILP's choice."""
    origin = ls.origin
    base: dict[str, Any]
    if origin.startswith("<builtin ") and origin.endswith(">"):
        base = {"extends": origin.removeprefix("<builtin ").removesuffix(">")}
    elif Path(origin).resolve().is_relative_to(out.resolve().parent):
        base = {"extends": os.path.relpath(Path(origin).resolve(), out.resolve().parent)}
    else:
        base = ls.scenario.to_data()
    s = result.settings
    stations = [
        {
            "id": f"cap-{i + 1}",
            "position": [round(r["lon"], 3), round(r["lat"], 3)],
            "aircraft": s.on_station,
        }
        for i, r in enumerate(result.station_table(result.best))
    ]
    return {
        **base,
        "name": f"{ls.scenario.name}-caps",
        "description": (
            f"{ls.scenario.name} with {len(result.best.stations)} CAP stations chosen by"
            f" `skyshield plan caps` against raid {result.night.name!r} ({s.paths} paths,"
            f" seed {s.seed}, {len(result.candidates)} candidates {s.spacing_km:g} km apart)"
        ),
        "cap": {**base.get("cap", {}), "stations": stations},
    }


def write_scenario(ls: LoadedScenario, result: CapPlacement, out: Path) -> LoadedScenario:
    """Write the scenario with the chosen stations to ``out`` (YAML, atomically) and load it
    back; a file that does not load is removed again."""
    data = scenario_with_stations(ls, result, out)
    write_atomic(
        out,
        "# Sky Shield scenario written by `skyshield plan caps`; see docs/placement.md\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
    )
    try:
        return load_scenario(out)
    except InputError:
        out.unlink()
        raise
