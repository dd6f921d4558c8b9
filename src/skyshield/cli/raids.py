"""``skyshield raid ...``: show a night (record, built-in or file) and generate synthetic nights."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from skyshield.cli.execution import add_record_arg, add_store_arg, seed
from skyshield.cli.records import record_rows

if TYPE_CHECKING:
    import pandas as pd

    from skyshield.raids import Night


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``raid show`` and ``raid generate``."""
    raid = sub.add_parser(
        "raid", help="raids: show a night, generate synthetic nights", parents=[common]
    )
    rs = raid.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = rs.add_parser(
        "show",
        help="a night as a raid: counts, launch areas, window, aim points, map",
        parents=[common],
    )
    show.add_argument("raid", help="reference, a night of the record (YYYY-MM-DD) or a raid file")
    show.add_argument(
        "--scenario",
        default="reference",
        help="scenario whose assets and theatre to use (default reference)",
    )
    show.add_argument(
        "--seed", type=seed, default=1, help="seed of the routes and aim points (default 1)"
    )
    show.add_argument(
        "--night", type=int, default=1, help="which night of a raid file (1-based, default 1)"
    )
    show.add_argument(
        "--map",
        type=Path,
        default=None,
        help="write a PNG map of the routes to this file (none unless asked)",
    )
    add_store_arg(show)
    add_record_arg(show)
    gen = rs.add_parser(
        "generate",
        help="sample synthetic nights from a model fitted to the record",
        parents=[common],
    )
    gen.add_argument(
        "--like", required=True, help="fitting window: YYYY-MM or YYYY-MM-DD:YYYY-MM-DD"
    )
    gen.add_argument("--nights", type=int, default=30, help="nights to generate (default 30)")
    gen.add_argument("--seed", type=seed, required=True, help="seed of the generator")
    gen.add_argument(
        "--out", type=Path, default=None, help="write the nights as a raid file (YAML)"
    )
    add_store_arg(gen)
    add_record_arg(gen)


def _night_text(night: Night, threats_df: pd.DataFrame) -> str:
    import pandas as pd

    from skyshield.cli.text import table
    from skyshield.raids.generator import KYIV

    lines = [
        f"Raid {night.name}: {night.source}",
        f"  start {night.start.isoformat()}, {night.total} weapons",
    ]
    by_class = threats_df.groupby(["class_id", "category"]).size().reset_index(name="count")
    lines += ["", "By class", table(by_class.sort_values("count", ascending=False))]
    by_area = (
        threats_df.groupby(["launch_area", "class_id"])
        .size()
        .reset_index(name="count")
        .sort_values(["launch_area", "count"])
    )
    lines += ["", "Launch areas", table(by_area)]
    t0 = pd.Timestamp(night.start).tz_convert(KYIV)
    first = t0 + pd.to_timedelta(threats_df["launch_time_s"].min(), unit="s")
    last = t0 + pd.to_timedelta(threats_df["launch_time_s"].max(), unit="s")
    arrive = t0 + pd.to_timedelta(threats_df["arrival_time_s"].max(), unit="s")
    lines += [
        "",
        f"Launch window (Kyiv time): {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}; last arrival {arrive:%Y-%m-%d %H:%M}",
    ]
    aims = (
        threats_df.groupby(["aim_kind", "aim_id"])
        .size()
        .reset_index(name="count")
        .sort_values("count", ascending=False)
    )
    lines += ["", "Aim points (protected assets and regions)", table(aims.head(25))]
    if len(aims) > 25:
        lines.append(f"  ... and {len(aims) - 25} more")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run a ``raid`` action; returns the exit code."""
    import numpy as np
    import pandas as pd

    from skyshield.cli.text import table
    from skyshield.raids import (
        fit,
        fly,
        generate,
        load_raid,
        parse_window,
        pick_night,
        raid_context,
        write_raid_file,
    )
    from skyshield.raids.generator import fit_table, window_totals
    from skyshield.report import plot_raid_map
    from skyshield.scenario import load_scenario

    if args.action == "show":
        ls = load_scenario(args.scenario)
        ctx = raid_context(ls)
        nights, origin = load_raid(args.raid, ctx, lambda: record_rows(args)[0])
        night = pick_night(nights, args.night, origin)
        threats = fly(night, ctx, np.random.default_rng(args.seed))
        df = threats.to_frame(ls.theatre.projection)
        print(_night_text(night, df))
        if args.map:
            plot_raid_map(
                ls,
                threats,
                args.map,
                f"{night.name}: {night.total} weapons (routes drawn with seed {args.seed})",
            )
            print(f"\nmap: {args.map}")
        return 0
    rows, which = record_rows(args)
    print(which)
    first, last = parse_window(args.like)
    model = fit(rows, first, last)
    print(f"\nModel fitted on the nights {first} .. {last} ({model.nights} nights)")
    print(table(fit_table(model), floats="{:,.3f}"))
    rng = np.random.default_rng(args.seed)
    nights = generate(model, args.nights, rng, f"synthetic-{args.like.replace(':', '_')}")
    got = (
        pd.DataFrame(
            [(g.threat, g.count) for n in nights for g in n.groups], columns=["class", "launched"]
        )
        .groupby("class")["launched"]
        .sum()
    )
    scale = model.nights / args.nights
    cmp = pd.DataFrame(
        {
            "class": [c.class_key for c in model.classes],
            "record": [c.record_total for c in model.classes],
        }
    )
    cmp["generated_per_window"] = [float(got.get(c, 0)) * scale for c in cmp["class"]]
    windows = window_totals(model, 200, np.random.default_rng(args.seed + 1))
    med = windows.groupby("class_key")["launched"].median()
    cmp["median_of_200_windows"] = [float(med.get(c, 0)) for c in cmp["class"]]
    print(
        f"\nLaunched per window: record vs the {args.nights} nights generated (scaled to {model.nights} nights) vs the median of 200 simulated windows"
    )
    print(table(cmp.sort_values("record", ascending=False), floats="{:,.0f}"))
    if args.out:
        write_raid_file(nights, args.out)
        print(f"\nwrote {len(nights)} nights to {args.out}")
    return 0
