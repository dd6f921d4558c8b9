"""``skyshield assess``: the main job: assess a scenario and write its outputs."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from skyshield import __version__


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``assess``."""
    a = sub.add_parser(
        "assess", help="the main job: assess a scenario and write its outputs", parents=[common]
    )
    a.add_argument("scenario", help="YAML scenario file or built-in name (reference, small)")
    a.add_argument("--out", type=Path, default=Path("out/assess"), help="output folder")


def _json_default(o: object) -> object:
    if hasattr(o, "item"):
        return o.item()  # numpy scalars
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def run(args: argparse.Namespace) -> int:
    """Run ``assess``; returns the exit code."""
    from skyshield.cli.text import plan_report, scenario_summary
    from skyshield.forces import plan_forces
    from skyshield.report import plot_force_map
    from skyshield.scenario import load_scenario

    t0 = time.perf_counter()
    print(f"[1/3] loading scenario {args.scenario} ...", flush=True)
    ls = load_scenario(args.scenario)
    print(scenario_summary(ls), "\n", flush=True)
    print("[2/3] sortie generation ...", flush=True)
    plan = plan_forces(ls)
    print(plan_report(plan), "\n", flush=True)
    print("[3/3] writing outputs ...", flush=True)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    map_png = plot_force_map(ls, plan, out / "forces_map.png")
    plan.stations.to_csv(out / "stations.csv", index=False)
    plan.assignments.to_csv(out / "assignments.csv", index=False)
    plan.pools.to_csv(out / "pools.csv", index=False)
    summary = {
        "scenario": ls.scenario.name,
        "origin": ls.origin,
        "version": __version__,
        "totals": plan.totals(),
        "shortfalls": plan.shortfalls,
    }
    tmp = out / "summary.json.tmp"
    tmp.write_text(json.dumps(summary, indent=2, default=_json_default), encoding="utf-8")
    tmp.replace(out / "summary.json")
    print(f"wrote {map_png}, {out / 'summary.json'} and the tables (CSV) in {out}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0
