"""Synthetic nights from a model fitted to the record.

For each class of the record (combined classes such as ``kh-101+kalibr`` kept as they are),
over the nights of a fitting window:

* **occurrence**: the fraction ``p`` of nights on which the class was launched at all;
* **size** on a night it is launched: log-normal, ``log n = a + b (d - d_mean) + sigma z``, with
  ``d`` the night's index in the window: ``b`` is the trend (per night, on the log scale) fitted
  by least squares and ``sigma`` the spread of the residuals;
* **level** ``a``: calibrated so that the *median* total over a simulated window equals the
  record's total over the fitting window (bisection over 400 simulated windows drawn from a fixed
  internal seed).  A least-squares level would give the geometric mean and undercount a
  heavy-tailed class; a mean-matched level still leaves the typical (median) window 10-25 %
  short for classes launched on a few nights a window, because such totals are skewed;
* **launch areas**: the record's mix, weighted by weapons (a row naming several areas counts
  each equally);
* **timing**: the empirical pairs (window start after noon, window length) of the class's
  reports; launches are spread over the first half of the window, as in replays.

Fewer than three attack nights leave the trend at 0 and, with one, the spread at 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from skyshield.errors import InputError, Problem
from skyshield.raids.replay import LAUNCH_FRACTION
from skyshield.raids.spec import Night, ThreatGroup

KYIV = ZoneInfo("Europe/Kyiv")

#: Hour (Kyiv time) at which a generated night starts.
NIGHT_START_HOUR = 18


@dataclass(frozen=True)
class ClassModel:
    """The fitted model of one class (see the module docstring); sizes are weapons a night."""

    class_key: str
    p: float
    a: float
    b: float
    sigma: float
    record_total: int
    record_nights: int
    areas: tuple[str, ...]
    area_weights: tuple[float, ...]
    timing: tuple[tuple[float, float], ...]

    def mean_size(self, d_centred: np.ndarray) -> np.ndarray:
        """Model mean size on nights ``d - d_mean``."""
        return np.asarray(np.exp(self.a + self.b * d_centred + 0.5 * self.sigma**2))


@dataclass(frozen=True)
class RaidModel:
    """Class models fitted on the nights ``first``..``last`` (inclusive)."""

    first: date
    last: date
    classes: tuple[ClassModel, ...]

    @property
    def nights(self) -> int:
        """Nights in the fitting window."""
        return (self.last - self.first).days + 1


def parse_window(like: str) -> tuple[date, date]:
    """``YYYY-MM`` (a month) or ``YYYY-MM-DD:YYYY-MM-DD`` to first and last night."""
    try:
        if ":" in like:
            a, b = like.split(":", 1)
            first, last = date.fromisoformat(a), date.fromisoformat(b)
        else:
            first = datetime.strptime(like, "%Y-%m").replace(tzinfo=UTC).date()
            nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
            last = nxt - timedelta(days=1)
    except ValueError:
        raise InputError(
            [Problem("like", "", f"expected YYYY-MM or YYYY-MM-DD:YYYY-MM-DD, got {like!r}")]
        ) from None
    if last < first:
        raise InputError([Problem("like", "", "the window ends before it starts")])
    return first, last


def _nightly(rows: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    sel = rows[(rows["night"] >= first) & (rows["night"] <= last) & (rows["class_key"] != "")]
    return sel.groupby(["class_key", "night"])["launched"].sum().reset_index()


#: Seed and number of the simulated windows used to calibrate the level (internal, fixed).
_CALIBRATION_SEED = 20250601
_CALIBRATION_WINDOWS = 400


def _median_shift(
    p: float, a: float, b: float, sigma: float, n_nights: int, target: float
) -> float:
    """Shift of the log level that makes the median window total equal ``target`` (bisection)."""
    rng = np.random.default_rng(_CALIBRATION_SEED)
    dc = np.arange(n_nights) - (n_nights - 1) / 2.0
    attack = rng.random((_CALIBRATION_WINDOWS, n_nights)) < p
    z = rng.standard_normal((_CALIBRATION_WINDOWS, n_nights))

    def median_total(shift: float) -> float:
        size = np.maximum(1, np.rint(np.exp(a + shift + b * dc + sigma * z)))
        return float(np.median(np.where(attack, size, 0).sum(axis=1)))

    lo, hi = -3.0, 3.0
    if median_total(hi) < target or median_total(lo) > target:
        return 0.0  # the median cannot reach the record's total (too few attack nights)
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if median_total(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def fit(rows: pd.DataFrame, first: date, last: date) -> RaidModel:
    """Fit the model of the module docstring on the nights ``first``..``last``."""
    per_night = _nightly(rows, first, last)
    per_night = per_night[per_night["launched"] > 0]
    if per_night.empty:
        raise InputError([Problem("like", "", f"no launches in the record from {first} to {last}")])
    n_nights = (last - first).days + 1
    window = rows[(rows["night"] >= first) & (rows["night"] <= last) & (rows["launched"] > 0)]
    models = []
    for key, grp in per_night.groupby("class_key", sort=True):
        sizes = grp["launched"].to_numpy(dtype=float)
        d = np.array([(n - first).days for n in grp["night"]], dtype=float)
        logs = np.log(sizes)
        dc = d - (n_nights - 1) / 2.0
        if len(sizes) >= 3 and np.ptp(dc) > 0:
            b, _ = np.polyfit(dc, logs, 1)
            resid = logs - (b * dc + (logs - b * dc).mean())
            sigma = float(resid.std(ddof=1))
        else:
            b = 0.0
            sigma = float(logs.std(ddof=1)) if len(sizes) >= 2 else 0.0
        a = float(np.log(sizes.mean()) - 0.5 * sigma**2 - np.log(np.mean(np.exp(b * dc))))
        a += _median_shift(len(sizes) / n_nights, a, float(b), sigma, n_nights, float(sizes.sum()))
        crow = window[window["class_key"] == key]
        mix: dict[str, float] = {}
        for areas, n in zip(crow["launch_areas"], crow["launched"], strict=True):
            for area in areas or ["direction-east"]:
                mix[area] = mix.get(area, 0.0) + float(n) / max(len(areas), 1)
        total = sum(mix.values())
        noon = crow["night"].map(lambda n: datetime(n.year, n.month, n.day, 12, tzinfo=KYIV))
        offs = (crow["time_start"] - noon).dt.total_seconds() / 3600.0
        lens = (crow["time_end"] - crow["time_start"]).dt.total_seconds() / 3600.0
        models.append(
            ClassModel(
                class_key=str(key),
                p=len(sizes) / n_nights,
                a=a,
                b=float(b),
                sigma=sigma,
                record_total=int(sizes.sum()),
                record_nights=len(sizes),
                areas=tuple(mix),
                area_weights=tuple(v / total for v in mix.values()),
                timing=tuple(zip(offs.tolist(), lens.clip(lower=1.0).tolist(), strict=True)),
            )
        )
    return RaidModel(first, last, tuple(models))


def sample_counts(model: RaidModel, n_nights: int, rng: np.random.Generator) -> pd.DataFrame:
    """Weapons a night by class for ``n_nights`` nights spread over the window (vectorised).

    Columns: ``night`` (0-based), ``class_key``, ``launched`` (0 on nights without the class).
    """
    d = np.arange(n_nights) * (model.nights / n_nights)
    dc = d - (model.nights - 1) / 2.0
    out = []
    for cm in model.classes:
        attack = rng.random(n_nights) < cm.p
        z = rng.standard_normal(n_nights)
        size = np.maximum(1, np.rint(np.exp(cm.a + cm.b * dc + cm.sigma * z))).astype(int)
        out.append(
            pd.DataFrame(
                {
                    "night": np.arange(n_nights),
                    "class_key": cm.class_key,
                    "launched": np.where(attack, size, 0),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def window_totals(model: RaidModel, n_windows: int, rng: np.random.Generator) -> pd.DataFrame:
    """Totals by class over ``n_windows`` simulated windows, each as long as the fitting window.

    Columns: ``window`` (0-based), ``class_key``, ``launched``.
    """
    parts = []
    for w in range(n_windows):
        c = sample_counts(model, model.nights, rng).groupby("class_key")["launched"].sum()
        parts.append(pd.DataFrame({"window": w, "class_key": c.index, "launched": c.to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def generate(model: RaidModel, n_nights: int, rng: np.random.Generator, label: str) -> list[Night]:
    """``n_nights`` synthetic nights as raid-file nights, named ``{label}-{i}``."""
    counts = sample_counts(model, n_nights, rng)
    by_class = {cm.class_key: cm for cm in model.classes}
    nights = []
    for i in range(n_nights):
        day = model.first + timedelta(days=int(i * model.nights / n_nights))
        start = datetime(day.year, day.month, day.day, NIGHT_START_HOUR, tzinfo=KYIV)
        groups = []
        mine = counts[(counts["night"] == i) & (counts["launched"] > 0)]
        for key, n in zip(mine["class_key"], mine["launched"], strict=True):
            cm = by_class[key]
            off, length = cm.timing[int(rng.integers(len(cm.timing)))]
            t0 = max(off - (NIGHT_START_HOUR - 12), 0.0)
            split = rng.multinomial(int(n), cm.area_weights)
            groups += [
                ThreatGroup(
                    threat=key,
                    count=int(k),
                    launch_area=area,
                    launch_start_h=t0,
                    launch_end_h=t0 + LAUNCH_FRACTION * length,
                )
                for area, k in zip(cm.areas, split, strict=True)
                if k > 0
            ]
        nights.append(
            Night(
                name=f"{label}-{i + 1:03d}",
                start=start,
                source=f"generated like {model.first}..{model.last}",
                groups=groups,
            )
        )
    return nights


def fit_table(model: RaidModel) -> pd.DataFrame:
    """The fitted parameters, one row per class, for the CLI and docs."""
    return pd.DataFrame(
        {
            "class": [c.class_key for c in model.classes],
            "record_total": [c.record_total for c in model.classes],
            "attack_nights": [c.record_nights for c in model.classes],
            "p_attack": [c.p for c in model.classes],
            "mean_size": [float(np.exp(c.a + 0.5 * c.sigma**2)) for c in model.classes],
            "trend_pct_per_night": [100.0 * (np.exp(c.b) - 1.0) for c in model.classes],
            "sigma_log": [c.sigma for c in model.classes],
            "top_area": [c.areas[int(np.argmax(c.area_weights))] for c in model.classes],
        }
    )
