"""Summaries of an imported attack record: totals per period and class, and a monthly plot.

Input is :attr:`skyshield.record.importer.RecordImport.rows` (or any frame with its columns
``night``, ``class_key``, ``category``, ``launched``, ``destroyed``, ``not_reach_goal``).
Counts are numbers of weapons; rates are fractions 0..1.  Periods follow the report's
``night`` (the evening date), so a night that crosses midnight at a month's end counts in the
month it began.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from skyshield.errors import InputError, Problem
from skyshield.files import save_figure
from skyshield.record.conventions import row_outcomes

Period = Literal["month", "week", "night"]

#: Columns of :func:`summarise`'s result, in order.
SUMMARY_COLUMNS = (
    "period",
    "class_key",
    "category",
    "rows",
    "launched",
    "destroyed",
    "not_reached",
    "launched_destroyed_known",
    "destroyed_rate",
    "still_attacking",
    "at_risk",
    "did_not_get_through",
    "got_through",
    "got_through_share",
    "convention",
)

#: Order of categories in the monthly plot (catalog categories, then "mixed", unmapped).
CATEGORY_ORDER = (
    "drone",
    "decoy",
    "jet_drone",
    "cruise",
    "ballistic",
    "aeroballistic",
    "recon_drone",
    "other",
    "mixed",
    "",
)


def _as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            [Problem("<arguments>", name, f"expected a date YYYY-MM-DD, got {value!r}")]
        ) from None


def period_start(night: dt.date, by: Period) -> dt.date:
    """First night of the period holding ``night``: the 1st of the month, the Monday of the
    (ISO) week, or the night itself."""
    if by == "month":
        return night.replace(day=1)
    if by == "week":
        return night - dt.timedelta(days=night.weekday())
    return night


def select_nights(
    rows: pd.DataFrame, start: dt.date | str | None = None, end: dt.date | str | None = None
) -> pd.DataFrame:
    """Rows whose ``night`` lies in ``[start, end]`` (both inclusive; None: no bound)."""
    first, last = _as_date(start, "start"), _as_date(end, "end")
    keep = rows["night"].notna()
    if first is not None:
        keep &= rows["night"].map(lambda d: d is not None and d >= first).astype(bool)
    if last is not None:
        keep &= rows["night"].map(lambda d: d is not None and d <= last).astype(bool)
    return rows.loc[keep]


def summarise(
    rows: pd.DataFrame,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    by: Period = "month",
) -> pd.DataFrame:
    """Weapons launched, destroyed and not reaching their target per period and class.

    ``start``/``end`` bound the nights (inclusive).  Columns (:data:`SUMMARY_COLUMNS`):
    ``period`` (``datetime.date``, first night of the period, see :func:`period_start`),
    ``class_key``, ``category``, ``rows`` (record rows), ``launched`` (all rows; an empty
    ``launched`` counts 0), ``destroyed`` and ``not_reached`` (sums over the rows that give
    them), ``launched_destroyed_known`` (launched over the rows that give ``destroyed``) and
    ``destroyed_rate`` = destroyed / launched_destroyed_known (NaN when that is 0).  Then the
    record's one measure (:mod:`skyshield.record.conventions`): ``still_attacking`` (weapons
    whose fate was unknown when reported), ``at_risk`` (launched less still attacking, over the
    rows that give ``destroyed``), ``did_not_get_through`` and ``got_through`` (over the same
    rows), ``got_through_share`` = got_through / at_risk and
    ``convention``: how the period's month counts (``separate``: destroyed and not reached
    apart; ``folded``: not reached absent or zero, destroyed alone; ``mixed`` for a week that
    spans both).  Sorted by period, then by launched, largest first.
    """
    if by not in ("month", "week", "night"):
        raise InputError(
            [Problem("<arguments>", "by", f"expected month, week or night, got {by!r}")]
        )
    chosen = select_nights(rows, start, end)
    if chosen.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in SUMMARY_COLUMNS})
    # conventions are detected on whole months of the record, not on the selected nights
    outcomes = row_outcomes(rows).loc[chosen.index]
    known = chosen["destroyed"].notna()
    work = pd.DataFrame(
        {
            "period": chosen["night"].map(lambda d: period_start(d, by)),
            "class_key": chosen["class_key"].astype(str),
            "category": chosen["category"].astype(str),
            "rows": 1,
            "launched": chosen["launched"].astype(float),
            "destroyed": chosen["destroyed"].astype(float).where(known, 0.0),
            "not_reached": chosen["not_reach_goal"].astype(float).fillna(0.0),
            "launched_destroyed_known": chosen["launched"].astype(float).where(known, 0.0),
            "still_attacking": outcomes["still_attacking"],
            "did_not_get_through": outcomes["did_not_get_through"],
            "got_through": outcomes["got_through"],
            "at_risk": outcomes["at_risk"],
            "convention": outcomes["convention"],
        }
    )
    keys = ["period", "class_key", "category"]
    sums = work.drop(columns="convention").groupby(keys, sort=False, as_index=False).sum()
    conventions = work.groupby(keys, sort=False)["convention"].agg(
        lambda c: c.iloc[0] if c.nunique() == 1 else "mixed"
    )
    out = (
        sums.merge(conventions.reset_index(), on=keys)
        .sort_values(["period", "launched", "class_key"], ascending=[True, False, True])
        .reset_index(drop=True)
    )
    out["destroyed_rate"] = _ratio(out["destroyed"], out["launched_destroyed_known"])
    out["got_through_share"] = _ratio(out["got_through"], out["at_risk"])
    return out[list(SUMMARY_COLUMNS)]


def _ratio(num: pd.Series, den: pd.Series) -> np.ndarray:
    """``num / den`` where ``den > 0``, NaN elsewhere."""
    d = den.to_numpy(dtype=float)
    return np.where(d > 0, num.to_numpy(dtype=float) / np.where(d > 0, d, 1.0), np.nan)


def monthly_by_category(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Weapons launched per month (index: first night of the month) and category (columns,
    in :data:`CATEGORY_ORDER`), and the month's destroyed rate over all classes."""
    table = summarise(rows, by="month")
    if table.empty:
        return pd.DataFrame(), pd.Series(dtype=float)
    launched = table.pivot_table(
        index="period", columns="category", values="launched", aggfunc="sum", fill_value=0.0
    )
    launched = launched[[c for c in CATEGORY_ORDER if c in launched.columns]]
    sums = table.groupby("period")[["destroyed", "launched_destroyed_known"]].sum()
    known = sums["launched_destroyed_known"]
    rate = (sums["destroyed"] / known).where(known > 0)
    return launched, rate


