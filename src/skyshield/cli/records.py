"""``skyshield record ...``: import the Air Force record into the run store, list, choose and
drop imports, summarise the record, backtest Ukraine's defences against it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from skyshield.cli.execution import add_record_arg as add_record_file_arg
from skyshield.cli.execution import add_store_arg, announce_compiling, open_store_of, store_path_of

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from skyshield.record import RecordAliases
    from skyshield.runs import RecordChoice
    from skyshield.studies.backtests import BacktestResult


def add_aliases_arg(p: argparse.ArgumentParser) -> None:
    """``--aliases FILE``: the user's extra model names and launch places (YAML)."""
    p.add_argument(
        "--aliases",
        type=Path,
        default=None,
        metavar="FILE",
        help="YAML of extra record names: models: {name: [class ids]}, launch_places: {name: area"
        " id} (default: $SKYSHIELD_RECORD_ALIASES if set; see docs/record.md)",
    )


def add_record_arg(p: argparse.ArgumentParser) -> None:
    """``--record CSV`` (:func:`skyshield.cli.execution.add_record_arg`) and ``--aliases FILE``
    (:func:`add_aliases_arg`)."""
    add_record_file_arg(p)
    add_aliases_arg(p)


def aliases_of(args: argparse.Namespace) -> RecordAliases | None:
    """The aliases ``--aliases`` (else ``$SKYSHIELD_RECORD_ALIASES``) names, read and checked;
    None if neither is given."""
    from skyshield.runs.records import aliases_from_env

    return aliases_from_env(getattr(args, "aliases", None))


def warn(lines: tuple[str, ...] | list[str]) -> None:
    """Print warnings on stderr, one a line."""
    for line in lines:
        print(f"warning: {line}", file=sys.stderr)


def record_choice(args: argparse.Namespace) -> RecordChoice:
    """The record a command uses (``--record``, else the store's import in use, else the
    snapshot); names that neither the tables nor the aliases know are warned about on
    stderr."""
    from skyshield.runs import choose_record

    choice = choose_record(getattr(args, "record", None), store_path_of(args), aliases_of(args))
    warn(choice.warnings)
    return choice


