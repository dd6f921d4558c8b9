"""``skyshield assess``: the main job: sortie generation, Monte Carlo of the raid with Ukraine's
defences alone and with the shield, a sizing sweep, the cost figures, and the briefing report
(``report.html``) with its ``summary.json``."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shlex
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from skyshield.cli.execution import (
    add_executor_args,
    add_store_arg,
    open_executor_of,
    open_store_of,
    progress_printer,
    record_of,
    seed,
)
from skyshield.errors import InputError, Problem
from skyshield.studies.defaults import DEFAULT_RECENT_RUNS, DEFAULT_RUNS, DEFAULT_SWEEP_RUNS


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
    a.add_argument(
        "--record",
        type=record_option,
        default=None,
        metavar="FROM..TO|CSV",
        help="FROM..TO (dates YYYY-MM-DD or months YYYY-MM): replay every night of the record in"
        " that range with and without the shield instead of the raid (a table, a chart and a"
        " verdict); a CSV file: the record to read dates from (default: the import in use in"
        " the store, else the shipped snapshot)",
    )
    a.add_argument(
        "--record-runs",
        type=int,
        default=DEFAULT_RECENT_RUNS,
        help="replications of each night of the record: of the latest month in the report, or"
        f" of the range of --record FROM..TO (default {DEFAULT_RECENT_RUNS})",
    )
    a.add_argument(
        "--no-uncertainty",
        action="store_true",
        help="leave out the run with the uncertain inputs drawn per replication (the headline"
        " then has the dice-only intervals only)",
    )
    a.add_argument(
        "--no-record",
        action="store_true",
        help="leave the latest month of the record out of the report",
    )


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
            [
                Problem(
                    "--sweep-jets",
                    "",
                    f"expected whole numbers of at least 1 separated by commas, got {args.sweep_jets!r}",
                )
            ]
        )
    return values


def _ci(iv: dict[str, Any] | None, scale: float = 1.0) -> str:
    from skyshield.report.numbers import interval_text

    return "n/a" if iv is None else interval_text(iv, scale)


def station_lines(stations: list[dict[str, Any]]) -> list[str]:
    """One line per CAP station (the summary's ``stations``, in their order): its status,
    aircraft on station held of required, the protected asset it covers and who holds it."""
    from skyshield.report.numbers import aircraft

    width = max((len(st["station"]) for st in stations), default=0)
    out = []
    for st in stations:
        who = ", ".join(
            f"{aircraft(h['on_station'])} {h['nation']} {h['type']} from {h['base']}"
            for h in st["holders"]
        )
        near = f" (covers {st['near']})" if st["near"] else ""
        out.append(
            f"  {st['station']:<{width}}  {st['status']:<5}  {aircraft(st['on_station']):>3} of"
            f" {st['required']:.0f} on station{near}: {who or 'nobody'}"
        )
    return out


def headline_text(s: dict[str, Any]) -> str:
    """The answer for the terminal, from the summary: hits, hits avoided and their cost, the
    fighter kills reconciled with the hits avoided, and who holds each CAP station."""
    from skyshield.report.numbers import aircraft, count, sig

    h = s["headline"]
    kl = s["kills_by_layer"]
    nd = s["night_and_day"]

    def mean(iv: dict[str, Any]) -> str:
        return "n/a" if iv["mean"] is None else sig(iv["mean"])

    lines = [
        f"Answer ({s['replications']} replications of {s['raid']['night']},"
        f" {count(s['raid']['weapons'])} weapons; means, 95 % intervals in brackets):",
        f"  hits on protected assets a night: {_ci(h['hits_on_assets_baseline'])} with Ukraine's"
        f" defences alone, {_ci(h['hits_on_assets_shield'])} with the shield",
        f"  hits avoided a night: {_ci(h['hits_on_assets_avoided'])}; the shield costs"
        f" {_ci(h['cost_per_night_usd'], 1e-6)} M USD a night,"
        f" {_ci(h['cost_per_hit_avoided_usd'], 1e-6)} M USD per hit avoided",
        f"  the fighters kill {_ci(h['killed_by_fighters'])} threats a night, of which"
        f" {_ci(h.get('stopped_anyway'))} Ukraine's defences would have stopped anyway (ground"
        f" kills {mean(kl['baseline']['killed_ground'])} -> {mean(kl['shield']['killed_ground'])},"
        f" lost to EW {mean(kl['baseline']['lost_ew'])} -> {mean(kl['shield']['lost_ew'])});"
        f" leakers avoided {_ci(h.get('leakers_avoided'))}, of which"
        f" {mean(h['hits_on_assets_avoided'])} hits on protected assets",
        f"  {_ci(h['sorties'])} sorties and {_ci(h['shots'])} shots in a night of"
        f" {_ci(h.get('night_h'))} h (first launch to last arrival)",
        f"  fighters never come closer than {count(h['engage_standoff_km'])} km to hostile"
        " territory: the engagement standoff, a rule of the scenario",
        f"  the plan's day: fighters {sig(nd['fighter_cost_day_usd'] * 1e-6)} M USD, AEW and"
        f" tankers {sig(nd['support_cost_day_usd'] * 1e-6)} M USD, no weapons; the night adds"
        f" {_ci(h['weapon_cost_usd'], 1e-6)} M USD of weapons fired",
        f"CAP stations held 24/7: {h['stations_held']} of {h['stations']}, with"
        f" {aircraft(h['jets_committed'])} of {h['jets_pledged']} pledged jets committed:",
        *station_lines(s["stations"]),
    ]
    return "\n".join(lines)


def record_option(text: str) -> Path | tuple[dt.date, dt.date]:
    """``--record``: a range ``FROM..TO`` of dates (``YYYY-MM-DD``) or months (``YYYY-MM``,
    the whole month), one month or one night alone, or else a record CSV file."""
    first, sep, last = text.partition("..")
    if not sep:
        if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text.strip()):
            return Path(text)
        last = first  # one month or one night
    try:
        start = _day(first.strip(), start=True)
        end = _day(last.strip(), start=False)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected FROM..TO with dates YYYY-MM-DD or months YYYY-MM, got {text!r}"
        ) from None
    if end < start:
        raise argparse.ArgumentTypeError(f"the range {text!r} ends before it starts")
    return start, end


def _day(text: str, *, start: bool) -> dt.date:
    if len(text) == 7:  # a month
        first = dt.date.fromisoformat(text + "-01")
        if start:
            return first
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    return dt.date.fromisoformat(text)


def run_record(args: argparse.Namespace, start: dt.date, end: dt.date) -> int:
    """``assess SCENARIO --record FROM..TO``: the nights of the record in the range replayed."""
    from skyshield.report.counterfactual import LABELS, write_counterfactual
    from skyshield.studies.counterfactual import record_counterfactual

    store = open_store_of(args)
    with open_executor_of(args) as ex:
        print(
            f"nights of the record from {start} to {end}, {args.record_runs} replications each,"
            f" on {ex.describe()}; store {store.path}",
            flush=True,
        )
        cf = record_counterfactual(
            args.scenario,
            start,
            end,
            runs_per_night=args.record_runs,
            seed=args.seed,
            executor=ex,
            store=store,
            progress=progress_printer(),
            force=args.force,
        )
    doc = write_counterfactual(cf, args.out)
    shown = cf.table()[
        ["night", "weapons", "hits_baseline", "hits_shield", "hits_avoided", "killed_by_fighters"]
    ].rename(
        columns={
            "hits_baseline": "hits alone",
            "hits_shield": "hits shield",
            "hits_avoided": "avoided",
            "killed_by_fighters": "fighter kills",
        }
    )
    from skyshield.cli.text import table

    print(table(shown))
    print("\nTotals over the nights (means over replications, 95 % intervals):")
    for key, label in LABELS.items():
        iv = doc["totals"][key]
        scale, unit = (1e-6, " M USD") if key == "cost_usd" else (1.0, "")
        ci = (
            f" [{iv['low'] * scale:,.1f}, {iv['high'] * scale:,.1f}]"
            if iv["low"] is not None and iv["high"] is not None
            else ""
        )
        print(f"  {label.removesuffix(' (USD)')}: {iv['mean'] * scale:,.1f}{ci}{unit}")
    print(
        "\nNights where the shield mattered most: "
        + ", ".join(
            f"{m['night']} ({m['hits_avoided']:.1f} hits avoided)" for m in doc["most_changed"]
        )
    )
    print(f"\n{doc['verdict']}")
    print(
        f"\nwrote {args.out / 'record_nights.csv'}, {args.out / 'record_nights.png'} and"
        f" {args.out / 'record.json'} in {cf.seconds:.1f} s"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``assess``; returns the exit code."""
    if isinstance(args.record, tuple):
        return run_record(args, *args.record)
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
        a = assess(
            ls,
            raid=args.raid,
            night=args.night,
            runs=args.runs,
            sweep_runs=args.sweep_runs,
            sweep_jets=_sweep_jets(args),
            seed=args.seed,
            executor=ex,
            store=store,
            record=record_of(args),
            progress=progress_printer(),
            recent_runs=0 if args.no_record else args.record_runs,
            uncertainty=not args.no_uncertainty,
            force=args.force,
        )
    print(plan_report(a.world.plan), "\n", flush=True)
    plot_force_map(ls, a.world.plan, out / "forces_map.png")
    for name in ("stations", "assignments", "pools"):
        write_csv(getattr(a.world.plan, name), out / f"{name}.csv")
    t = time.perf_counter()
    summary = write_briefing(replace(a, command=_command(args, a.command)), out)
    print(f"report written in {time.perf_counter() - t:.1f} s")
    print()
    print(headline_text(summary))
    print(
        f"\nwrote {out / 'report.html'} and {out / 'summary.json'}; Monte Carlo run {a.run_id}"
        f" in {store.path}; in {time.perf_counter() - t_start:.1f} s"
    )
    return 0


def _command(args: argparse.Namespace, command: str) -> str:
    """The study's reproducing command, with the scenario as the user gave it and ``--record``."""
    parts = shlex.split(command)
    parts[2] = args.scenario
    parts += ["--record", str(args.record)] if args.record else []
    return shlex.join(parts)
