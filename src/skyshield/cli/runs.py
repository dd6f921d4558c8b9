"""``skyshield runs ...``: read the run store: list, show, compare, export, rerun; list the
backtests of the record, show and export their fitted values."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    import pandas as pd

    from skyshield.runs import Store

#: Tables ``runs export`` writes of a run, and of a backtest (the first is the default).
RUN_TABLES = ("metrics", "fates")
BACKTEST_TABLES = ("fits", "months")


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``runs list|backtests|show|compare|export|rerun``."""
    r = sub.add_parser(
        "runs", help="the run store: list, show, compare, export, rerun", parents=[common]
    )
    rs = r.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = rs.add_parser("list", help="every stored run", parents=[common])
    add_store_arg(p)
    p = rs.add_parser(
        "backtests",
        help="every stored backtest of the record, with its mean absolute errors",
        parents=[common],
    )
    add_store_arg(p)
    p = rs.add_parser(
        "show",
        help="a run's provenance and its metrics with 95 %% intervals; a backtest's settings,"
        " fitted values (with the record data each came from) and monthly errors",
        parents=[common],
    )
    p.add_argument("run_id", metavar="ID", help="a run's or a backtest's id")
    add_store_arg(p)
    p = rs.add_parser("compare", help="two runs' metrics side by side", parents=[common])
    p.add_argument("run_a")
    p.add_argument("run_b")
    add_store_arg(p)
    p = rs.add_parser(
        "export",
        help="a run's per-replication metrics (or its threats' fates), or a backtest's fitted"
        " values (or its monthly table), as Parquet or CSV",
        parents=[common],
    )
    p.add_argument("run_id", metavar="ID", help="a run's or a backtest's id")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    p.add_argument(
        "--table",
        choices=(*RUN_TABLES, *BACKTEST_TABLES),
        default=None,
        help="of a run: metrics, one row per replication (default), or fates, one row per"
        " replication, defence and threat; of a backtest: fits, one row per predicted month,"
        " weapon group and parameter (default), or months, the monthly table",
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
    if args.action == "backtests":
        print(backtests_text(store))
        return 0
    if args.action in {"show", "export"} and store.has_backtest(args.run_id):
        return show_backtest(store, args) if args.action == "show" else export_backtest(store, args)
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
        if args.table in BACKTEST_TABLES:
            raise InputError(
                [
                    Problem(
                        "--table",
                        "",
                        f"{run_id} is a run: expected --table {' or '.join(RUN_TABLES)}",
                    )
                ]
            )
        fates = args.table == "fates"
        reps = store.run_fates(run_id) if fates else store.run_metrics(run_id)
        if fates:
            _check_fates_complete(store, run_id, reps)
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


def backtests_text(store: Store) -> str:
    """The stored backtests as a table (newest first), or a line saying there are none."""
    import pandas as pd

    from skyshield.cli.text import table

    df = store.backtests()
    if df.empty:
        return "no backtest stored (run `skyshield record backtest`)"
    shown = df.assign(
        created=df["created_at"].map(lambda t: f"{t:%Y-%m-%d %H:%M}"),
        months=[f"{a:%Y-%m}..{b:%Y-%m}" for a, b in zip(df["first"], df["last"], strict=True)],
        sample=df["sample"].map(lambda k: "all" if pd.isna(k) else f"{k:.0f}"),
        record=df["record_sha256"].str[:12],
    )
    cols = ["backtest_id", "created", "scenario_origin", "months", "replications", "sample"]
    cols += ["base_seed", "record", "code_version", "mae_drones", "mae_cruise", "mae_ballistic"]
    return "mean absolute error by month, percentage points\n" + table(
        shown[cols], floats="{:,.2f}"
    )


def show_backtest(store: Store, args: argparse.Namespace) -> int:
    """``runs show`` of a backtest: its settings, its fitted values with the record data each
    came from, and its monthly table (shares in %)."""
    import pandas as pd

    from skyshield.cli.text import table

    row = store.backtest(args.run_id)
    months = row["months"]
    row["months"] = f"{min(months):%Y-%m}..{max(months):%Y-%m} ({len(months)})"
    row["sample"] = "every night" if pd.isna(row["sample"]) else f"{row['sample']} nights a month"
    row["seconds"] = f"{row['seconds']:.1f}"
    for k in (
        "backtest_id",
        "created_at",
        "code_version",
        "scenario_origin",
        "scenario_sha256",
        "record_sha256",
        "record_origin",
        "rows_sha256",
        "months",
        "replications",
        "sample",
        "base_seed",
        "train_months",
        "min_weapons",
        "seconds",
    ):
        print(f"{k}: {row[k]}")
    fits = store.backtest_fits(args.run_id)
    fits["month"] = fits["month"].map(lambda d: f"{d:%Y-%m}")
    fits["train_months"] = fits["train_months"].map(" ".join)
    fits["converged"] = fits["converged"].map(lambda c: "" if pd.isna(c) else str(c))
    print(
        "\nFitted values, and the record data each came from (months, nights, weapons at risk"
        " and got through)"
    )
    print(table(fits, floats="{:,.4g}"))
    monthly = store.backtest_months(args.run_id)
    monthly["month"] = monthly["month"].map(lambda d: f"{d:%Y-%m}")
    for c in ("record_share", "model_share", "model_low", "model_high"):
        monthly[c] = 100.0 * monthly[c]
    print("\nGot through, % of weapons at risk: record vs model (model 90 % band)")
    print(table(monthly))
    return 0


def export_backtest(store: Store, args: argparse.Namespace) -> int:
    """``runs export`` of a backtest: its fits (default) or its monthly table."""
    from skyshield.files import write_csv, write_parquet

    what = args.table or BACKTEST_TABLES[0]
    if what not in BACKTEST_TABLES:
        raise InputError(
            [
                Problem(
                    "--table",
                    "",
                    f"{args.run_id} is a backtest: expected --table {' or '.join(BACKTEST_TABLES)}",
                )
            ]
        )
    df = store.backtest_fits(args.run_id) if what == "fits" else store.backtest_months(args.run_id)
    (write_parquet if args.format == "parquet" else write_csv)(df, args.out)
    print(f"wrote {len(df)} rows of the backtest's {what} to {args.out}")
    return 0


def _check_fates_complete(store: Store, run_id: str, fates: pd.DataFrame) -> None:
    """Refuse to export the fates of a run that has none stored for replications it has (an
    empty file would read as "nothing happened"); warn when only some have them."""
    stored = len(store.done_reps(run_id))
    with_fates = int(fates["rep"].nunique()) if len(fates) else 0
    if stored and not with_fates:
        raise InputError(
            [
                Problem(
                    run_id,
                    "--table fates",
                    f"none of the run's {stored} stored replications has its threats' fates"
                    " (deleted from the store, or never written); expected a run with fates"
                    " (`runs rerun` recomputes them into a new run) or --table metrics",
                )
            ]
        )
    if with_fates < stored:
        print(
            f"warning: only {with_fates} of the run's {stored} stored replications have their"
            " threats' fates; the others are not in the file",
            file=sys.stderr,
        )
