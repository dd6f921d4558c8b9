"""``skyshield plan caps``: choose CAP stations by a mixed-integer program (docs/placement.md)."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from skyshield.cli.execution import add_record_arg, add_store_arg, seed
from skyshield.cli.records import record_rows
from skyshield.errors import InputError, Problem

if TYPE_CHECKING:
    from skyshield.scenario.models import CapStation


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``plan``."""
    p = sub.add_parser("plan", help="plan the shield: CAP station placement", parents=[common])
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = acts.add_parser(
        "caps",
        help="choose K CAP stations that engage the most threat value (MILP, HiGHS)",
        parents=[common],
    )
    c.add_argument("scenario", help="YAML scenario file or built-in name (reference, small)")
    c.add_argument(
        "--raid",
        default=None,
        help="reference, a night (YYYY-MM-DD) or a raid file (default: the scenario's, else reference)",
    )
    c.add_argument("--night", type=int, default=1, help="which night of a raid file (1-based)")
    c.add_argument("--stations", type=int, required=True, metavar="K", help="stations to choose")
    c.add_argument(
        "--aircraft",
        type=int,
        default=None,
        help="aircraft on each station around the clock (default: the scenario's"
        " most common number a station, else 2)",
    )
    c.add_argument(
        "--paths", type=int, default=2000, help="threat paths sampled from the raid (default 2000)"
    )
    c.add_argument(
        "--spacing-km",
        type=float,
        default=40.0,
        help="grid spacing of candidate stations, km (default 40)",
    )
    c.add_argument(
        "--candidates", type=int, default=200, help="at most this many candidates (default 200)"
    )
    c.add_argument(
        "--engage-prob",
        type=float,
        default=0.5,
        help="probability that a station covering a threat engages it (default 0.5)",
    )
    c.add_argument("--seed", type=seed, default=1, help="seed of the path sample (default 1)")
    c.add_argument(
        "--time-limit",
        type=float,
        default=120.0,
        metavar="S",
        help="stop the solver after S seconds and report the gap (default 120)",
    )
    c.add_argument(
        "--gap",
        type=float,
        default=1e-2,
        help="relative optimality gap at which the solver stops (default 0.01; 0: proven optimal)",
    )
    c.add_argument(
        "--out", type=Path, default=None, help="write the scenario with the chosen stations (YAML)"
    )
    c.add_argument(
        "--map", type=Path, default=None, metavar="PNG", help="write a map of the placement"
    )
    add_store_arg(c)
    add_record_arg(c)


def _usual_aircraft(stations: Sequence[CapStation]) -> int:
    """The most common number of aircraft a station of the scenario has (the smaller on a tie),
    2 without stations: what ``--aircraft`` defaults to, so that the chosen stations are
    compared like for like with the scenario's own."""
    counts = Counter(st.aircraft for st in stations)
    return min(counts, key=lambda n: (-counts[n], n)) if counts else 2


def run(args: argparse.Namespace) -> int:
    """Run ``plan caps``; returns the exit code."""
    from skyshield.cli.text import table
    from skyshield.forces import plan_forces
    from skyshield.placement import Settings, place_caps, write_scenario
    from skyshield.raids import load_raid, pick_night, raid_context
    from skyshield.scenario import load_scenario

    if not args.gap >= 0:
        raise InputError([Problem("--gap", "", "expected a relative gap of 0 or more")])
    ls = load_scenario(args.scenario)
    ref = args.raid or ls.raid_ref or "reference"
    nights, origin = load_raid(ref, raid_context(ls), lambda: record_rows(args)[0])
    night = pick_night(nights, args.night, origin)
    settings = Settings(
        stations=args.stations,
        on_station=args.aircraft or _usual_aircraft(ls.scenario.cap.stations),
        paths=args.paths,
        spacing_km=args.spacing_km,
        max_candidates=args.candidates,
        seed=args.seed,
        engage_prob=args.engage_prob,
        time_limit_s=args.time_limit,
        rel_gap=args.gap,
    )
    r = place_caps(ls, night, settings)
    k = r.per_night
    import pandas as pd

    print(
        f"scenario {ls.scenario.name}; raid {night.name} ({origin}), {night.total} weapons a night"
    )
    print(
        f"{len(r.candidates)} candidates {settings.spacing_km:g} km apart in the patrol zone;"
        f" {len(r.paths)} paths sampled (seed {settings.seed}, {r.paths.nights_flown}"
        " night(s) flown),"
        f" {r.distinct_paths} distinct coverage patterns"
    )
    reach = ", ".join(f"{c} {v:.0f} km" if v > 0 else f"{c} none" for c, v in r.reach_km.items())
    print(f"reach of a station: {reach}")
    print(
        f"value at risk per night {r.total_value * k:,.1f}; coverable by some candidate"
        f" {r.coverable_value * k:,.1f}; engage probability per covering station {settings.engage_prob:g}"
    )
    print(
        f"the pledged aircraft can hold at most {r.most_stations} stations of {settings.on_station} aircraft"
    )
    if len(r.best.stations) < settings.stations:
        print(
            f"note: only {len(r.best.stations)} of {settings.stations} stations can be held together"
        )
    for title, choice in (("MILP", r.best), ("greedy", r.greedy)):
        rows = r.station_table(choice)
        print(f"\n{title}: expected value engaged per night {choice.objective * k:,.1f}")
        if rows:
            frame = pd.DataFrame(rows).drop(columns="candidate")
            frame.insert(0, "station", [f"cap-{i + 1}" for i in range(len(rows))])
            print(table(frame, floats="{:,.2f}"))
    print(
        f"\nMILP: {r.best.status}; objective {r.best.objective * k:,.1f}, bound {r.best.bound * k:,.1f},"
        f" gap {r.best.gap:.3%}; solved in {r.best.seconds:.1f} s"
    )
    print(
        f"greedy: {r.greedy.objective * k:,.1f} in {r.greedy.seconds:.1f} s;"
        f" the MILP engages {(r.best.objective - r.greedy.objective) * k:+,.1f} more"
    )
    print(f"the scenario's own {r.current_stations} stations: {r.current * k:,.1f}")
    if args.out is not None:
        placed = write_scenario(ls, r, args.out)
        plan = plan_forces(placed)
        print(
            f"\nwrote {args.out}: the force plan holds {plan.stations_held} of"
            f" {len(plan.stations)} stations around the clock"
        )
    if args.map is not None:
        from skyshield.report.placement_map import plot_placement_map

        plot_placement_map(ls, r, args.map)
        print(f"map: {args.map}")
    return 0
