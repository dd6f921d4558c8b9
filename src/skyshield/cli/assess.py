"""``skyshield assess``: the main job: sortie generation, Monte Carlo of the raid with Ukraine's
defences alone and with the shield, a sizing sweep, the cost figures, and the briefing report
(``report.html``) with its ``summary.json``."""

from __future__ import annotations

import argparse
import os
import shlex
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from skyshield.cli.execution import (
    add_executor_args,
    add_record_arg,
    add_store_arg,
    open_executor_of,
    open_store_of,
    progress_printer,
    record_of,
    seed,
)
from skyshield.errors import InputError, Problem
from skyshield.studies.defaults import DEFAULT_RUNS, DEFAULT_SWEEP_RUNS


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``assess``."""
    a = sub.add_parser(
        "assess",
        help="the main job: sortie generation, Monte Carlo, sizing sweep, cost; briefing report",
        parents=[common],
    )
    a.add_argument("scenario", help="YAML scenario file or built-in name (reference, small)")
    a.add_argument(
        "--raid",
        default=None,
        help="reference, a night (YYYY-MM-DD) or a raid file (default: the scenario's, else reference)",
    )
    a.add_argument("--night", type=int, default=1, help="which night of a raid file (1-based)")
    a.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        help=f"replications of the main Monte Carlo run (default {DEFAULT_RUNS})",
    )
    a.add_argument(
        "--sweep-runs",
        type=int,
        default=DEFAULT_SWEEP_RUNS,
        help=f"replications at each point of the sizing sweep (default {DEFAULT_SWEEP_RUNS})",
    )
    a.add_argument(
        "--sweep-jets",
        default=None,
        metavar="N1,N2,...",
        help="coalition sizes of the sizing sweep (default: 1/3, 2/3, 1 and 4/3 of the pledged jets)",
    )
    a.add_argument("--no-sweep", action="store_true", help="leave out the sizing sweep")
    add_executor_args(a, local_default=min(os.cpu_count() or 1, 4))
    a.add_argument("--seed", type=seed, default=1, help="base seed (default 1)")
    a.add_argument(
        "--out", type=Path, default=Path("out/assess"), help="output folder (default out/assess)"
    )
    add_store_arg(a)
    add_record_arg(a)


def _sweep_jets(args: argparse.Namespace) -> list[int] | None:
    """The coalition sizes ``--sweep-jets`` gives ([] with ``--no-sweep``; None: the default)."""
    if args.no_sweep:
        return []
    if args.sweep_jets is None:
        return None
    try:
        values = [int(v) for v in args.sweep_jets.split(",")]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise InputError(
            [Problem("--sweep-jets", "", f"expected whole numbers of at least 1 separated by commas, got {args.sweep_jets!r}")]
        )  # fmt: skip
    return values


def _headline_text(s: dict[str, Any]) -> str:
    """The headline figures for the terminal."""

    def ci(iv: dict[str, Any], fmt: str = "{:,.1f}", scale: float = 1.0) -> str:
        if iv["mean"] is None:
            return "n/a"
        text = fmt.format(iv["mean"] * scale)
        if iv["low"] is not None and iv["high"] is not None and iv["low"] != iv["high"]:
            text += f" [{fmt.format(iv['low'] * scale)}, {fmt.format(iv['high'] * scale)}]"
        return text

    h = s["headline"]
    return "\n".join(
        [
            f"Headline ({s['replications']} replications of {s['raid']['night']},"
            f" {s['raid']['weapons']} weapons; means and 95 % intervals):",
            f"  hits on protected assets a night: {ci(h['hits_on_assets_baseline'])} with Ukraine's"
            f" defences alone, {ci(h['hits_on_assets_shield'])} with the shield:"
            f" {ci(h['hits_on_assets_avoided'])} avoided",
            f"  killed by the shield's fighters: {ci(h['killed_by_fighters'])} in"
            f" {ci(h['sorties'])} sorties, {ci(h['shots'], '{:,.0f}')} shots",
            f"  shield cost a night: {ci(h['cost_per_night_usd'], '{:,.2f}', 1e-6)} M USD; per hit"
            f" avoided: {ci(h['cost_per_hit_avoided_usd'], '{:,.0f}')} USD",
            f"  CAP stations held 24/7: {h['stations_held']} of {h['stations']}, with"
            f" {h['jets_committed']:.1f} of {h['jets_pledged']} jets committed; closest a fighter"
            f" comes to hostile territory: {ci(h['pilot_exposure_min_km'], '{:,.0f}')} km",
        ]
    )


def run(args: argparse.Namespace) -> int:
    """Run ``assess``; returns the exit code."""
    from skyshield.cli.text import plan_report, scenario_summary
    from skyshield.files import write_csv
    from skyshield.report import plot_force_map
    from skyshield.report.document import write_briefing
    from skyshield.scenario import load_scenario
    from skyshield.studies import assess

    t_start = time.perf_counter()
    ls = load_scenario(args.scenario)
    print(scenario_summary(ls), "\n", flush=True)
    store = open_store_of(args)
    out: Path = args.out
    with open_executor_of(args) as ex:
        print(f"replications on {ex.describe()}; store {store.path}", flush=True)
        a = assess(ls, raid=args.raid, night=args.night, runs=args.runs,
                   sweep_runs=args.sweep_runs, sweep_jets=_sweep_jets(args), seed=args.seed,
                   executor=ex, store=store, record=record_of(args),
                   progress=progress_printer(), force=args.force)  # fmt: skip
    print(plan_report(a.world.plan), "\n", flush=True)
    plot_force_map(ls, a.world.plan, out / "forces_map.png")
    for name in ("stations", "assignments", "pools"):
        write_csv(getattr(a.world.plan, name), out / f"{name}.csv")
    t = time.perf_counter()
    summary = write_briefing(replace(a, command=_command(args, a.command)), out)
    print(f"report written in {time.perf_counter() - t:.1f} s")
    print()
    print(_headline_text(summary))
    print(f"\nwrote {out / 'report.html'} and {out / 'summary.json'}; Monte Carlo run {a.run_id}"
          f" in {store.path}; in {time.perf_counter() - t_start:.1f} s")  # fmt: skip
    return 0


def _command(args: argparse.Namespace, command: str) -> str:
    """The study's reproducing command, with the scenario as the user gave it and ``--record``."""
    parts = shlex.split(command)
    parts[2] = args.scenario
    parts += ["--record", str(args.record)] if args.record else []
    return shlex.join(parts)
