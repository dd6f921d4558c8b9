"""``skyshield truce``: is a truce in the air being kept?  Launches expected from the weeks
before a truce against the record's launches during it, the nights that broke it, a verdict,
and a chart, a CSV and a JSON."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skyshield.cli.execution import add_executor_args, add_record_arg, add_store_arg, seed
from skyshield.cli.records import record_rows
from skyshield.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from skyshield.truce import TruceResult, TruceWindow

#: Classes of a window given on the command line without ``--classes``.
DEFAULT_CLASSES = "shahed-136,cruise,ballistic,aeroballistic"


def _whole(minimum: int) -> Callable[[str], int]:
    """An argument type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"expected a whole number of at least {minimum}, got {text!r}"
            )
        return value

    return parse


def _count(text: str) -> float:
    """``--break-above``: a number of launches >= 0."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number of launches >= 0, got {text!r}")
    return value


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``truce``."""
    from skyshield.truce import DEFAULT_DRAWS, DEFAULT_FIT_WEEKS, DEFAULT_THRESHOLD

    t = sub.add_parser(
        "truce",
        help="a truce in the air: launches expected vs observed, nights that broke it, verdict",
        parents=[common],
    )
    which = t.add_argument_group("the truce window (a built-in one, or your own)")
    which.add_argument("--window", default=None, help="a built-in window (see --list)")
    which.add_argument("--list", action="store_true", help="list the built-in windows and exit")
    which.add_argument(
        "--from",
        dest="first",
        default=None,
        metavar="DATE",
        help="first night of your own window (YYYY-MM-DD, the evening's date)",
    )
    which.add_argument(
        "--to",
        dest="last",
        default=None,
        metavar="DATE",
        help="last night of your own window (inclusive)",
    )
    which.add_argument(
        "--classes",
        default=None,
        metavar="C1,C2",
        help=f"categories or class ids it covers (default {DEFAULT_CLASSES})",
    )
    which.add_argument(
        "--kind",
        choices=("launches", "targets"),
        default="launches",
        help="a truce on launches (default) or on targets",
    )
    which.add_argument(
        "--starts",
        default=None,
        metavar="TIME",
        help="the truce's stated start, YYYY-MM-DDTHH:MM (Kyiv time unless an offset is given)",
    )
    which.add_argument("--ends", default=None, metavar="TIME", help="its stated end (as --starts)")
    which.add_argument(
        "--regions",
        default=None,
        metavar="R1,R2",
        help="count only rows naming these regions (ids or names)",
    )
    which.add_argument(
        "--target-words",
        default=None,
        metavar="W1,W2",
        help="for --kind targets: words naming the targets in the record (default: energy infrastructure)",
    )
    which.add_argument("--name", default=None, help="name of your window (default custom-FROM-TO)")
    t.add_argument(
        "--fit-weeks",
        type=_whole(1),
        default=DEFAULT_FIT_WEEKS,
        help=f"weeks of nights before the truce to fit on (default {DEFAULT_FIT_WEEKS})",
    )
    t.add_argument(
        "--fit-all-nights",
        action="store_true",
        help="keep the nights of other built-in truces on launches in the fit (default: left out)",
    )
    t.add_argument(
        "--draws",
        type=_whole(100),
        default=DEFAULT_DRAWS,
        help=f"draws of the prediction (default {DEFAULT_DRAWS})",
    )
    t.add_argument(
        "--break-above",
        type=_count,
        default=DEFAULT_THRESHOLD,
        metavar="N",
        help="a night breaks the truce above N launches inside its hours (default 0: any launch)",
    )
    t.add_argument("--seed", type=seed, default=1, help="seed of the draws (default 1)")
    shield = t.add_argument_group("what the shield would have stopped")
    shield.add_argument(
        "--shield",
        default=None,
        metavar="SCENARIO",
        help="replay the nights that broke the truce (for a truce on targets:"
        " its nights with launches) against this scenario, with and without the"
        " shield",
    )
    shield.add_argument(
        "--shield-runs",
        type=_whole(1),
        default=5,
        help="replications of each such night (default 5)",
    )
    add_executor_args(t)
    t.add_argument(
        "--out", type=Path, default=None, help="output folder (default out/truce/<window>)"
    )
    add_store_arg(t)
    add_record_arg(t)


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def _window(args: argparse.Namespace) -> tuple[TruceWindow, str]:
    """The window the arguments name, and how errors should name it."""
    from skyshield.truce import ENERGY_WORDS, builtin_window, custom_window

    own = [
        o
        for o, v in (
            ("--from", args.first),
            ("--to", args.last),
            ("--classes", args.classes),
            ("--starts", args.starts),
            ("--ends", args.ends),
            ("--regions", args.regions),
            ("--target-words", args.target_words),
            ("--name", args.name),
        )
        if v is not None
    ]
    if args.window is not None:
        if own:
            raise InputError(
                [
                    Problem(
                        "--window",
                        "",
                        f"give a built-in window or your own, not both (drop {', '.join(own)})",
                    )
                ]
            )
        return builtin_window(args.window), f"window {args.window}"
    if args.first is None or args.last is None:
        raise InputError(
            [
                Problem(
                    "<arguments>",
                    "",
                    "name a window: --window NAME (see --list), or --from"
                    " DATE --to DATE [--classes ...] [--kind ...]",
                )
            ]
        )
    fields: dict[str, Any] = {
        "name": args.name or f"custom-{args.first}-{args.last}",
        "title": f"Truce window {args.first} to {args.last}",
        "kind": args.kind,
        "from": args.first,
        "to": args.last,
        "starts": args.starts,
        "ends": args.ends,
        "classes": tuple(_split(args.classes or DEFAULT_CLASSES)),
        "regions": tuple(_split(args.regions)),
        "target_words": tuple(_split(args.target_words))
        or (ENERGY_WORDS if args.kind == "targets" else ()),
        "notes": ("assumption: a window given on the command line",),
    }
    return custom_window(fields), "<arguments>"


