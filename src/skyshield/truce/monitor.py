"""The truce monitor: fit the launches of each covered class on the weeks before a truce,
predict its nights, compare with what the record shows, and find the nights that break it.

:func:`run_monitor` is the library call behind ``skyshield truce``.  Counts are numbers of
weapons launched per night (see :mod:`skyshield.truce.counts` for the record's conventions);
totals, ratios and p-values are over the nights the truce holds in full; nights it holds in
part are reported night by night with their reports split by time (inside the truce's hours,
overlapping its start or end, outside them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from skyshield.catalog import Catalog, load_catalog
from skyshield.errors import InputError, Problem
from skyshield.record import Regions, load_regions
from skyshield.truce.compare import Comparison, compare, interval
from skyshield.truce.counts import (
    NEEDED_COLUMNS,
    covered_rows,
    launches_by_timing,
    nightly_counts,
)
from skyshield.truce.model import MIN_FIT_NIGHTS, CountFit, Draws, fit_counts, fitted_mean, simulate
from skyshield.truce.windows import TruceWindow, check_window, class_categories

#: Default weeks of nights before the truce that the model is fitted on.
DEFAULT_FIT_WEEKS = 8
#: Default number of draws of the prediction.
DEFAULT_DRAWS = 4000
#: Default level of the intervals.
DEFAULT_LEVEL = 0.90
#: Default break threshold: a night breaks a truce on launches when more than this many
#: weapons of the covered classes were launched in reports inside the truce's hours.  0: any
#: launch.  The built-in windows cover long-range strike weapons only (no front-line drones
#: or reconnaissance UAVs), whose launch a truce in the air forbids outright, and the record
#: counts them one by one from the Air Force's reports, with no noise floor to allow for.
DEFAULT_THRESHOLD = 0.0

#: Name of the row of all covered classes together in the tables.
TOTAL = "total"

#: Columns of :attr:`TruceResult.nights`.
NIGHT_COLUMNS = (
    "period",
    "night",
    "coverage",
    "class",
    "observed",
    "inside_hours",
    "overlapping",
    "outside_hours",
    "expected",
    "low",
    "high",
    "status",
)


@dataclass(frozen=True)
class ClassOutcome:
    """One covered class: its fit and its comparison over the nights held in full."""

    name: str
    fit: CountFit
    comparison: Comparison


@dataclass(frozen=True)
class TargetEvidence:
    """What the record's text (``target``, ``target_main``) says of the covered targets on
    the fit nights and the truce's nights: launches and nights of rows naming them."""

    words: tuple[str, ...]
    fit_nights: int
    fit_nights_named: int
    fit_launches_named: float
    window_nights: int
    window_nights_named: tuple[dt.date, ...]
    window_launches_named: float


@dataclass(frozen=True)
class TruceResult:
    """The monitor's findings for one window (see :func:`run_monitor`).

    ``nights`` has one row per night and class (and :data:`TOTAL`) over the fit nights
    (``period`` "fit": ``expected`` is the fitted mean, no interval) and the truce's nights
    (``period`` "truce": ``expected`` the predicted mean, ``low``/``high`` the prediction
    interval, launches split by report timing, ``status`` held / broken / possibly broken, or
    for a truce on targets: targets named / not known).  Counts are weapons per night.
    """

    window: TruceWindow
    record_first: dt.date
    record_last: dt.date
    fit_weeks: int
    fit_first: dt.date
    fit_last: dt.date
    fit_left_out: Mapping[dt.date, str]
    level: float
    draws: int
    threshold: float
    classes: tuple[ClassOutcome, ...]
    total: Comparison
    nights: pd.DataFrame
    targets: TargetEvidence | None

    @property
    def held_nights(self) -> list[dt.date]:
        """The nights the truce holds in full."""
        return self.window.held_nights

    @property
    def breaks(self) -> pd.DataFrame:
        """The truce's nights (rows of all classes together) that broke it or may have."""
        t = self.nights
        sel = (t["period"] == "truce") & (t["class"] == TOTAL)
        sel &= t["status"].isin(["broken", "possibly broken", "targets named"])
        return t.loc[sel].reset_index(drop=True)


