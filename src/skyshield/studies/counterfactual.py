"""What the shield would have changed on the nights that happened: every night of the record in
a range replayed as a raid, with Ukraine's defences alone and with the shield on common random
numbers, a few replications a night, all nights sharing the executor's workers.

Each night is a stored run (kind ``record``, its raid the night's date) on the same replication
seeds.  The result gives, night by night, the hits on protected assets and elsewhere with and
without the shield, the hits avoided, the fighters' kills and the cost; and over the range, the
totals and per-night means with intervals.  A total's interval comes from every replication of
every night: its variance is the sum of the nights' variances of their means (Welch-
Satterthwaite degrees of freedom), on the log scale for counts and costs
(:mod:`skyshield.analysis.stats`).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from skyshield.analysis import MIN_INTERVAL_N, Interval, mean_interval, metric_kind
from skyshield.analysis.summary import metric_values
from skyshield.engine.api import build_world
from skyshield.errors import InputError, Problem
from skyshield.execution import Executor, Rep, replication_seeds, run_worlds, stopped_by
from skyshield.forces import plan_forces
from skyshield.raids import night_from_record, raid_context
from skyshield.runs import DONE, FAILED, INTERRUPTED, Store
from skyshield.studies.inputs import RecordRef, ScenarioRef, loaded, record_rows
from skyshield.studies.limits import MAX_REPLICATIONS, check_count
from skyshield.studies.progress import Progress, ProgressFn, no_progress
from skyshield.studies.runner import reps_frame
from skyshield.studies.writer import BlockWriter

#: Most nights of one counterfactual unless forced (a year of the record).
MAX_NIGHTS = 400

#: The figures of a night, as ``(column, per-replication metric or None for a derived one)``.
NIGHT_FIGURES = {
    "hits_baseline": "baseline.hits_on_assets",
    "hits_shield": "shield.hits_on_assets",
    "hits_avoided": "marginal.hits_on_assets_avoided",
    "elsewhere_baseline": "baseline.hit_elsewhere",
    "elsewhere_shield": "shield.hit_elsewhere",
    "elsewhere_avoided": "marginal.hits_elsewhere_avoided",
    "killed_by_fighters": "shield.killed_fighter",
    "cost_usd": "shield.shield_cost_usd",
}


@dataclass(frozen=True)
class NightRun:
    """One night of the record: its date, weapons, stored run (None if not stored) and its
    replications (``rep``, ``seed``, one column per metric)."""

    night: dt.date
    weapons: int
    run_id: str | None
    replications: pd.DataFrame


def night_values(reps: pd.DataFrame, figure: str) -> np.ndarray:
    """A figure of :data:`NIGHT_FIGURES` per replication of one night."""
    if figure == "elsewhere_avoided":
        b = metric_values(reps, "baseline.hit_elsewhere").to_numpy(float)
        return np.asarray(b - metric_values(reps, "shield.hit_elsewhere").to_numpy(float))
    return np.asarray(metric_values(reps, NIGHT_FIGURES[figure]).to_numpy(float))


def sum_interval(
    samples: list[np.ndarray], level: float = 0.95, kind: str = "difference"
) -> Interval:
    """The sum over nights of their means, with its ``level`` interval (the module docstring);
    ``n`` counts every replication.  No interval with fewer than
    :data:`~skyshield.analysis.MIN_INTERVAL_N` replications in all, or a night with fewer
    than two."""
    parts = [x[np.isfinite(x)] for x in samples]
    parts = [x for x in parts if len(x)]
    n = sum(len(x) for x in parts)
    if not parts:
        return Interval(math.nan, math.nan, math.nan, 0)
    total = float(sum(x.mean() for x in parts))
    if n < MIN_INTERVAL_N or min(len(x) for x in parts) < 2:
        return Interval(total, math.nan, math.nan, n)
    v = [float(x.var(ddof=1)) / len(x) for x in parts]
    var = sum(v)
    if var == 0:
        return Interval(total, total, total, n)
    dof = var**2 / sum(vi**2 / (len(x) - 1) for vi, x in zip(v, parts, strict=True) if vi > 0)
    t = float(stats.t.ppf(0.5 + level / 2.0, dof))
    se = math.sqrt(var)
    if kind == "nonnegative" and total > 0:
        k = math.exp(t * se / total)
        return Interval(total, total / k, total * k, n)
    return Interval(total, total - t * se, total + t * se, n)


@dataclass(frozen=True)
class RecordCounterfactual:
    """The nights of a range replayed with and without the shield (the module docstring)."""

    scenario: str
    start: dt.date
    end: dt.date
    runs_per_night: int
    seed: int
    nights: list[NightRun]
    skipped: list[dt.date]
    seconds: float

    def table(self) -> pd.DataFrame:
        """One row per night: date, weapons, run id and each figure's mean over the night's
        replications with its interval (``FIGURE``, ``FIGURE.low``, ``FIGURE.high``; no interval
        with fewer than 10 replications a night)."""
        rows = []
        for n in self.nights:
            row: dict[str, object] = {
                "night": n.night.isoformat(),
                "weapons": n.weapons,
                "run_id": n.run_id or "",
            }
            for figure, metric in NIGHT_FIGURES.items():
                iv = mean_interval(night_values(n.replications, figure), kind=metric_kind(metric))
                row[figure], row[f"{figure}.low"], row[f"{figure}.high"] = iv.mean, iv.low, iv.high
            rows.append(row)
        return pd.DataFrame(rows)

    def totals(self) -> dict[str, Interval]:
        """Each figure summed over the nights, with its interval."""
        return {
            figure: sum_interval(
                [night_values(n.replications, figure) for n in self.nights],
                kind=metric_kind(metric),
            )
            for figure, metric in NIGHT_FIGURES.items()
        }

    def per_night(self) -> dict[str, Interval]:
        """Each figure's mean a night over the range, with its interval (the totals divided by
        the number of nights)."""
        k = max(len(self.nights), 1)
        return {
            f: Interval(iv.mean / k, iv.low / k, iv.high / k, iv.n)
            for f, iv in self.totals().items()
        }

    def most_changed(self, count: int = 5) -> pd.DataFrame:
        """The nights where the shield avoided the most hits on protected assets (at most
        ``count``; nights where it avoided none are left out)."""
        t = self.table()
        t = t[t["hits_avoided"] > 0]
        return t.sort_values(["hits_avoided", "night"], ascending=[False, True]).head(count)


def record_nights(rows: pd.DataFrame, start: dt.date, end: dt.date) -> list[dt.date]:
    """The nights from ``start`` to ``end`` (inclusive) on which the record has launches of a
    class the catalog knows."""
    mine = rows[
        (rows["night"] >= start)
        & (rows["night"] <= end)
        & (rows["launched"] > 0)
        & (rows["class_key"] != "")
    ]
    return sorted(set(mine["night"]))


def latest_month(rows: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """The first and last day of the latest calendar month in which the record has launches
    of a class the catalog knows."""
    known = rows[(rows["launched"] > 0) & (rows["class_key"] != "")]
    if known.empty:
        raise InputError([Problem("record", "", "the record has no launches of a known class")])
    last: dt.date = max(known["night"])
    first = last.replace(day=1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def record_counterfactual(
    scenario: ScenarioRef,
    start: dt.date,
    end: dt.date,
    *,
    runs_per_night: int = 5,
    seed: int = 1,
    executor: Executor | None = None,
    store: Store | None = None,
    record: RecordRef = None,
    progress: ProgressFn | None = None,
    only: Sequence[dt.date] | None = None,
    force: bool = False,
) -> RecordCounterfactual:
    """Replay every night of the record from ``start`` to ``end`` with and without the shield,
    ``runs_per_night`` replications each on the same seeds, all nights on ``executor`` at once;
    each night a stored run in ``store`` if given.  A night that cannot be flown (no class or
    launch place the tables know) is skipped and listed.  ``only`` keeps just those nights of
    the range (e.g. the nights that broke a truce)."""
    t0 = time.perf_counter()
    check_count("runs_per_night", runs_per_night, MAX_REPLICATIONS, force=force)
    if end < start:
        raise InputError(
            [Problem("record", "", f"the range ends ({end}) before it starts ({start})")]
        )
    ls = loaded(scenario)
    rows = record_rows(record, store)()
    dates = record_nights(rows, start, end)
    if only is not None:
        dates = [d for d in dates if d in set(only)]
    if not dates:
        first, last = rows["night"].min(), rows["night"].max()
        raise InputError(
            [
                Problem(
                    "record",
                    "",
                    f"no launches in the record from {start} to {end}; the record"
                    f" runs from {first} to {last}",
                )
            ]
        )
    check_count("nights", len(dates), MAX_NIGHTS, force=force)
    ctx, plan = raid_context(ls), plan_forces(ls)
    worlds, flown, skipped = [], [], []
    for d in dates:
        try:
            night = night_from_record(rows, d, ctx)
        except InputError:
            skipped.append(d)
            continue
        worlds.append(build_world(ls, night, plan=plan, context=ctx))
        flown.append(d)
    seeds = list(enumerate(replication_seeds(seed, runs_per_night)))
    run_ids: list[str | None] = [
        store.start_run("record", ls.origin, ls.text, d.isoformat(), 1, seed, runs_per_night)
        if store is not None
        else None
        for d in flown
    ]
    kept: list[list[Rep]] = [[] for _ in flown]
    total = len(flown) * runs_per_night
    show = progress or no_progress
    stage = f"{len(flown)} nights of the record, {runs_per_night} replications each"
    done = 0
    show(Progress(stage, 0, total))
    writer = BlockWriter(store) if store is not None else None

    def on_block(k: int, block: list[Rep]) -> None:
        nonlocal done
        rid = run_ids[k]
        if writer is not None and rid is not None:
            writer.add(rid, block)
        kept[k].extend(block)
        done += len(block)
        show(Progress(stage, done, total))

    try:
        run_worlds([(w, seeds) for w in worlds], executor, on_block)
    except BaseException as exc:
        if store is not None and writer is not None:
            writer.write()  # what finished is kept
            stopped = stopped_by(exc)
            for rid in run_ids:
                if rid is not None:
                    store.end_run(rid, INTERRUPTED if stopped else FAILED, str(exc) or None)
        raise
    if writer is not None:
        writer.write()
    seconds = time.perf_counter() - t0
    if store is not None:
        for rid in run_ids:
            if rid is not None:
                store.end_run(rid, DONE, seconds=seconds)
    nights = [
        NightRun(d, w.night.total, rid, reps_frame(reps))
        for d, w, rid, reps in zip(flown, worlds, run_ids, kept, strict=True)
    ]
    name = ls.origin.removeprefix("<builtin ").removesuffix(">")
    return RecordCounterfactual(name, start, end, runs_per_night, seed, nights, skipped, seconds)
