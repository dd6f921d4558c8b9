"""``skyshield runs ...``: read the run store: list, show, compare, export, rerun."""

from __future__ import annotations

import argparse
from pathlib import Path

from skyshield.cli.execution import (
    add_executor_args,
    add_record_arg,
    add_store_arg,
    lazy_record_of,
    open_executor_of,
    open_store_of,
    progress_printer,
    store_path_of,
)
from skyshield.errors import InputError, Problem


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``runs list|show|compare|export|rerun``."""
    r = sub.add_parser(
        "runs", help="the run store: list, show, compare, export, rerun", parents=[common]
    )
    rs = r.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = rs.add_parser("list", help="every stored run", parents=[common])
    add_store_arg(p)
    p = rs.add_parser(
        "show", help="a run's provenance and its metrics with 95 %% intervals", parents=[common]
    )
    p.add_argument("run_id")
    add_store_arg(p)
    p = rs.add_parser("compare", help="two runs' metrics side by side", parents=[common])
    p.add_argument("run_a")
    p.add_argument("run_b")
    add_store_arg(p)
    p = rs.add_parser(
        "export",
        help="a run's per-replication metrics (or its threats' fates) as Parquet or CSV",
        parents=[common],
    )
    p.add_argument("run_id")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    p.add_argument(
        "--table",
        choices=("metrics", "fates"),
        default="metrics",
        help="metrics: one row per replication (default); fates: one row per replication,"
        " defence and threat",
    )
    p.add_argument("--out", type=Path, required=True, help="output file")
    add_store_arg(p)
    p = rs.add_parser(
        "rerun", help="run a stored run again and check it reproduces its numbers", parents=[common]
    )
    p.add_argument("run_id")
    add_executor_args(p)
    add_store_arg(p)
    add_record_arg(p)


def run(args: argparse.Namespace) -> int:
    """Run a ``runs`` action; returns the exit code."""
    import pandas as pd

    from skyshield.analysis import metric_table
    from skyshield.cli.text import table
    from skyshield.studies import rerun

    store_path = store_path_of(args)
    if not store_path.exists():
        raise InputError(
            [Problem(str(store_path), "", "no run store here yet (run `skyshield mc` first)")]
        )
    store = open_store_of(args)
    if args.action == "list":
        print(table(store.runs(), floats="{:,.1f}"))
        return 0
    if args.action == "show":
        row = store.run(args.run_id)
        for k in (
            "run_id",
            "kind",
            "created_at",
            "scenario_origin",
            "scenario_sha256",
            "raid",
            "night",
            "base_seed",
            "replications",
            "code_version",
            "status",
            "message",
            "seconds",
        ):
            print(f"{k}: {row[k]}")
        print(table(metric_table(store.run_metrics(args.run_id)), floats="{:,.3f}"))
        return 0
    if args.action == "compare":
        a, b = (
            metric_table(store.run_metrics(str(store.run(r)["run_id"]))).set_index("metric")
            for r in (args.run_a, args.run_b)
        )
        cols = ["mean", "ci95_low", "ci95_high"]
        both = pd.merge(
            a[cols],
            b[cols],
            left_index=True,
            right_index=True,
            how="outer",
            suffixes=(f" {args.run_a}", f" {args.run_b}"),
        )
        both["difference"] = both[f"mean {args.run_b}"] - both[f"mean {args.run_a}"]
        print(table(both.reset_index(), floats="{:,.3f}"))
        return 0
    if args.action == "export":
        run_id = store.run(args.run_id)["run_id"]
        fates = args.table == "fates"
        reps = store.run_fates(run_id) if fates else store.run_metrics(run_id)
        from skyshield.files import write_csv, write_parquet

        (write_parquet if args.format == "parquet" else write_csv)(reps, args.out)
        what = (
            f"{len(reps)} threat fates ({reps['rep'].nunique()} replications)"
            if fates
            else f"{len(reps)} replications x {reps.shape[1] - 2} metrics"
        )
        print(f"wrote {what} to {args.out}")
        return 0
    with open_executor_of(args) as ex:
        result = rerun(
            store,
            args.run_id,
            executor=ex,
            record=lazy_record_of(args),
            progress=progress_printer(),
        )
    if result.same:
        verdict = "the same numbers (every metric and every threat's fate)"
    else:
        parts = []
        if result.metrics_differ:
            parts.append(f"metrics differ: {', '.join(result.metrics_differ[:8])}")
        if result.fates_differ:
            parts.append(f"fates differ in replications {result.fates_differ[:8]}")
        verdict = "DIFFERENT numbers (" + "; ".join(parts) + ")"
    print(f"rerun of {args.run_id}: {result.replications} replications; {verdict}")
    if result.made_by != result.now:
        print(
            f"  the run was made by skyshield {result.made_by}, this is {result.now}: numbers"
            " differ where the model changed between them (CHANGELOG.md)"
        )
    if result.metrics_new:
        print(
            f"  {len(result.metrics_new)} metrics this version computes were not stored by the"
            f" run's version and were not compared: {', '.join(result.metrics_new[:8])}"
            + (" ..." if len(result.metrics_new) > 8 else "")
        )
    return 0 if result.same else 1
