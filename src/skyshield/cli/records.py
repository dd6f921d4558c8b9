"""``skyshield record ...``: import the Air Force record into the run store, summarise it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from skyshield.cli.execution import add_record_arg, add_store_arg, open_store_of, store_path_of

if TYPE_CHECKING:
    import pandas as pd


def record_rows(args: argparse.Namespace) -> tuple[pd.DataFrame, str]:
    """The record's rows for a command, and a line saying which record they come from."""
    from skyshield.runs import choose_record

    choice = choose_record(getattr(args, "record", None), store_path_of(args))
    return choice.rows, choice.description


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``record import`` and ``record summary``."""
    rec = sub.add_parser(
        "record", help="the Air Force record of attacks: import, summarise", parents=[common]
    )
    rs = rec.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = rs.add_parser(
        "import",
        help="read a record CSV into the run store and print an import report",
        parents=[common],
    )
    imp.add_argument(
        "file",
        type=Path,
        help="CSV in the schema of the record (the shared file or a newer download)",
    )
    add_store_arg(imp)
    summ = rs.add_parser(
        "summary",
        help="launched, destroyed, not reached and destroyed rate by class",
        parents=[common],
    )
    summ.add_argument(
        "--from", dest="start", default=None, metavar="DATE", help="first night (YYYY-MM-DD)"
    )
    summ.add_argument(
        "--to", dest="end", default=None, metavar="DATE", help="last night (YYYY-MM-DD)"
    )
    summ.add_argument("--by", choices=("month", "week", "night"), default="month")
    summ.add_argument(
        "--chart", type=Path, default=None, help="write a PNG of monthly launches to this file"
    )
    add_store_arg(summ)
    add_record_arg(summ)


def run(args: argparse.Namespace) -> int:
    """Run a ``record`` action; returns the exit code."""
    import pandas as pd

    from skyshield.cli.text import table
    from skyshield.record import plot_monthly, summarise

    if args.action == "import":
        from skyshield.studies import import_record

        store = open_store_of(args)
        imp = import_record(args.file, store)
        print(imp.report.to_text())
        if imp.added:
            print(f"stored in {store.path} ({imp.rows} rows); it is now the record in use")
        else:
            print(f"already in {store.path} (same SHA-256): nothing changed")
        return 0
    rows, which = record_rows(args)
    print(which)
    per = summarise(rows, args.start, args.end, by=args.by)
    totals = (
        per.groupby("class_key", sort=False)[
            ["launched", "destroyed", "not_reached", "launched_destroyed_known"]
        ]
        .sum()
        .reset_index()
        .sort_values("launched", ascending=False)
    )
    known = totals["launched_destroyed_known"].where(totals["launched_destroyed_known"] > 0)
    totals["destroyed_rate"] = totals["destroyed"] / known
    window = f"{args.start or 'start'} .. {args.end or 'end'}"
    print(f"\nBy class, nights {window}")
    print(table(totals.drop(columns="launched_destroyed_known"), floats="{:,.2f}"))
    by_cat = (
        per.groupby(["period", "category"], sort=True)[["launched", "destroyed"]]
        .sum()
        .reset_index()
    )
    wide = by_cat.pivot_table(
        index="period", columns="category", values="launched", aggfunc="sum", fill_value=0
    )
    print(f"\nLaunched by {args.by} and category")
    print(wide.to_string())
    chart_rows = rows
    if args.start or args.end:
        sel = pd.Series(True, index=rows.index)
        if args.start:
            sel &= rows["night"] >= pd.Timestamp(args.start).date()
        if args.end:
            sel &= rows["night"] <= pd.Timestamp(args.end).date()
        chart_rows = rows[sel]
    if args.chart:
        print(f"\nchart: {plot_monthly(chart_rows, args.chart)}")
    return 0