def _list() -> int:
    import pandas as pd

    from skyshield.cli.text import table
    from skyshield.truce import load_windows

    windows = load_windows()
    rows = [
        {
            "name": w.name,
            "kind": w.kind,
            "nights": f"{w.first_night} to {w.last_night}",
            "hours (Kyiv)": w.hours_text().removesuffix(" Kyiv time") or "-",
            "classes": ",".join(w.classes),
        }
        for w in windows.values()
    ]
    print(table(pd.DataFrame(rows)))
    for w in windows.values():
        print(f"\n{w.name}: {w.title}")
        for note in w.notes:
            print(f"  {note}")
    return 0


def _class_table(result: TruceResult) -> pd.DataFrame:
    import pandas as pd

    from skyshield.truce import TOTAL
    from skyshield.truce.verdict import fmt_count, fmt_p, fmt_ratio

    level = f"{100 * result.level:.0f} %"
    rows = []
    for name, model, c in [
        *((o.name, o.fit.model, o.comparison) for o in result.classes),
        (TOTAL, "", result.total),
    ]:
        rows.append(
            {
                "class": name,
                "model": model,
                "observed": fmt_count(c.observed),
                "expected": fmt_count(c.expected),
                f"{level} interval": f"[{fmt_count(c.low)}, {fmt_count(c.high)}]",
                f"ratio [{level}]": fmt_ratio(c),
                "p (drop)": fmt_p(c.p_drop).removeprefix("p = ").removeprefix("p "),
            }
        )
    return pd.DataFrame(rows)