def record_rows(args: argparse.Namespace) -> tuple[pd.DataFrame, str]:
    """The record's rows for a command, and a line saying which record they come from
    (:func:`record_choice`)."""
    choice = record_choice(args)
    return choice.rows, choice.description


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``record import``, ``record summary`` and ``record backtest``."""
    rec = sub.add_parser(
        "record",
        help="the Air Force record of attacks: import, summarise, backtest",
        parents=[common],
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
    add_aliases_arg(imp)
    imp.add_argument(
        "--strict",
        action="store_true",
        help="refuse the file if any row is impossible or has no launched count (default: skip"
        " impossible rows and list them; count an unknown launched as 0 and list it)",
    )
    imp.add_argument(
        "--force",
        action="store_true",
        help="import a file that does not look like the record (an unbalanced quote, many"
        " impossible rows, few weapons of known models)",
    )
    lst = rs.add_parser(
        "imports", help="list the record files imported into the store", parents=[common]
    )
    add_store_arg(lst)
    for action, what in (
        ("use", "make an earlier import the record commands use"),
        ("drop", "remove an import from the store (the newest left is then used)"),
    ):
        one = rs.add_parser(action, help=what, parents=[common])
        one.add_argument(
            "import_id", metavar="ID", help="the import's id (a prefix of its SHA-256)"
        )
        add_store_arg(one)
    summ = rs.add_parser(
        "summary",
        help="launched, destroyed, not reached, got through and each month's convention by class",
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
    bt = rs.add_parser(
        "backtest",
        help="rolling-origin backtest of Ukraine's defences (baseline) against the record",
        parents=[common],
    )
    bt.add_argument(
        "--from", dest="start", required=True, metavar="YYYY-MM", help="first month to predict"
    )
    bt.add_argument(
        "--to", dest="end", required=True, metavar="YYYY-MM", help="last month to predict"
    )
    bt.add_argument(
        "--reps", type=_positive, default=40, help="replications of each night (default 40)"
    )
    bt.add_argument(
        "--sample",
        type=_positive,
        default=None,
        metavar="K",
        help="replay K nights a month, stratified by size (default: every night)",
    )
    bt.add_argument(
        "--train-months",
        type=_positive,
        default=2,
        help="fit on at least this many months before each predicted one (default 2)",
    )
    bt.add_argument(
        "--min-weapons",
        type=_positive,
        default=600,
        help="and back until a group has this many weapons at risk (default 600)",
    )
    bt.add_argument(
        "--seed", type=_seed, default=2025, help="seed of routes and luck (default 2025)"
    )
    bt.add_argument(
        "--scenario",
        default="reference",
        help="scenario whose assets and ground defences to use (default reference)",
    )
    bt.add_argument(
        "--workers", type=_positive, default=1, help="local worker processes (default 1)"
    )
    bt.add_argument("--out", type=Path, default=Path("out/backtest"), help="folder of the outputs")
    add_store_arg(bt)
    add_record_arg(bt)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _seed(text: str) -> int:
    from skyshield.cli.execution import seed

    return seed(text)


def _month(text: str, flag: str) -> dt.date:
    import datetime as dt

    from skyshield.errors import InputError, Problem

    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError:
        raise InputError(
            [Problem(flag, "", f"expected a month YYYY-MM (such as 2025-01), got {text!r}")]
        ) from None


def run(args: argparse.Namespace) -> int:
    """Run a ``record`` action; returns the exit code."""
    actions = {
        "import": _import,
        "imports": _imports,
        "use": _use,
        "drop": _drop,
        "backtest": _backtest,
    }
    return actions.get(args.action, _summary)(args)


def _import(args: argparse.Namespace) -> int:
    from skyshield.studies import import_record

    store = open_store_of(args)
    imp = import_record(args.file, store, aliases_of(args), strict=args.strict, force=args.force)
    print(imp.report.to_text())
    warn(imp.report.warnings)
    if imp.added:
        print(f"stored in {store.path} ({imp.rows} rows); it is now the record in use")
    else:
        print(f"already in {store.path} (same SHA-256): nothing changed")
    return 0


def _imports(args: argparse.Namespace) -> int:
    from skyshield.cli.text import table

    df = open_store_of(args).imports()
    if not len(df):
        print("no record imported: commands use the shipped snapshot")
        return 0
    shown = df.assign(
        id=df["sha256"].str[:12],
        imported=df["imported_at"].map(lambda t: f"{t:%Y-%m-%d %H:%M}"),
        use=df["in_use"].map(lambda b: "in use" if b else ""),
    )[["id", "imported", "rows", "launched", "code_version", "path", "use"]]
    print(table(shown, floats="{:,.0f}"))
    return 0


def _use(args: argparse.Namespace) -> int:
    sha = open_store_of(args).use_record(args.import_id)
    print(f"the record in use is now import {sha[:12]}")
    return 0


def _drop(args: argparse.Namespace) -> int:
    store = open_store_of(args)
    sha = store.drop_record(args.import_id)
    now = store.record_in_use()
    after = f"import {now[:12]} is in use" if now else "commands use the shipped snapshot"
    print(f"dropped import {sha[:12]}; {after}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    import pandas as pd

    from skyshield.cli.text import table
    from skyshield.record import plot_monthly, summarise
    from skyshield.record.conventions import got_through_table, row_outcomes
    from skyshield.record.summary import select_nights

    rows, which = record_rows(args)
    print(which)
    per = summarise(rows, args.start, args.end, by=args.by)
    cols = ["launched", "destroyed", "not_reached", "launched_destroyed_known"]
    cols += ["still_attacking", "at_risk", "did_not_get_through", "got_through"]
    totals = (
        per.groupby("class_key", sort=False)[cols]
        .sum()
        .reset_index()
        .sort_values("launched", ascending=False)
    )
    known = totals["launched_destroyed_known"].where(totals["launched_destroyed_known"] > 0)
    totals["destroyed_rate"] = totals["destroyed"] / known
    totals["got_through_share"] = totals["got_through"] / totals["at_risk"].where(
        totals["at_risk"] > 0
    )
    nights = rows["night"].dropna()
    first, last = (min(nights), max(nights)) if len(nights) else ("-", "-")
    window = f"{args.start or first} .. {args.end or last}"
    print(f"\nBy class, nights {window}")
    print(table(totals.drop(columns=["launched_destroyed_known", "at_risk"]), floats="{:,.2f}"))

    chosen = select_nights(rows, args.start, args.end)
    outcomes = row_outcomes(rows).loc[chosen.index]
    groups = got_through_table(outcomes, by="month", key="group")
    print(
        "\nDid not get through, by month and group: destroyed + not reached in a 'separate'"
        " month,\ndestroyed alone in a 'folded' month (not reached absent or zero all month);"
        " still-attacking\nweapons and rows without a reported fate are out of the denominator"
        " (at_risk)"
    )
    shown = groups.rename(columns={"period": "month", "key": "group", "share": "got_through_share"})
    shown["month"] = shown["month"].map(lambda d: f"{pd.Timestamp(d):%Y-%m}")
    print(table(shown, floats="{:,.3f}"))
    by_cat = (
        per.groupby(["period", "category"], sort=True)[["launched", "destroyed"]]
        .sum()
        .reset_index()
    )
    wide = by_cat.pivot_table(
        index="period", columns="category", values="launched", aggfunc="sum", fill_value=0
    )
    wide = wide.round().astype("int64")  # whole weapons (the importer checks every count)
    if args.by == "month":
        wide.index = [f"{pd.Timestamp(p):%Y-%m}" for p in wide.index]
    wide.columns = [c or "(unmapped)" for c in wide.columns]
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


def _backtest(args: argparse.Namespace) -> int:
    from skyshield.errors import InputError, Problem
    from skyshield.execution.local import process_pool
    from skyshield.scenario import load_scenario
    from skyshield.studies.backtests import month_range, run_backtest

    first, last = _month(args.start, "--from"), _month(args.end, "--to")
    if last < first:
        raise InputError([Problem("--to", "", f"{args.end} is before --from {args.start}")])
    ls = load_scenario(args.scenario)
    store = open_store_of(args)
    record = record_choice(args)
    print(record.description)
    announce_compiling()
    with process_pool(args.workers) as executor:
        result = run_backtest(
            ls,
            record,
            month_range(first, last),
            replications=args.reps,
            sample=args.sample,
            seed=args.seed,
            train_months=args.train_months,
            min_weapons=args.min_weapons,
            executor=executor,
            progress=lambda line: print(f"  {line}", file=sys.stderr, flush=True),
            store=store,
        )
    print(backtest_text(result))
    for path in write_backtest(result, args.out):
        print(f"wrote {path}")
    print(
        f"stored as backtest {result.backtest_id} in {store.path} (its fitted values: `skyshield"
        f" runs show {result.backtest_id}`)"
    )
    return 0


def backtest_text(result: BacktestResult) -> str:
    """The backtest's tables for the terminal."""
    from skyshield.cli.text import table
    from skyshield.studies.backtests import MONTHLY_COLUMNS

    monthly = result.monthly.copy()
    monthly["month"] = monthly["month"].map(lambda d: f"{d:%Y-%m}")
    for c in ("record_share", "model_share", "model_low", "model_high"):
        monthly[c] = 100.0 * monthly[c]
    s = result.settings
    sample = "every night" if s["sample"] is None else f"{s['sample']} nights a month"
    lines = [
        f"Backtest of Ukraine's defences (baseline) against the record, {s['months'][0]}.."
        f"{s['months'][-1]}: {sample}, {s['replications']} replications each, seed {s['seed']};"
        f" fitted on earlier months only (at least {s['train_months']})",
        "",
        "Got through, % of weapons at risk: record vs model (model 90 % band over replications)",
        table(monthly[list(MONTHLY_COLUMNS)]),
        "",
        "Mean absolute error by month (percentage points)",
        table(result.mae, floats="{:,.2f}"),
        "",
        "Nights whose record count lies inside the model's 90 % predictive interval",
        table(result.coverage, floats="{:,.3f}"),
        "",
        "Got-through share by the night's size (weapons of the group at risk)",
        table(result.by_size, floats="{:,.3f}"),
        "",
        "Terminal sites: shots per night and empty magazines",
        table(result.magazines, floats="{:,.3f}"),
    ]
    return "\n".join(lines)


def write_backtest(result: BacktestResult, out: Path) -> list[Path]:
    """The backtest's JSON, CSV tables and charts in ``out``; returns the paths written."""
    import json

    from skyshield.files import write_atomic, write_csv
    from skyshield.studies.backtests import plot_monthly_shares, plot_pit

    paths = [out / "backtest.json", out / "monthly.csv", out / "nights.csv", out / "fits.csv"]
    write_atomic(paths[0], json.dumps(result.to_json(), indent=1, default=str))
    write_csv(result.monthly, paths[1])
    write_csv(result.nights, paths[2])
    write_csv(result.fits, paths[3])
    paths.append(plot_monthly_shares(result, out / "monthly.png"))
    paths.append(plot_pit(result, out / "pit.png"))
    return paths