def plot_monthly(rows: pd.DataFrame, path: Path) -> Path:
    """Write a PNG: weapons launched per month as bars stacked by category, and the share
    destroyed (right axis, %, over rows that give ``destroyed``).  Returns ``path``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    launched, rate = monthly_by_category(rows)
    fig = Figure(figsize=(11, 5.5), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    if launched.empty:
        ax.text(0.5, 0.5, "no rows", ha="center", va="center", transform=ax.transAxes)
    else:
        months = pd.to_datetime(pd.Series(launched.index))
        bottom = np.zeros(len(launched))
        for category in launched.columns:
            heights = launched[category].to_numpy(dtype=float)
            label = category.replace("_", " ") if category else "unmapped"
            ax.bar(months, heights, width=25, bottom=bottom, align="edge", label=label)
            bottom += heights
        ax.set_ylabel("weapons launched per month")
        ax2 = ax.twinx()
        ax2.plot(
            months + pd.Timedelta(days=12),
            100.0 * rate.reindex(launched.index).to_numpy(dtype=float),
            color="black",
            marker="o",
            markersize=3,
            linewidth=1.2,
            label="destroyed (%)",
        )
        ax2.set_ylim(0, 100)
        ax2.set_ylabel("destroyed, % of launched (rows that report it)")
        handles, labels = ax.get_legend_handles_labels()
        handles2, labels2 = ax2.get_legend_handles_labels()
        ax2.legend(handles + handles2, labels + labels2, loc="upper left", fontsize=8)
    ax.set_title("Attack record: weapons launched per month by category, and share destroyed")
    ax.set_xlabel("month (by night of the report, Kyiv time)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_figure(fig, path)
    return path


__all__ = [
    "CATEGORY_ORDER",
    "SUMMARY_COLUMNS",
    "Period",
    "monthly_by_category",
    "period_start",
    "plot_monthly",
    "select_nights",
    "summarise",
]
