"""The record's counting conventions and the one measure every comparison uses.

The Air Force's reports count the weapons that did not get through in two ways over time:

* **separate**: ``destroyed`` (shot down) and ``not_reach_goal`` (lost locally: electronic
  warfare, decoys that end their flight, drones whose position was lost) are reported apart;
* **folded**: ``not_reach_goal`` is not reported (empty) or is zero for a whole period, and
  the weapons it would hold are counted in ``destroyed``.

The rule, per month of nights (:func:`month_conventions`): a month in which any row gives a
``not_reach_goal`` above zero uses *separate*; a month in which no row does uses *folded*.  (In
the shipped snapshot, months before 2024-07 are folded and months from 2024-07 on are
separate; a newer file that stops reporting ``not_reach_goal`` is detected the same way.)

The measure (:func:`row_outcomes`), for each row whose ``destroyed`` is given:

* at risk = ``launched`` - ``still_attacking`` (weapons whose fate was not yet known when the
  report was written are left out of the denominator);
* did not get through = ``destroyed`` + ``not_reach_goal`` in a *separate* month, ``destroyed``
  alone in a *folded* month (there ``not_reach_goal`` is empty or zero anyway);
* got through = at risk - did not get through (never below 0: a row reporting more stopped
  than at risk counts 0 got through and is flagged ``inconsistent``).

A row whose ``destroyed`` is empty has no known fate: it is out of both numerator and
denominator (``fate_known`` False).  Counts are weapons; shares are fractions 0..1.

The comparisons group threat classes into three **groups** (:data:`GROUPS`): drones (one-way
attack drones, decoys, jet drones), cruise missiles, and ballistic and aeroballistic missiles.
Reconnaissance drones and "other" weapons (glide bombs, unknown missiles) are in no group; a
combined record class whose parts fall in different groups ("kh-101+kalibr+iskander-m") is in
none either, as the record does not split its count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from skyshield.catalog import Catalog, load_catalog

#: The two ways the record counts weapons that did not get through.
Convention = Literal["separate", "folded"]

#: Groups of threat categories the comparisons use, in display order.
GROUPS: dict[str, tuple[str, ...]] = {
    "drones": ("drone", "decoy", "jet_drone"),
    "cruise": ("cruise",),
    "ballistic": ("ballistic", "aeroballistic"),
}

#: Columns :func:`row_outcomes` adds to the record's rows.
OUTCOME_COLUMNS = (
    "month",
    "convention",
    "group",
    "fate_known",
    "at_risk",
    "did_not_get_through",
    "not_reached",
    "got_through",
    "inconsistent",
)

#: Columns of :func:`got_through_table`.
GOT_THROUGH_COLUMNS = (
    "period",
    "key",
    "convention",
    "nights",
    "launched",
    "still_attacking",
    "at_risk",
    "did_not_get_through",
    "not_reached",
    "got_through",
    "share",
)


def _month(night: object) -> dt.date | None:
    return night.replace(day=1) if isinstance(night, dt.date) else None


def month_conventions(rows: pd.DataFrame) -> pd.DataFrame:
    """The convention of each month of nights (the rule in the module docstring).

    Columns: ``month`` (first night of the month, ``datetime.date``), ``convention``
    (``separate`` or ``folded``), ``rows``, ``rows_not_reached`` (rows with
    ``not_reach_goal`` > 0).  Sorted by month.
    """
    work = pd.DataFrame(
        {
            "month": rows["night"].map(_month),
            "reported": rows["not_reach_goal"].astype(float).fillna(0.0) > 0,
        }
    ).dropna(subset=["month"])
    if work.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="object") for c in ("month", "convention", "rows")}
            | {"rows_not_reached": pd.Series(dtype="int64")}
        )
    out = work.groupby("month", sort=True).agg(
        rows=("reported", "size"), rows_not_reached=("reported", "sum")
    )
    out["convention"] = np.where(out["rows_not_reached"] > 0, "separate", "folded")
    out = out.reset_index()
    out["rows_not_reached"] = out["rows_not_reached"].astype("int64")
    return out[["month", "convention", "rows", "rows_not_reached"]]


def class_group(class_key: str, catalog: Catalog) -> str:
    """The group (:data:`GROUPS`) of a record class key ("kh-101+kalibr" is cruise); "" if
    it is unmapped, in no group, or its parts fall in different groups."""
    if not class_key:
        return ""
    found = set()
    for part in class_key.split("+"):
        threat = catalog.threats.get(part)
        if threat is None:
            return ""
        found.add(next((g for g, cats in GROUPS.items() if threat.category in cats), ""))
    return found.pop() if len(found) == 1 else ""


def row_outcomes(rows: pd.DataFrame, catalog: Catalog | None = None) -> pd.DataFrame:
    """The record's rows with the measure's columns (:data:`OUTCOME_COLUMNS`) added.

    ``month`` (first night of the row's month), ``convention`` (of that month),
    ``group`` (:func:`class_group`), ``fate_known`` (``destroyed`` is given), ``at_risk``,
    ``did_not_get_through``, ``not_reached`` (its part reported as not reaching the target;
    0 in a folded month), ``got_through`` (weapons; 0 where the fate is unknown) and
    ``inconsistent`` (the row reports more weapons stopped than at risk).  ``still_attacking``
    comes back with empty values as 0 (a frame without the column, from an older store, gets
    it as 0).
    """
    catalog = catalog if catalog is not None else load_catalog()
    out = rows.copy()
    out["month"] = out["night"].map(_month)
    conv = month_conventions(rows).set_index("month")["convention"]
    out["convention"] = out["month"].map(conv).fillna("folded").astype(str)
    groups = {k: class_group(k, catalog) for k in set(out["class_key"].astype(str))}
    out["group"] = out["class_key"].astype(str).map(groups)
    destroyed = out["destroyed"].astype(float)
    known = destroyed.notna().to_numpy()
    still = out.get("still_attacking", pd.Series(0.0, index=out.index)).astype(float).fillna(0.0)
    out["still_attacking"] = still
    not_reached = out["not_reach_goal"].astype(float).fillna(0.0)
    separate = (out["convention"] == "separate").to_numpy()
    at_risk = np.maximum(out["launched"].to_numpy(dtype=float) - still.to_numpy(), 0.0)
    stopped = destroyed.fillna(0.0).to_numpy() + np.where(separate, not_reached.to_numpy(), 0.0)
    out["fate_known"] = known
    out["at_risk"] = np.where(known, at_risk, 0.0)
    out["did_not_get_through"] = np.where(known, np.minimum(stopped, at_risk), 0.0)
    out["not_reached"] = np.where(known & separate, np.minimum(not_reached, at_risk), 0.0)
    out["got_through"] = np.where(known, np.maximum(at_risk - stopped, 0.0), 0.0)
    out["inconsistent"] = known & (stopped > at_risk)
    return out


def got_through_table(
    outcomes: pd.DataFrame,
    by: Literal["month", "night"] = "month",
    key: Literal["group", "class_key"] = "group",
    keys: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Sums of the measure per period (``month`` or ``night``) and ``key`` (group or class).

    ``outcomes`` is :func:`row_outcomes`' result; ``keys`` keeps only those groups or classes
    (default: every non-empty one).  Columns :data:`GOT_THROUGH_COLUMNS`: ``period``,
    ``key``, ``convention`` (of the period's month), ``nights`` (nights with rows),
    ``launched``, ``still_attacking``, ``at_risk``, ``did_not_get_through``, ``not_reached``
    (its part reported apart; meaningful only where ``convention`` is separate),
    ``got_through`` (weapons) and ``share`` = got_through / at_risk (NaN when nothing is at
    risk).  A week or night takes the convention of its month.
    """
    work = outcomes[outcomes[key].astype(str) != ""]
    if keys is not None:
        work = work[work[key].isin(list(keys))]
    frame = pd.DataFrame(
        {
            "period": work["month"] if by == "month" else work["night"],
            "key": work[key].astype(str),
            "convention": work["convention"],
            "night": work["night"],
            "launched": work["launched"].astype(float),
            "still_attacking": work["still_attacking"],
            "at_risk": work["at_risk"],
            "did_not_get_through": work["did_not_get_through"],
            "not_reached": work["not_reached"],
            "got_through": work["got_through"],
        }
    )
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in GOT_THROUGH_COLUMNS})
    out = frame.groupby(["period", "key"], sort=True, as_index=False).agg(
        convention=("convention", "first"),
        nights=("night", "nunique"),
        launched=("launched", "sum"),
        still_attacking=("still_attacking", "sum"),
        at_risk=("at_risk", "sum"),
        did_not_get_through=("did_not_get_through", "sum"),
        not_reached=("not_reached", "sum"),
        got_through=("got_through", "sum"),
    )
    risk = out["at_risk"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(risk > 0, out["got_through"].to_numpy(dtype=float) / risk, np.nan)
    return out[list(GOT_THROUGH_COLUMNS)]


__all__ = [
    "GOT_THROUGH_COLUMNS",
    "GROUPS",
    "OUTCOME_COLUMNS",
    "Convention",
    "class_group",
    "got_through_table",
    "month_conventions",
    "row_outcomes",
]
