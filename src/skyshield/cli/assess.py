"""``skyshield assess``: the main job: sortie generation, Monte Carlo of the raid with Ukraine's
defences alone and with the shield, a sizing sweep, the cost figures, and the briefing report
(``report.html``) with its ``summary.json``."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skyshield.cli.execution import add_executor_args, open_executor_of, progress_printer, seed
from skyshield.cli.records import add_record_arg, add_store_arg, record_rows
from skyshield.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from skyshield.engine.sim import World
    from skyshield.runs import Store
    from skyshield.runs.executor import Executor

#: Default replications of the main Monte Carlo run and of each sizing point: the whole job on
#: the reference scenario takes about 2 minutes on 2 cores.
DEFAULT_RUNS, DEFAULT_SWEEP_RUNS = 60, 20
#: Default sizing points, as fractions of the scenario's pledged jets.
SWEEP_FRACTIONS = (1 / 3, 2 / 3, 1.0, 4 / 3)
STAGES = 5


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


def _sweep_jets(args: argparse.Namespace, pledged: int) -> list[int]:
    """The coalition sizes of the sizing sweep, ascending (none for a scenario without pledged
    aircraft: there is nothing to scale)."""
    if pledged == 0:
        if args.sweep_jets is not None:
            raise InputError([Problem("--sweep-jets", "", "the scenario pledges no aircraft, so"
                                      " there are no pledges to scale; leave out --sweep-jets")])  # fmt: skip
        return []
    if args.sweep_jets is None:
        return sorted({max(1, round(pledged * f)) for f in SWEEP_FRACTIONS})
    try:
        values = sorted({int(v) for v in args.sweep_jets.split(",")})
    except ValueError:
        values = []
    if not values or values[0] < 1:
        raise InputError(
            [Problem("--sweep-jets", "", f"expected whole numbers of at least 1 separated by commas, got {args.sweep_jets!r}")]
        )  # fmt: skip
    return values


def _check_options(args: argparse.Namespace) -> None:
    bad = [
        Problem(opt, "", f"expected a whole number of at least 1, got {value}")
        for opt, value in (("--runs", args.runs), ("--sweep-runs", args.sweep_runs),
                           ("--workers", args.workers), ("--night", args.night))
        if value is not None and value < 1
    ]  # fmt: skip
    if bad:
        raise InputError(bad)


def _sweep(
    store: Store,
    ex: Executor,
    world: World,
    raid_ref: str,
    args: argparse.Namespace,
    jets: list[int],
) -> pd.DataFrame:
    """Monte Carlo of the scenario with its pledges scaled to each coalition size in ``jets``
    (the same night, the same seeds): one stored run a point; the sweep table."""
    import pandas as pd

    from skyshield.analysis.sweep import TOTAL_AIRCRAFT, sweep_row, sweep_variant
    from skyshield.engine.api import build_world
    from skyshield.runs.executor import replication_seeds, run_and_store

    seeds = list(enumerate(replication_seeds(args.seed, args.sweep_runs)))
    rows = []
    for k, n in enumerate(jets, 1):
        point = {TOTAL_AIRCRAFT: n}
        variant = sweep_variant(world.ls, point)
        run_id = store.start_run("sweep", variant.origin, variant.text, raid_ref, args.night,
                                 args.seed, args.sweep_runs)  # fmt: skip
        print(f"      point {k}/{len(jets)}: {n} jets, run {run_id}", file=sys.stderr, flush=True)
        reps = run_and_store(store, run_id, build_world(variant, world.night), seeds,
                             progress=progress_printer(args.sweep_runs), executor=ex)  # fmt: skip
        print(file=sys.stderr)
        rows.append(sweep_row(point, run_id, reps))
    return pd.DataFrame(rows)


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
    from skyshield.analysis.sweep import TOTAL_AIRCRAFT
    from skyshield.cli.text import plan_report, scenario_summary
    from skyshield.engine.api import build_world
    from skyshield.files import write_csv
    from skyshield.report import plot_force_map
    from skyshield.report.briefing import Assessment
    from skyshield.report.document import write_briefing
    from skyshield.report.sample_night import sample_night
    from skyshield.runs import Store, default_store_path
    from skyshield.runs.executor import replication_seeds, run_and_store
    from skyshield.scenario import load_scenario

    _check_options(args)
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    clock = [t_start]

    def stage(k: int, what: str) -> None:
        print(f"[{k}/{STAGES}] {what} ...", flush=True)
        clock[0] = time.perf_counter()

    def done(name: str) -> None:
        timings[name] = time.perf_counter() - clock[0]
        print(f"      done in {timings[name]:.1f} s", flush=True)

    stage(1, f"scenario {args.scenario}, raid and sortie generation")
    ls = load_scenario(args.scenario)
    jets = [] if args.no_sweep else _sweep_jets(args, ls.scenario.coalition.total_aircraft)
    world = build_world(ls, args.raid, night=args.night, record_rows=lambda: record_rows(args)[0])
    raid_ref = args.raid or ls.raid_ref or "reference"
    plan = world.plan
    print(scenario_summary(ls), "\n", flush=True)
    print(plan_report(plan), "\n", flush=True)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    plot_force_map(ls, plan, out / "forces_map.png")
    for name in ("stations", "assignments", "pools"):
        write_csv(getattr(plan, name), out / f"{name}.csv")
    done("forces")

    store_path: Path = args.store or default_store_path()
    seeds = list(enumerate(replication_seeds(args.seed, args.runs)))
    with Store(store_path) as store, open_executor_of(args) as ex:
        stage(2, f"Monte Carlo: {args.runs} replications of night {world.night.name}"
                 f" ({world.night.total} weapons), Ukraine's defences alone and with the shield,"
                 f" on {ex.describe()}")  # fmt: skip
        run_id = store.start_run("assess", ls.origin, ls.text, raid_ref, args.night, args.seed,
                                 args.runs)  # fmt: skip
        print(f"      run {run_id} in {store_path}", flush=True)
        where = ex.describe()
        reps = run_and_store(
            store, run_id, world, seeds, progress=progress_printer(args.runs), executor=ex
        )
        print(file=sys.stderr)
        done("monte_carlo")
        stage(3, "sizing sweep: " + (f"{len(jets)} coalition sizes ({', '.join(map(str, jets))} jets)"
                                     f" x {args.sweep_runs} replications" if jets else
                                     "left out" + ("" if args.no_sweep else " (no aircraft pledged)")))  # fmt: skip
        sweep = _sweep(store, ex, world, raid_ref, args, jets) if jets else None
        done("sweep")
    stage(4, f"sample night (replication 0, seed {seeds[0][1]})")
    sample = sample_night(world, *seeds[0])
    done("sample_night")

    stage(5, "figures, summary.json and report.html")
    options = ["--raid", raid_ref, "--night", str(args.night), "--runs", str(args.runs),
               "--seed", str(args.seed)]  # fmt: skip
    options += (["--sweep-runs", str(args.sweep_runs), "--sweep-jets", ",".join(map(str, jets))]
                if jets else ["--no-sweep"])  # fmt: skip
    options += ["--record", str(args.record)] if args.record else []
    command = shlex.join(["skyshield", "assess", args.scenario, *options])
    assessment = Assessment(world, raid_ref, run_id, store_path, args.seed, where, reps,
                            sample, sweep, TOTAL_AIRCRAFT, args.sweep_runs, command,
                            timings)  # fmt: skip
    summary = write_briefing(assessment, out)
    done("report")
    print()
    print(_headline_text(summary))
    print(f"\nwrote {out / 'report.html'} and {out / 'summary.json'}; Monte Carlo run {run_id}"
          f" in {store_path}; in {time.perf_counter() - t_start:.1f} s")  # fmt: skip
    return 0
