"""Nightly launch counts per truce class from the record's rows, and where each row's
reporting window lies against the truce's hours.

Conventions (those of the record's importer):

* A row belongs to the night of its ``night`` column: the Kyiv date 12 hours before the start
  of its reporting window (a report from 20:00 on 19 April to 09:00 on 20 April is the night
  of 19 April; a 24-hour report beginning at 09:00 on 10 April is the night of 9 April).
* A night with no row of a class counts 0 launches of it.  The record cannot tell a night
  without launches from a night without a report.
* A row's ``launched`` is one count for its whole reporting window and model; an empty
  ``launched`` was read as 0 by the importer.
* A row is counted under the first class of the window that matches it: its category, or a
  class id among those of its model.  A row naming weapons of several categories (category
  ``mixed``) matches a category if one of its classes belongs to it.
* With regions, a row counts whole when its ``target`` or ``affected region`` names one of
  them (its weapons may have gone elsewhere too); rows naming no region (many drone rows say
  only "Ukraine") are left out.  Regional counts are an indication, not a bound.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from skyshield.truce.windows import TruceWindow

#: Columns of the rows :func:`covered_rows` reads.
NEEDED_COLUMNS = (
    "night",
    "class_key",
    "category",
    "launched",
    "time_start",
    "time_end",
    "date_only",
    "target",
    "target_main",
    "target_regions",
    "affected_regions",
)


def row_class(class_key: str, category: str, classes: Sequence[str], cats: dict[str, str]) -> str:
    """The first of ``classes`` (categories or class ids) that a row of ``class_key`` (ids
    joined by "+") and ``category`` matches; "" if none does."""
    ids = [k for k in class_key.split("+") if k]
    row_cats = {cats.get(k, "") for k in ids} | {category}
    for c in classes:
        if c in ids or c in row_cats:
            return c
    return ""


def _names_region(row_regions: object, wanted: frozenset[str]) -> bool:
    """Whether a row's list of region ids (a list, or NaN when absent) names one of ``wanted``."""
    if not isinstance(row_regions, list | tuple | np.ndarray):
        return False
    return any(str(r) in wanted for r in row_regions)


def covered_rows(rows: pd.DataFrame, window: TruceWindow, cats: dict[str, str]) -> pd.DataFrame:
    """The rows of a covered class (and region, if the window names regions), with a column
    ``truce_class`` (the window's class each counts under).  ``cats``: category by class id."""
    if rows.empty:
        return rows.assign(truce_class=pd.Series(dtype="str"))
    labels = [
        row_class(str(k), str(c), window.classes, cats)
        for k, c in zip(rows["class_key"], rows["category"], strict=True)
    ]
    out = rows.assign(truce_class=labels)
    keep = (out["truce_class"] != "") & out["night"].notna()
    if window.regions:
        wanted = frozenset(window.regions)
        named = [
            _names_region(t, wanted) or _names_region(a, wanted)
            for t, a in zip(out["target_regions"], out["affected_regions"], strict=True)
        ]
        keep &= np.asarray(named, dtype=bool)
    return out.loc[keep]


def nightly_counts(
    rows: pd.DataFrame, classes: Sequence[str], first: dt.date, last: dt.date
) -> pd.DataFrame:
    """Launches per night (index: every night ``first`` .. ``last``, ``datetime.date``) and class
    (columns, in the order of ``classes``) from :func:`covered_rows`' output; 0 where no row."""
    n = (last - first).days + 1
    nights = [first + dt.timedelta(days=i) for i in range(max(n, 0))]
    if rows.empty or not nights:
        return pd.DataFrame(0.0, index=pd.Index(nights, name="night"), columns=list(classes))
    sel = rows[(rows["night"] >= first) & (rows["night"] <= last)]
    sel = sel.assign(launched=sel["launched"].astype(float))
    table = sel.pivot_table(
        index="night", columns="truce_class", values="launched", aggfunc="sum", fill_value=0.0
    )
    table = table.reindex(index=nights, columns=list(classes), fill_value=0.0).astype(float)
    table.index.name = "night"
    table.columns.name = None
    return table


def row_timing(rows: pd.DataFrame, window: TruceWindow) -> pd.Series:
    """Where each row's reporting window lies against the truce's hours: ``inside`` them,
    ``overlaps`` their start or end, or ``outside`` (entirely before the start or after the
    end).  Without stated hours every row of a window night is ``inside``.  A row that gives a
    date only (its hours unknown) is ``inside`` on a night held in full, ``overlaps`` on a
    partial night.  A row without an end time is taken as an instant at its start."""
    if window.starts is None or window.ends is None or rows.empty:
        return pd.Series("inside", index=rows.index, dtype="str")
    starts, ends = pd.Timestamp(window.starts), pd.Timestamp(window.ends)
    begin = rows["time_start"]
    end = rows["time_end"].where(rows["time_end"].notna(), begin)
    inside = (begin >= starts) & (end <= ends)
    outside = (end <= starts) | (begin >= ends)
    timing = pd.Series(
        np.where(inside, "inside", np.where(outside, "outside", "overlaps")),
        index=rows.index,
        dtype="str",
    )
    if "date_only" in rows.columns:
        full = rows["night"].map(lambda n: window.coverage(n) == "full").astype(bool)
        date_only = rows["date_only"].astype(bool)
        timing = timing.where(~date_only, np.where(full, "inside", "overlaps"))
    return timing


def launches_by_timing(rows: pd.DataFrame, window: TruceWindow) -> pd.DataFrame:
    """Launches of each window night and class split by :func:`row_timing`: a frame indexed by
    (night, class) with columns ``inside``, ``overlaps``, ``outside`` (0 where none)."""
    columns = ["inside", "overlaps", "outside"]
    index = pd.MultiIndex.from_product(
        [window.nights, list(window.classes)], names=["night", "cls"]
    )
    sel = rows[(rows["night"] >= window.first_night) & (rows["night"] <= window.last_night)]
    if sel.empty:
        return pd.DataFrame(0.0, index=index, columns=columns)
    work = pd.DataFrame(
        {
            "night": sel["night"],
            "cls": sel["truce_class"],
            "timing": row_timing(sel, window),
            "launched": sel["launched"].astype(float),
        }
    )
    table = work.pivot_table(
        index=["night", "cls"], columns="timing", values="launched", aggfunc="sum", fill_value=0.0
    )
    return table.reindex(index=index, columns=columns, fill_value=0.0).astype(float)


__all__ = [
    "NEEDED_COLUMNS",
    "covered_rows",
    "launches_by_timing",
    "nightly_counts",
    "row_class",
    "row_timing",
]