def record_span(rows: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """First and last night of the record's rows; InputError if it has none."""
    nights = rows["night"].dropna() if "night" in rows.columns else pd.Series(dtype=object)
    if nights.empty:
        raise InputError([Problem("<record>", "night", "the record has no rows with a night")])
    return min(nights), max(nights)


def _check_rows(rows: pd.DataFrame) -> None:
    missing = [c for c in NEEDED_COLUMNS if c not in rows.columns]
    if missing:
        raise InputError(
            [Problem("<record>", c, "column missing from the record's rows") for c in missing]
        )


def _check_span(
    window: TruceWindow, first: dt.date, last: dt.date, fit_weeks: int, origin: str
) -> tuple[dt.date, dt.date]:
    """The fit nights (first, last); InputError if the window or its fit leaves the record."""
    record = f"the record covers the nights from {first} to {last}"
    if window.first_night < first or window.last_night > last:
        raise InputError(
            [
                Problem(
                    origin,
                    "from/to",
                    f"the window (nights {window.first_night} to"
                    f" {window.last_night}) is outside the record's dates: {record}",
                )
            ]
        )
    if fit_weeks * 7 < MIN_FIT_NIGHTS:
        raise InputError(
            [
                Problem(
                    origin,
                    "fit_weeks",
                    f"too few nights to fit: {fit_weeks} week(s);"
                    f" at least {-(-MIN_FIT_NIGHTS // 7)} weeks needed",
                )
            ]
        )
    fit_first = window.first_night - dt.timedelta(weeks=fit_weeks)
    fit_last = window.first_night - dt.timedelta(days=1)
    if fit_first < first:
        room = (window.first_night - first).days // 7
        hint = (
            f"fit on {room} weeks or fewer"
            if room * 7 >= MIN_FIT_NIGHTS
            else "choose a later window"
        )
        raise InputError(
            [
                Problem(
                    origin,
                    "fit_weeks",
                    f"too few nights to fit: {fit_weeks} weeks before"
                    f" {window.first_night} start on {fit_first}, but {record}; {hint}",
                )
            ]
        )
    return fit_first, fit_last


def _target_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE)


def names_target(rows: pd.DataFrame, words: tuple[str, ...]) -> pd.Series:
    """Whether each row's ``target`` or ``target_main`` names a covered target: one of
    ``words`` at the start of a word, in any case."""
    pattern = _target_pattern(words)
    text = rows["target"].astype(str) + " | " + rows["target_main"].astype(str)
    return text.map(lambda s: pattern.search(s) is not None).astype(bool)


def _target_evidence(
    covered: pd.DataFrame, window: TruceWindow, fit_nights: list[dt.date]
) -> tuple[TargetEvidence, pd.Series]:
    """Target evidence, and the launches of rows naming covered targets per window night."""
    named = covered.loc[names_target(covered, window.target_words)]
    fit_named = named[named["night"].isin(fit_nights)]
    win_named = named[named["night"].isin(window.nights)]
    per_night = win_named.groupby("night")["launched"].sum()
    evidence = TargetEvidence(
        words=window.target_words,
        fit_nights=len(fit_nights),
        fit_nights_named=int(fit_named["night"].nunique()),
        fit_launches_named=float(fit_named["launched"].sum()),
        window_nights=len(window.nights),
        window_nights_named=tuple(sorted(per_night.index)),
        window_launches_named=float(per_night.sum()),
    )
    return evidence, per_night.reindex(window.nights, fill_value=0.0)


def _status(inside: float, overlapping: float, threshold: float) -> str:
    if inside > threshold:
        return "broken"
    if inside + overlapping > threshold:
        return "possibly broken"
    return "held"


