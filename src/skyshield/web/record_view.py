"""The attack record as the page's explorer shows it: summaries by period and class, and the
largest nights, from :func:`skyshield.record.summarise`.

The explorer does not know the summary's measures in advance: every numeric column of the
summary (``launched``, ``destroyed``, ``not_reached`` and whatever else it gives) is sent and
charted, with its kind: ``key`` (period, class, category), ``rate`` (a share, name ending in
``_rate``: not added up) or ``count`` (added up over classes and nights).

The record is the one the server's store uses (as for the command line: the import in use, else
the shipped snapshot).  Reading it takes seconds, so it is kept, and the store is asked which
import is in use at most every :data:`RECORD_CHECK_S`; summaries are kept by their question.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from skyshield.record import summarise
from skyshield.runs import Store
from skyshield.runs.records import RecordChoice, record_in_store, snapshot_record
from skyshield.web.runs_view import plain

#: Seconds between two questions to the store about which record is in use.
RECORD_CHECK_S = 10.0

#: Summaries kept (by their question).
SUMMARIES_KEPT = 64

#: Columns of the summary that name a row rather than count.
KEY_COLUMNS = ("period", "class_key", "category")

#: Classes named in a largest night's line.
CLASSES_NAMED = 4


@dataclass(frozen=True)
class Question:
    """A question to the explorer: nights ``start``..``end`` (None: unbounded), by period, only
    the given classes and categories (empty: all)."""

    start: dt.date | None = None
    end: dt.date | None = None
    by: str = "month"
    classes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


def column_kind(name: str, series: pd.Series) -> str:
    """``key``, ``rate`` or ``count`` (see the module docstring); other columns ``text``."""
    if name in KEY_COLUMNS:
        return "key"
    if not pd.api.types.is_numeric_dtype(series):
        return "text"
    return "rate" if name.endswith("_rate") else "count"


def _chosen_rows(rows: pd.DataFrame, q: Question) -> pd.DataFrame:
    keep = np.ones(len(rows), dtype=bool)
    if q.classes:
        keep &= rows["class_key"].astype(str).isin(q.classes).to_numpy()
    if q.categories:
        keep &= rows["category"].astype(str).isin(q.categories).to_numpy()
    return rows.loc[keep]


def _columns(table: pd.DataFrame) -> list[dict[str, str]]:
    return [{"name": str(c), "kind": column_kind(str(c), table[c])} for c in table.columns]


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else plain(v)


def summary(rows: pd.DataFrame, q: Question) -> dict[str, Any]:
    """The summary table for ``q`` as columns (``columns`` with their kinds, ``data`` by
    column); periods as ISO dates."""
    table = summarise(_chosen_rows(rows, q), q.start, q.end, by=q.by)  # type: ignore[arg-type]
    return {
        "by": q.by,
        "columns": _columns(table),
        "data": {str(c): [_iso(v) for v in table[c]] for c in table.columns},
    }


def largest_nights(rows: pd.DataFrame, q: Question, top: int) -> dict[str, Any]:
    """The ``top`` nights with the most weapons launched (of the chosen classes): each count
    column added up over the classes, and the largest classes named."""
    table = summarise(_chosen_rows(rows, q), q.start, q.end, by="night")
    counts = [c for c in table.columns if column_kind(str(c), table[c]) == "count"]
    if table.empty:
        return {"columns": [{"name": "night", "kind": "key"}], "rows": []}
    nights = table.groupby("period", sort=False)[counts].sum()
    nights = nights.sort_values("launched", ascending=False, kind="stable").head(top)
    out = []
    for night, sums in nights.iterrows():
        mine = table[table["period"] == night].sort_values("launched", ascending=False)
        parts = [
            f"{c} {int(n)}"
            for c, n in zip(mine["class_key"], mine["launched"], strict=True)
            if n > 0
        ]
        line = ", ".join(parts[:CLASSES_NAMED]) + (", …" if len(parts) > CLASSES_NAMED else "")
        out.append(
            {"night": _iso(night), **{str(k): plain(v) for k, v in sums.items()}, "classes": line}
        )
    columns = [{"name": "night", "kind": "key"}]
    columns += [{"name": str(c), "kind": "count"} for c in counts]
    return {"columns": [*columns, {"name": "classes", "kind": "text"}], "rows": out}


def record_info(choice: RecordChoice) -> dict[str, Any]:
    """What the record holds: where it comes from, its nights, classes and categories."""
    rows = choice.rows
    nights = rows["night"].dropna()
    by_class = (
        rows.assign(class_key=rows["class_key"].astype(str), category=rows["category"].astype(str))
        .groupby(["class_key", "category"], as_index=False)["launched"]
        .sum()
        .sort_values("launched", ascending=False)
    )
    return {
        "description": choice.description,
        "sha256": choice.sha256,
        "rows": len(rows),
        "nights": int(nights.nunique()),
        "first": _iso(nights.min()) if len(nights) else None,
        "last": _iso(nights.max()) if len(nights) else None,
        "classes": [
            {"class_key": c, "category": k, "launched": plain(n)}
            for c, k, n in by_class.itertuples(index=False)
        ],
        "categories": sorted(set(rows["category"].astype(str))),
    }


class RecordCache:
    """The record of the store that ``store()`` gives (None: no store yet), thread-safe."""

    def __init__(self, store: Callable[[], Store | None]) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._checked = -np.inf
        self._key = ""
        self._choice: RecordChoice | None = None
        self._answers: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def _current_key(self) -> str:
        store = self.store()
        sha = None if store is None else store.record_in_use()
        return "snapshot" if sha is None else sha

    def choice(self) -> RecordChoice:
        """The record in use now (read again only when the store uses another import)."""
        with self._lock:
            now = time.monotonic()
            if self._choice is None or now - self._checked > RECORD_CHECK_S:
                key = self._current_key()
                self._checked = now
                if key != self._key or self._choice is None:
                    store = self.store()
                    found = None
                    if key != "snapshot" and store is not None:
                        found = record_in_store(store)
                    self._choice = found if found is not None else snapshot_record()
                    self._key = key
                    self._answers.clear()
            return self._choice

    def answer(self, what: str, q: Question | None, extra: Sequence[Any] = ()) -> Any:
        """``record_info`` (``what="info"``), ``summary`` or ``nights`` for ``q``, kept."""
        choice = self.choice()
        key = (choice.sha256, what, q, *extra)
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        if what == "info":
            value = record_info(choice)
        elif what == "summary":
            assert q is not None
            value = summary(choice.rows, q)
        else:
            assert q is not None
            value = largest_nights(choice.rows, q, int(extra[0]))
        with self._lock:
            self._answers[key] = value
            while len(self._answers) > SUMMARIES_KEPT:
                self._answers.popitem(last=False)
        return value

    def has_night(self, night: dt.date) -> bool:
        """True if the record has rows of ``night``."""
        rows = self.choice().rows
        return bool((rows["night"] == night).any())