def _night_table(result: TruceResult) -> pd.DataFrame:
    from skyshield.truce import TOTAL
    from skyshield.truce.verdict import fmt_count

    t = result.nights
    win = t[(t["period"] == "truce") & (t["class"] == TOTAL)]
    out = win[["night", "coverage"]].assign(
        **{
            c: [fmt_count(x) for x in win[c]]
            for c in ("observed", "inside_hours", "overlapping", "outside_hours")
        },
        expected=[fmt_count(x) for x in win["expected"]],
        interval=[
            f"[{fmt_count(lo)}, {fmt_count(hi)}]"
            for lo, hi in zip(win["low"], win["high"], strict=True)
        ],
        status=win["status"],
    )
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``truce``; returns the exit code."""
    import numpy as np

    from skyshield.cli.text import table
    from skyshield.truce import (
        fit_caveats,
        launch_truce_nights,
        load_windows,
        run_monitor,
        verdict,
        write_outputs,
    )

    if args.list:
        return _list()
    window, origin = _window(args)
    out = args.out if args.out is not None else Path("out/truce") / window.name
    if out.exists() and not out.is_dir():
        raise InputError([Problem(str(out), "--out", "exists and is not a folder")])
    rows, which = record_rows(args)
    leave_out = (
        None if args.fit_all_nights else launch_truce_nights(load_windows().values(), window)
    )
    result = run_monitor(
        rows,
        window,
        np.random.default_rng(args.seed),
        fit_weeks=args.fit_weeks,
        draws=args.draws,
        threshold=args.break_above,
        leave_out=leave_out,
        origin=origin,
    )
    w = result.window
    print(which)
    hours = f" ({w.hours_text()})" if w.hours_text() else ""
    print(f"{w.title}: nights {w.first_night} to {w.last_night}{hours}")
    print(
        f"  a truce on {w.kind}; classes {', '.join(w.classes)}"
        + (f"; regions {', '.join(w.regions)}" if w.regions else "")
    )
    partial = [str(n) for n in w.nights if w.coverage(n) == "partial"]
    print(
        f"  held in full: {len(w.held_nights)} night(s)"
        + (f"; held in part: {', '.join(partial)}" if partial else "")
    )
    fit_n = result.classes[0].fit.nights
    left = (
        f"; left out: {', '.join(f'{n} ({name})' for n, name in sorted(result.fit_left_out.items()))}"
        if result.fit_left_out
        else ""
    )
    print(
        f"  fit: {fit_n} nights, {result.fit_first} to {result.fit_last}"
        f" ({result.fit_weeks} weeks){left}; {result.draws} draws, seed {args.seed}"
    )
    print("\nLaunches over the nights held in full, by class")
    print(table(_class_table(result)))
    print("\nThe truce's nights (all covered classes)")
    print(table(_night_table(result)))
    lines = verdict(result)
    caveats = fit_caveats(result)
    print("\nVerdict")
    for line in lines:
        print(f"  {line}")
    if caveats:
        print("Fit notes")
        for line in caveats:
            print(f"  {line}")
    paths = write_outputs(result, out, lines, caveats, seed=args.seed, record=which)
    print(f"\nchart: {paths['chart']}\ntable: {paths['csv']}\njson: {paths['json']}")
    if args.shield:
        _enforcement(args, result, rows, out)
    return 0


def _enforcement(
    args: argparse.Namespace, result: TruceResult, rows: pd.DataFrame, out: Path
) -> None:
    """What the shield of ``--shield`` would have stopped on the nights that broke the truce
    (a truce on targets: its nights with launches)."""
    from skyshield.cli.execution import open_executor_of, open_store_of, progress_printer
    from skyshield.report.counterfactual import write_counterfactual
    from skyshield.runs import RecordChoice
    from skyshield.studies.counterfactual import record_counterfactual
    from skyshield.truce import TOTAL

    w = result.window
    if w.kind == "launches":
        nights = sorted(set(result.breaks["night"]))
        what = "the nights that broke it"
    else:
        t = result.nights
        sel = (t["period"] == "truce") & (t["class"] == TOTAL) & (t["observed"] > 0)
        nights = sorted(set(t.loc[sel, "night"]))
        what = "its nights with launches"
    print(f"\nWhat the shield of {args.shield} would have stopped on {what}:")
    if not nights:
        print("  no night broke the truce: there was nothing to stop.")
        return
    with open_executor_of(args) as ex:
        cf = record_counterfactual(
            args.shield,
            w.first_night,
            w.last_night,
            runs_per_night=args.shield_runs,
            seed=args.seed,
            executor=ex,
            store=open_store_of(args),
            record=RecordChoice(rows, "", "the truce's record"),
            progress=progress_printer(),
            only=nights,
        )
    doc = write_counterfactual(cf, out)
    print(f"  {doc['verdict']}")
    print(
        f"  table: {out / 'record_nights.csv'}; chart: {out / 'record_nights.png'};"
        f" json: {out / 'record.json'}"
    )