def _fit_table(
    counts: pd.DataFrame, fits: dict[str, CountFit], fit_nights: list[dt.date]
) -> pd.DataFrame:
    """Rows of the ``nights`` table for the fit period."""
    parts = []
    expected_total = np.zeros(len(fit_nights))
    for name, fit in fits.items():
        mean = fitted_mean(fit, fit_nights)
        expected_total += mean
        parts.append(
            pd.DataFrame(
                {
                    "night": fit_nights,
                    "class": name,
                    "observed": counts.loc[fit_nights, name].to_numpy(),
                    "expected": mean,
                }
            )
        )
    parts.append(
        pd.DataFrame(
            {
                "night": fit_nights,
                "class": TOTAL,
                "observed": counts.loc[fit_nights].sum(axis=1).to_numpy(),
                "expected": expected_total,
            }
        )
    )
    out = pd.concat(parts, ignore_index=True)
    return out.assign(period="fit", coverage="", status="")


def _truce_table(
    window: TruceWindow,
    counts: pd.DataFrame,
    timing: pd.DataFrame,
    draws: dict[str, Draws],
    fits: dict[str, CountFit],
    level: float,
    threshold: float,
    named_per_night: pd.Series | None,
) -> pd.DataFrame:
    """Rows of the ``nights`` table for the truce's nights."""
    nights = window.nights
    coverage = [window.coverage(n) for n in nights]
    parts = []
    for name in [*draws, TOTAL]:
        if name == TOTAL:
            y = np.sum([d.y for d in draws.values()], axis=0)
            mean = np.sum([fitted_mean(f, nights) for f in fits.values()], axis=0)
            split = timing.groupby(level="night").sum().reindex(nights)
            observed = counts.loc[nights].sum(axis=1).to_numpy()
        else:
            y, mean = draws[name].y, fitted_mean(fits[name], nights)
            split = timing.xs(name, level="cls").reindex(nights)
            observed = counts.loc[nights, name].to_numpy()
        lo, hi = interval(y, level, axis=0)
        part = pd.DataFrame(
            {
                "night": nights,
                "coverage": coverage,
                "class": name,
                "observed": observed,
                "inside_hours": split["inside"].to_numpy(),
                "overlapping": split["overlaps"].to_numpy(),
                "outside_hours": split["outside"].to_numpy(),
                "expected": mean,
                "low": lo,
                "high": hi,
            }
        )
        if named_per_night is None:
            part["status"] = [
                _status(i, o, threshold)
                for i, o in zip(part["inside_hours"], part["overlapping"], strict=True)
            ]
        elif name == TOTAL:
            part["status"] = [
                "targets named" if v > threshold else "not known" for v in named_per_night
            ]
        else:
            part["status"] = ""
        parts.append(part)
    return pd.concat(parts, ignore_index=True).assign(period="truce")


def run_monitor(
    rows: pd.DataFrame,
    window: TruceWindow,
    rng: np.random.Generator,
    *,
    fit_weeks: int = DEFAULT_FIT_WEEKS,
    draws: int = DEFAULT_DRAWS,
    level: float = DEFAULT_LEVEL,
    threshold: float = DEFAULT_THRESHOLD,
    leave_out: Mapping[dt.date, str] | None = None,
    origin: str = "<window>",
    catalog: Catalog | None = None,
    regions: Regions | None = None,
) -> TruceResult:
    """Monitor ``window`` on the record's ``rows`` (as :func:`skyshield.record.read_record`
    gives them).

    Each covered class is fitted (:func:`skyshield.truce.model.fit_counts`) on the
    ``fit_weeks`` weeks of nights before the window, less the nights in ``leave_out`` (nights
    of other truces, mapped to their names), and ``draws`` predictions of the window's nights
    are simulated with ``rng`` (classes in the window's order).  ``level`` is the level of every
    interval; ``threshold`` the launches a night may see before it breaks a truce on launches
    (or, on a truce on targets, the launches of rows naming its targets).  ``origin`` names the
    window in error messages.  InputError: a class or region unknown, the window or its fit
    nights outside the record, too few fit nights, no night held in full.
    """
    catalog = catalog if catalog is not None else load_catalog()
    regions = regions if regions is not None else load_regions()
    if draws < 100:
        raise InputError([Problem(origin, "draws", f"expected at least 100 draws, got {draws}")])
    if not 0.5 <= level < 1.0:
        raise InputError([Problem(origin, "level", f"expected a level in [0.5, 1), got {level}")])
    if threshold < 0:
        raise InputError([Problem(origin, "threshold", f"expected >= 0, got {threshold}")])
    window = check_window(window, catalog, regions, origin)
    _check_rows(rows)
    first, last = record_span(rows)
    fit_first, fit_last = _check_span(window, first, last, fit_weeks, origin)
    held = window.held_nights
    if not held:
        raise InputError(
            [
                Problem(
                    origin,
                    "starts/ends",
                    f"the truce's hours ({window.hours_text()}) hold no"
                    " night in full (18:00 to 09:00 Kyiv time); the monitor compares whole nights",
                )
            ]
        )
    left_out = {n: name for n, name in (leave_out or {}).items() if fit_first <= n <= fit_last}
    covered = covered_rows(rows, window, class_categories(catalog))
    counts = nightly_counts(covered, window.classes, fit_first, window.last_night)
    fit_nights = [
        fit_first + dt.timedelta(days=i)
        for i in range((fit_last - fit_first).days + 1)
        if fit_first + dt.timedelta(days=i) not in left_out
    ]
    if len(fit_nights) < MIN_FIT_NIGHTS:
        raise InputError(
            [
                Problem(
                    origin,
                    "fit_weeks",
                    f"too few nights to fit: {len(fit_nights)} once the"
                    f" nights of other truces are left out; at least {MIN_FIT_NIGHTS} needed",
                )
            ]
        )

    fits: dict[str, CountFit] = {}
    predictions: dict[str, Draws] = {}
    for name in window.classes:
        fits[name] = fit_counts(fit_nights, counts.loc[fit_nights, name], window.first_night)
        predictions[name] = simulate(fits[name], window.nights, rng, draws)

    held_idx = [window.nights.index(n) for n in held]

    def held_part(d: Draws) -> Draws:
        return Draws(mu=d.mu[:, held_idx], alpha=d.alpha, y=d.y[:, held_idx])

    held_y = {name: counts.loc[held, name].to_numpy(dtype=float) for name in window.classes}
    means = {name: fitted_mean(fits[name], held) for name in window.classes}
    outcomes = tuple(
        ClassOutcome(
            name,
            fits[name],
            compare(
                [held_y[name]],
                [held_part(predictions[name])],
                [means[name]],
                level,
                with_ratio=fits[name].launched > 0,
            ),
        )
        for name in window.classes
    )
    total = compare(
        list(held_y.values()),
        [held_part(d) for d in predictions.values()],
        list(means.values()),
        level,
        with_ratio=any(f.launched > 0 for f in fits.values()),
    )
    evidence: TargetEvidence | None = None
    named_per_night: pd.Series | None = None
    if window.kind == "targets":
        evidence, named_per_night = _target_evidence(covered, window, fit_nights)
    timing = launches_by_timing(covered, window)
    table = pd.concat(
        [
            _fit_table(counts, fits, fit_nights),
            _truce_table(
                window, counts, timing, predictions, fits, level, threshold, named_per_night
            ),
        ],
        ignore_index=True,
    )
    return TruceResult(
        window=window,
        record_first=first,
        record_last=last,
        fit_weeks=fit_weeks,
        fit_first=fit_first,
        fit_last=fit_last,
        fit_left_out=left_out,
        level=level,
        draws=draws,
        threshold=threshold,
        classes=outcomes,
        total=total,
        nights=table[list(NIGHT_COLUMNS)],
        targets=evidence,
    )


__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_FIT_WEEKS",
    "DEFAULT_LEVEL",
    "DEFAULT_THRESHOLD",
    "NIGHT_COLUMNS",
    "TOTAL",
    "ClassOutcome",
    "TargetEvidence",
    "TruceResult",
    "names_target",
    "record_span",
    "run_monitor",
]
