"""Rolling-origin backtest of Ukraine's own defences (the baseline) against the record.

For each month of a range, the study

1. **fits** the ground layer (:mod:`skyshield.engine.ground_fit`) on the record's nights of the
   months *before* it, never on the month itself: for each group (drones, cruise, ballistic)
   the most recent ``train_months`` months, extended further back until the group has
   ``min_weapons`` weapons at risk in them (at most :data:`MAX_TRAIN_MONTHS` months);
2. **replays** the month's nights (all, or a sample of ``sample`` nights stratified by the
   night's size) with the baseline defence and the fitted parameters, ``replications`` times
   each (:func:`skyshield.engine.sim.run_replication`, routes and luck seeded per night and
   replication);
3. **compares** per group the share that got through (the record's measure,
   :mod:`skyshield.record.conventions`) month by month, and night by night: the record's
   got-through count against the model's 90 % predictive interval and its probability
   integral transform (PIT).

The model's count for a night is its share of the group's weapons that got through, times the
record's weapons at risk that night (the replay flies every weapon of the night; the record's
denominator leaves out still-attacking weapons and rows without a reported fate), rounded to a
whole weapon.  Counts are weapons, shares fractions 0..1, errors percentage points.

Given a run store, the backtest is recorded there once it is complete, in one transaction
(``runs.backtests``, its fitted values with the data each came from in ``runs.backtest_fits``,
its monthly table in ``runs.backtest_months``; :mod:`skyshield.runs.schema`): a backtest that
fails or is interrupted leaves nothing in the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm
from scipy.stats import t as student_t

from skyshield.engine.api import build_world
from skyshield.engine.ground import NIGHT_DF, assign_sites, defended_sites
from skyshield.engine.ground_fit import GroundFit, exposure, fit_ground, merged, overrides_of
from skyshield.engine.sim import run_replication
from skyshield.errors import InputError, Problem
from skyshield.files import save_figure
from skyshield.mapping import deep_merge
from skyshield.raids import Night, fly, night_from_record, raid_context
from skyshield.record.conventions import (
    GROUPS,
    class_group,
    got_through_table,
    row_outcomes,
)
from skyshield.runs import RecordChoice, Store
from skyshield.runs.schema import BACKTEST_FIT_COLUMNS, BACKTEST_MONTH_COLUMNS
from skyshield.scenario import LoadedScenario
from skyshield.scenario.params import GroundParams

#: Columns of the monthly table: month, group, the record's convention that month, nights, weapons
#: at risk, the got-through share in the record and in the model (mean and 90 % band over
#: replications, 0..1), and the error in percentage points.
MONTHLY_COLUMNS = tuple(
    "group" if c == "weapon_group" else c for c in BACKTEST_MONTH_COLUMNS if c != "backtest_id"
)

#: Columns of the fits table: the predicted month, the group, the parameter and its value, and the
#: record data it came from: the months (``YYYY-MM``), first and last night, nights, weapons at
#: risk and of them got through; ``converged`` (None for a value derived, not fitted).
FIT_COLUMNS = tuple(
    "group" if c == "weapon_group" else c for c in BACKTEST_FIT_COLUMNS if c != "backtest_id"
)

#: Fates of a threat that got through (it arrived, wherever it was aimed).
THROUGH_FATES = ("hit_asset", "hit_elsewhere", "outside_protected_area")

#: Longest training window, months.
MAX_TRAIN_MONTHS = 12

#: Flights of each training night the fit averages over (routes differ per flight).
FIT_FLIGHTS = 2

#: Nominal coverage of the predictive interval.
INTERVAL = 0.90

#: Bins of a night's size (weapons of the group at risk) in the saturation table.
SIZE_BINS = (0, 50, 100, 200, 400, 100_000)

#: Months of the record before the predicted one over which the drift is measured.
DRIFT_MONTHS = 6

#: Interquartile range of the night's variation per unit of ``night_sd`` (Student's t with
#: NIGHT_DF degrees of freedom) over a standard normal's: the drift (normal) is added to the
#: night spread matching the central spread, which the t's tails do not dominate.
NIGHT_IQR_RATIO = float(student_t.ppf(0.75, NIGHT_DF) / norm.ppf(0.75))

#: Progress callback: a line of text.
Progress = Callable[[str], None]


@dataclass(frozen=True)
class BacktestResult:
    """What :func:`run_backtest` measured.

    * ``monthly``: one row per month and group: ``month``, ``group``, ``convention``,
      ``nights``, ``at_risk``, ``record_share``, ``model_share`` (mean over replications),
      ``model_low``, ``model_high`` (5th and 95th percentiles of the month's share over the
      replications), ``error_pts`` (model - record, percentage points);
    * ``mae``: per group, ``months`` and ``mae_pts`` (mean absolute error by month, points);
    * ``nights``: one row per night and group: ``night``, ``month``, ``group``, ``at_risk``,
      ``record``, ``model_mean``, ``low``, ``high`` (the 90 % predictive interval of the count),
      ``inside``, ``pit`` (randomised PIT) and ``launched_night`` (all weapons of the night);
    * ``coverage``: per group, ``nights``, ``inside`` and ``coverage`` (fraction 0..1);
    * ``by_size``: per group and size bin of the night, the record's and the model's share;
    * ``magazines``: per terminal site, nights with shots, mean and largest shots per night,
      the magazine, and the share of (night, replication) runs that emptied it;
    * ``fits``: one row per predicted month, group and parameter (:data:`FIT_COLUMNS`): the
      value used and the record data it came from (the fit's months, first and last night,
      nights, weapons at risk and got through; for ``drift_sd`` the months of the drift, for
      ``predictive_night_sd``, which combines the two, both);
    * ``settings``: the arguments and the record's SHA-256, for the record;
    * ``backtest_id``: its id in the run store it was recorded in (None if none).
    """

    monthly: pd.DataFrame
    mae: pd.DataFrame
    nights: pd.DataFrame
    coverage: pd.DataFrame
    by_size: pd.DataFrame
    magazines: pd.DataFrame
    fits: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    backtest_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Every table as a list of records (dates as ISO strings), and the settings."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out = frame.copy()
            for c in out.columns:
                if out[c].map(lambda v: isinstance(v, dt.date)).any():
                    out[c] = out[c].map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
            return [
                {
                    k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                    for k, v in r.items()
                }
                for r in out.to_dict(orient="records")
            ]

        return {
            "backtest_id": self.backtest_id,
            "settings": self.settings,
            "mae": records(self.mae),
            "coverage": records(self.coverage),
            "monthly": records(self.monthly),
            "fits": records(self.fits),
            "by_size": records(self.by_size),
            "magazines": records(self.magazines),
            "nights": records(self.nights),
        }


def month_range(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from ``start``'s to ``end``'s, inclusive."""
    out, m = [], start.replace(day=1)
    while m <= end:
        out.append(m)
        m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _seed(base: int, night: dt.date, rep: int) -> int:
    """The replication seed of ``rep`` of ``night`` (independent of the month range asked)."""
    return int(np.random.SeedSequence([base, night.toordinal(), rep]).generate_state(1)[0])


def record_observations(rows: pd.DataFrame) -> pd.DataFrame:
    """The record's counts per night and group (:data:`OBSERVATION_COLUMNS` and more)."""
    table = got_through_table(row_outcomes(rows), by="night", keys=GROUPS)
    table = table.rename(columns={"period": "night", "key": "group"})
    table["month"] = table["night"].map(lambda d: d.replace(day=1))
    return table


def nights_with_launches(rows: pd.DataFrame) -> dict[dt.date, float]:
    """Nights with mapped launches and the weapons launched on each."""
    sel = rows[(rows["launched"] > 0) & (rows["class_key"].astype(str) != "")]
    sel = sel[sel["night"].notna()]
    return {d: float(v) for d, v in sel.groupby("night")["launched"].sum().items()}


def training_months(
    month: dt.date,
    group: str,
    obs: pd.DataFrame,
    train_months: int,
    min_weapons: float,
) -> list[dt.date]:
    """Months before ``month`` to fit ``group`` on (the rule in the module docstring)."""
    mine = obs[(obs["group"] == group) & (obs["month"] < month)]
    by_month = mine.groupby("month")["at_risk"].sum().sort_index(ascending=False)
    chosen: list[dt.date] = []
    total = 0.0
    for m, n in by_month.items():
        if len(chosen) >= MAX_TRAIN_MONTHS:
            break
        if len(chosen) >= train_months and total >= min_weapons:
            break
        chosen.append(m)
        total += float(n)
    return sorted(chosen)


def drift_months(obs: pd.DataFrame, group: str, month: dt.date, months: int) -> pd.DataFrame:
    """The record's ``got_through`` and ``at_risk`` of ``group`` by month (the index), over the
    last ``months`` months before ``month`` that it holds: the data of :func:`drift_sd`."""
    mine = obs[(obs["group"] == group) & (obs["month"] < month)]
    return mine.groupby("month")[["got_through", "at_risk"]].sum().sort_index().tail(months)


def drift_sd(obs: pd.DataFrame, group: str, month: dt.date, months: int) -> float:
    """Spread of the record's month-to-month change of ``group``'s got-through share on the
    log-odds scale, over the ``months`` months before ``month`` (0 with fewer than three;
    :func:`drift_months`).

    The variance of the changes less the part that chance alone gives them (binomial, from
    each month's counts), floored at 0.  Shares are taken as (got through + 0.5) / (at risk
    + 1)."""
    by = drift_months(obs, group, month, months)
    if len(by) < 3:
        return 0.0
    y, n = by["got_through"].to_numpy(dtype=float), by["at_risk"].to_numpy(dtype=float)
    odds = np.log((y + 0.5) / (n - y + 0.5))
    noise = 1.0 / (y + 0.5) + 1.0 / (n - y + 0.5)
    change = np.var(np.diff(odds), ddof=1) - float(np.mean(noise[1:] + noise[:-1]))
    return float(np.sqrt(max(change, 0.0)))


def window_data(obs: pd.DataFrame, group: str, months: Sequence[dt.date]) -> dict[str, Any]:
    """The record data of ``group`` in ``months``, as a row of the fits table: the months
    (``YYYY-MM``), the first and last night, nights, weapons at risk and got through (nights
    with weapons at risk only, as the fit takes them)."""
    mine = obs[(obs["group"] == group) & obs["month"].isin(list(months)) & (obs["at_risk"] > 0)]
    nights = sorted(mine["night"])
    return {
        "train_months": [f"{m:%Y-%m}" for m in sorted(months)],
        "first_night": nights[0] if nights else None,
        "last_night": nights[-1] if nights else None,
        "nights": len(nights),
        "at_risk": float(mine["at_risk"].sum()),
        "got_through": float(mine["got_through"].sum()),
    }


def stratified_sample(
    nights: dict[dt.date, float], k: int, rng: np.random.Generator
) -> list[dt.date]:
    """``k`` of ``nights`` (night -> size): the nights sorted by size are cut into ``k`` strata
    of (nearly) equal count and one night is drawn from each; all nights if ``k`` >= their
    number.  Returned in date order."""
    ordered = sorted(nights, key=lambda d: (nights[d], d))
    if k >= len(ordered):
        return sorted(ordered)
    edges = np.linspace(0, len(ordered), k + 1).round().astype(int)
    return sorted(ordered[int(rng.integers(a, b))] for a, b in itertools.pairwise(edges))


def _groups_of(night: Night, group_index: np.ndarray, ls: LoadedScenario) -> np.ndarray:
    keys = np.asarray([g.threat for g in night.groups], dtype=object)
    groups = {k: class_group(str(k), ls.catalog) for k in set(keys)}
    return np.asarray([groups[str(k)] for k in keys[group_index]], dtype=object)


def fly_exposures(
    ls: LoadedScenario,
    rows: pd.DataFrame,
    nights: Sequence[dt.date],
    params: GroundParams,
    seed: int,
) -> pd.DataFrame:
    """Exposure tables of ``nights`` flown :data:`FIT_FLIGHTS` times each."""
    ctx = raid_context(ls)
    parts = []
    for night in nights:
        spec = night_from_record(rows, night, ctx)
        for flight in range(FIT_FLIGHTS):
            rng = np.random.default_rng(np.random.SeedSequence([seed, night.toordinal(), flight]))
            threats = fly(spec, ctx, rng)
            groups = _groups_of(spec, threats.group, ls)
            parts.append(
                exposure(
                    threats,
                    groups,
                    night,
                    ctx.free_ukraine_km,
                    ls.assets,
                    ls.theatre.projection,
                    params,
                )
            )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def predict_night(
    ls: LoadedScenario,
    night: Night,
    night_date: dt.date,
    params: GroundParams,
    seeds: Sequence[int],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Baseline replications of one night: per replication and group, threats and fates
    (``rep``, ``group``, ``threats``, ``through``, ``ew``, ``destroyed``); and per replication
    and terminal site the shots fired and the magazine (``rep``, ``site``, ``used``,
    ``magazine``)."""
    world = build_world(ls, night)
    world.ground = params
    sites = defended_sites(ls.assets, params)
    ids = np.asarray([s.id for s in sites] + [""], dtype=object)
    fates, shots = [], []
    for rep, seed in enumerate(seeds):
        th = run_replication(world, seed, ("baseline",))["baseline"].threats
        groups = _groups_of(night, th["group"].to_numpy(), ls)
        fate = th["fate"].to_numpy()
        frame = pd.DataFrame(
            {
                "group": groups,
                "through": np.isin(fate, THROUGH_FATES),
                "ew": fate == "lost_ew",
                "destroyed": fate == "killed_ground",
            }
        )
        per = frame.groupby("group").agg(
            threats=("through", "size"),
            through=("through", "sum"),
            ew=("ew", "sum"),
            destroyed=("destroyed", "sum"),
        )
        fates.append(per.reset_index().assign(rep=rep, night=night_date))
        if sites:
            assigned, _ = assign_sites(
                th["aim_x_km"].to_numpy(dtype=float),
                th["aim_y_km"].to_numpy(dtype=float),
                th["class_id"].to_numpy(dtype=str),
                th["category"].to_numpy(dtype=str),
                sites,
                ls.theatre.projection,
            )
            used = pd.Series(th["terminal_shots"].to_numpy()).groupby(ids[assigned]).sum()
            for s in sites:
                shots.append(
                    {
                        "night": night_date,
                        "rep": rep,
                        "site": s.id,
                        "used": int(used.get(s.id, 0)),
                        "magazine": s.defence.magazine,
                    }
                )
    return pd.concat(fates, ignore_index=True), pd.DataFrame(shots)


def _interval(samples: np.ndarray, level: float = INTERVAL) -> tuple[int, int]:
    """Central ``level`` interval of integer samples: the smallest counts whose empirical CDF
    reaches (1 - level) / 2 and (1 + level) / 2."""
    values = np.sort(samples)
    cdf = np.arange(1, len(values) + 1) / len(values)
    lo = values[np.searchsorted(cdf, (1.0 - level) / 2.0 - 1e-12)]
    hi = values[np.searchsorted(cdf, (1.0 + level) / 2.0 - 1e-12)]
    return int(lo), int(hi)


def randomised_pit(samples: np.ndarray, observed: float, u: float) -> float:
    """Randomised probability integral transform of a count ``observed`` under the empirical
    distribution of integer ``samples``: ``F(y - 1) + u (F(y) - F(y - 1))``, ``u`` in [0, 1)."""
    below = float(np.mean(samples < observed))
    at_most = float(np.mean(samples <= observed))
    return below + u * (at_most - below)


def run_backtest(
    scenario: LoadedScenario,
    record: pd.DataFrame | RecordChoice,
    months: Sequence[dt.date],
    *,
    replications: int = 40,
    sample: int | None = None,
    seed: int = 2025,
    train_months: int = 2,
    min_weapons: float = 600.0,
    base: GroundParams | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    store: Store | None = None,
) -> BacktestResult:
    """Run the rolling-origin backtest of the module docstring.

    ``scenario``: its assets and theatre are what the record's nights are flown against (the
    reference scenario's are the calibration's).  ``record``: the record as a command chooses
    it (:func:`skyshield.runs.choose_record`: rows, SHA-256, origin), or just its rows (the
    importer's).  ``months``: first days of the months to predict.  ``replications`` per night (>= 2);
    ``sample``: nights per month (stratified by size; None: all); ``seed``: the base seed of
    routes and luck; ``train_months`` and ``min_weapons``: the training window (module
    docstring); ``base``: the parameters the fit starts from and keeps where it fits nothing
    (default: the scenario's); ``executor``: runs nights in parallel (None: in this process);
    ``progress``: told what is being done; ``store``: the run store to record the backtest in
    once it is complete (``record`` must then be a :class:`~skyshield.runs.RecordChoice`, whose
    SHA-256 is recorded as the data the fits came from).

    Raises :class:`~skyshield.errors.InputError` when a month has no night with launches or
    has no earlier month to fit on.
    """
    started = time.perf_counter()
    choice = record if isinstance(record, RecordChoice) else None
    if store is not None and choice is None:
        raise TypeError("recording a backtest in a store needs the record as a RecordChoice")
    rows = record.rows if isinstance(record, RecordChoice) else record
    if replications < 2:
        raise InputError([Problem("--reps", "", "expected at least 2 replications per night")])
    if sample is not None and sample < 1:
        raise InputError([Problem("--sample", "", "expected at least 1 night per month")])
    say = progress or (lambda _: None)
    base = base if base is not None else scenario.ground_params
    obs = record_observations(rows)
    launched = nights_with_launches(rows)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    problems = []
    for m in months:
        if not any(d.replace(day=1) == m for d in launched):
            problems.append(Problem("--from/--to", "", f"no night with launches in {m:%Y-%m}"))
        elif not (obs["month"] < m).any():
            problems.append(
                Problem("--from/--to", "", f"no month before {m:%Y-%m} in the record to fit on")
            )
    if problems:
        raise InputError(problems)

    exposures: dict[dt.date, pd.DataFrame] = {}
    ctx = raid_context(scenario)
    fit_rows, fate_parts, shot_parts = [], [], []
    for m in months:
        windows = {g: training_months(m, g, obs, train_months, min_weapons) for g in GROUPS}
        needed = sorted(
            {d for d in launched if d.replace(day=1) in {w for ws in windows.values() for w in ws}}
        )
        missing = [d for d in needed if d not in exposures]
        if missing:
            say(f"{m:%Y-%m}: flying {len(missing)} training nights")
            table = fly_exposures(scenario, rows, missing, base, seed)
            for d, part in table.groupby("night"):
                exposures[d] = part
        fits: dict[str, GroundFit] = {}
        for g, window in windows.items():
            nights_g = [d for d in needed if d.replace(day=1) in window]
            expo = pd.concat([exposures[d] for d in nights_g if d in exposures], ignore_index=True)
            obs_g = obs[obs["night"].isin(nights_g)]
            say(f"{m:%Y-%m}: fitting {g} on {', '.join(f'{w:%Y-%m}' for w in window)}")
            fits[g] = fit_ground(
                expo,
                obs_g,
                base,
                scenario.assets,
                groups=(g,),
                note=f"fitted on the record {window[0]:%Y-%m}..{window[-1]:%Y-%m}"
                if window
                else "",
            )
            for row in fits[g].table().to_dict(orient="records"):
                fit_rows.append({"month": m, **row, "train_months": [f"{w:%Y-%m}" for w in window]})
        overrides: dict[str, Any] = {}
        for g in GROUPS:
            overrides = deep_merge(overrides, fits[g].overrides)
            sd = fits[g].groups[g].values["night_sd"]
            tau = drift_sd(obs, g, m, DRIFT_MONTHS)
            spread = float(np.sqrt(sd**2 + (tau / NIGHT_IQR_RATIO) ** 2))
            note = f"the night spread fitted ({sd:.3f}) with the month-to-month drift ({tau:.3f})"
            overrides = deep_merge(overrides, overrides_of({g: {"night_sd": spread}}, base, note))
            drift = list(drift_months(obs, g, m, DRIFT_MONTHS).index)
            for name, value, data in (
                ("drift_sd", tau, drift),
                ("predictive_night_sd", spread, sorted(set(drift) | set(windows[g]))),
            ):
                fit_rows.append(
                    {"month": m, "group": g, "parameter": name, "value": value}
                    | window_data(obs, g, data)
                    | {"converged": None}
                )
        params = merged(base, overrides)
        month_nights = {d: v for d, v in launched.items() if d.replace(day=1) == m}
        chosen = (
            stratified_sample(month_nights, sample, rng)
            if sample is not None
            else sorted(month_nights)
        )
        say(f"{m:%Y-%m}: replaying {len(chosen)} nights x {replications} replications")
        specs = [(d, night_from_record(rows, d, ctx)) for d in chosen]
        seeds = [[_seed(seed, d, r) for r in range(replications)] for d, _ in specs]
        if executor is None:
            results = [
                predict_night(scenario, s, d, params, sd)
                for (d, s), sd in zip(specs, seeds, strict=True)
            ]
        else:
            futures = [
                executor.submit(predict_night, scenario, s, d, params, sd)
                for (d, s), sd in zip(specs, seeds, strict=True)
            ]
            results = [f.result() for f in futures]
        for f, s in results:
            fate_parts.append(f.assign(month=m))
            shot_parts.append(s)
    result = _summarise(
        obs,
        launched,
        pd.concat(fate_parts, ignore_index=True),
        pd.concat(shot_parts, ignore_index=True) if shot_parts else pd.DataFrame(),
        pd.DataFrame(fit_rows, columns=list(FIT_COLUMNS)),
        seed,
        settings={
            "months": [f"{m:%Y-%m}" for m in months],
            "replications": replications,
            "sample": sample,
            "seed": seed,
            "train_months": train_months,
            "min_weapons": min_weapons,
            "interval": INTERVAL,
            "scenario": scenario.origin,
            "record_sha256": choice.sha256 if choice is not None else None,
        },
    )
    if store is None or choice is None:
        return result
    say("recording the backtest in the run store")
    backtest_id = store.add_backtest(
        scenario_origin=scenario.origin,
        scenario_text=scenario.text,
        record_sha256=choice.sha256,
        record_origin=choice.description,
        rows_sha256=choice.rows_sha256(),
        months=list(months),
        replications=replications,
        sample=sample,
        base_seed=seed,
        train_months=train_months,
        min_weapons=min_weapons,
        seconds=time.perf_counter() - started,
        fits=_stored_fits(result.fits),
        monthly=result.monthly.rename(columns={"group": "weapon_group"}),
    )
    return dataclasses.replace(result, backtest_id=backtest_id)


def _stored_fits(fits: pd.DataFrame) -> pd.DataFrame:
    """The fits table as ``runs.backtest_fits`` holds it: training months as dates (their
    first day), ``weapon_group`` for ``group``."""
    out = fits.rename(columns={"group": "weapon_group"})
    out["train_months"] = [
        [dt.date.fromisoformat(f"{t}-01") for t in months] for months in out["train_months"]
    ]
    return out


def _summarise(
    obs: pd.DataFrame,
    launched: dict[dt.date, float],
    fates: pd.DataFrame,
    shots: pd.DataFrame,
    fits: pd.DataFrame,
    seed: int,
    settings: dict[str, Any],
) -> BacktestResult:
    """The tables of :class:`BacktestResult` from the replications' counts."""
    fates = fates[fates["group"].isin(list(GROUPS))].copy()
    fates["share"] = fates["through"] / fates["threats"]
    record = obs.set_index(["night", "group"])
    keys = sorted(set(zip(fates["night"], fates["group"], strict=True)) & set(record.index))
    pit_rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    night_rows, rep_rows = [], []
    for night, group in keys:
        rec = record.loc[(night, group)]
        risk = float(rec["at_risk"])
        if risk <= 0:
            continue
        mine = fates[(fates["night"] == night) & (fates["group"] == group)]
        counts = np.rint(mine["share"].to_numpy(dtype=float) * risk)
        y = float(rec["got_through"])
        lo, hi = _interval(counts)
        night_rows.append(
            {
                "night": night,
                "month": night.replace(day=1),
                "group": group,
                "at_risk": risk,
                "launched_night": launched.get(night, 0.0),
                "record": y,
                "model_mean": float(counts.mean()),
                "low": lo,
                "high": hi,
                "inside": bool(lo <= y <= hi),
                "pit": randomised_pit(counts, y, float(pit_rng.random())),
            }
        )
        for rep, c in zip(mine["rep"], counts, strict=True):
            rep_rows.append({"night": night, "group": group, "rep": int(rep), "count": c})
    nights = pd.DataFrame(night_rows)
    reps = pd.DataFrame(rep_rows)
    if nights.empty:
        raise InputError([Problem("--from/--to", "", "no night of the range has a known fate")])
    reps["month"] = reps["night"].map(lambda d: d.replace(day=1))
    reps = reps.merge(nights[["night", "group", "at_risk"]], on=["night", "group"])
    per_rep = reps.groupby(["month", "group", "rep"])[["count", "at_risk"]].sum()
    per_rep["share"] = per_rep["count"] / per_rep["at_risk"]
    band = per_rep.groupby(level=["month", "group"])["share"].quantile([0.05, 0.95]).unstack()
    monthly = nights.groupby(["month", "group"]).agg(
        nights=("night", "nunique"),
        at_risk=("at_risk", "sum"),
        record=("record", "sum"),
        model=("model_mean", "sum"),
    )
    monthly["record_share"] = monthly["record"] / monthly["at_risk"]
    monthly["model_share"] = monthly["model"] / monthly["at_risk"]
    monthly["model_low"] = band[0.05]
    monthly["model_high"] = band[0.95]
    monthly["error_pts"] = 100.0 * (monthly["model_share"] - monthly["record_share"])
    monthly = monthly.reset_index()
    conv = obs.groupby("month")["convention"].first()
    monthly["convention"] = monthly["month"].map(conv)
    monthly = monthly[list(MONTHLY_COLUMNS)]
    order = {g: i for i, g in enumerate(GROUPS)}
    monthly = monthly.sort_values(
        ["group", "month"], key=lambda c: c.map(order) if c.name == "group" else c
    )
    mae = (
        monthly.assign(abs_err=monthly["error_pts"].abs())
        .groupby("group", sort=False)
        .agg(months=("month", "size"), mae_pts=("abs_err", "mean"))
        .reset_index()
    )
    coverage = (
        nights.groupby("group", sort=False)
        .agg(nights=("night", "size"), inside=("inside", "sum"))
        .reset_index()
    )
    coverage["coverage"] = coverage["inside"] / coverage["nights"]
    return BacktestResult(
        monthly=monthly.reset_index(drop=True),
        mae=mae.sort_values("group", key=lambda c: c.map(order)).reset_index(drop=True),
        nights=nights.sort_values(["group", "night"]).reset_index(drop=True),
        coverage=coverage.sort_values("group", key=lambda c: c.map(order)).reset_index(drop=True),
        by_size=_by_size(nights),
        magazines=_magazines(shots),
        fits=fits,
        settings=settings,
    )


def _by_size(nights: pd.DataFrame) -> pd.DataFrame:
    """Record and model got-through share by the night's size (weapons of the group at risk)."""
    labels = [
        f"{a}-{b - 1}" if b < SIZE_BINS[-1] else f"{a}+" for a, b in itertools.pairwise(SIZE_BINS)
    ]
    work = nights.assign(
        size=pd.cut(nights["at_risk"], bins=list(SIZE_BINS), right=False, labels=labels)
    )
    out = (
        work.groupby(["group", "size"], observed=True, sort=False)
        .agg(
            nights=("night", "size"),
            at_risk=("at_risk", "sum"),
            record=("record", "sum"),
            model=("model_mean", "sum"),
        )
        .reset_index()
    )
    out["record_share"] = out["record"] / out["at_risk"]
    out["model_share"] = out["model"] / out["at_risk"]
    out["size"] = out["size"].astype(str)
    return out[["group", "size", "nights", "at_risk", "record_share", "model_share"]]


def _magazines(shots: pd.DataFrame) -> pd.DataFrame:
    """Per terminal site: nights with shots, mean and largest shots per night, the magazine and
    the share of (night, replication) runs that emptied it."""
    cols = ["site", "nights_used", "mean_used", "max_used", "magazine", "emptied_share"]
    if shots.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    g = shots.groupby("site", sort=False)
    out = pd.DataFrame(
        {
            "nights_used": g.apply(lambda x: x.loc[x["used"] > 0, "night"].nunique()),
            "mean_used": g["used"].mean(),
            "max_used": g["used"].max(),
            "magazine": g["magazine"].first(),
            "emptied_share": g.apply(lambda x: float((x["used"] >= x["magazine"]).mean())),
        }
    ).reset_index()
    return out[cols]


def plot_monthly_shares(result: BacktestResult, path: Path) -> Path:
    """PNG: per group, the record's got-through share by month against the model's (with its
    90 % band over replications), the mean absolute error in the title.  Returns ``path``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    groups = [g for g in GROUPS if g in set(result.monthly["group"])]
    fig = Figure(figsize=(4.2 * max(len(groups), 1), 4.0), dpi=120)
    FigureCanvasAgg(fig)
    mae = result.mae.set_index("group")["mae_pts"]
    for i, g in enumerate(groups):
        ax = fig.add_subplot(1, len(groups), i + 1)
        m = result.monthly[result.monthly["group"] == g]
        x = pd.to_datetime(pd.Series(m["month"].to_numpy()))
        ax.fill_between(
            x, 100 * m["model_low"], 100 * m["model_high"], alpha=0.25, label="model 90 %"
        )
        ax.plot(x, 100 * m["model_share"], marker="o", label="model")
        ax.plot(x, 100 * m["record_share"], marker="s", color="black", label="record")
        ax.set_title(f"{g}: MAE {mae.get(g, float('nan')):.1f} points", fontsize=10)
        ax.set_ylabel("got through, % of weapons at risk")
        ax.set_ylim(bottom=0)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
        if i == 0:
            ax.legend(fontsize=8)
    fig.suptitle("Backtest of Ukraine's defences: got-through share by month, out of sample")
    fig.tight_layout()
    save_figure(fig, path)
    return path


def plot_pit(result: BacktestResult, path: Path, bins: int = 10) -> Path:
    """PNG: per group, the histogram of the nights' randomised PIT (flat if the predictive
    distributions are calibrated), with the interval coverage in the title.  Returns ``path``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    groups = [g for g in GROUPS if g in set(result.nights["group"])]
    fig = Figure(figsize=(4.2 * max(len(groups), 1), 3.6), dpi=120)
    FigureCanvasAgg(fig)
    cover = result.coverage.set_index("group")["coverage"]
    for i, g in enumerate(groups):
        ax = fig.add_subplot(1, len(groups), i + 1)
        pit = result.nights.loc[result.nights["group"] == g, "pit"].to_numpy(dtype=float)
        ax.hist(pit, bins=bins, range=(0.0, 1.0), density=True, edgecolor="white")
        ax.axhline(1.0, color="black", linewidth=1)
        ax.set_title(
            f"{g}: {len(pit)} nights, {100 * cover.get(g, float('nan')):.0f} % in the 90 % interval",
            fontsize=9,
        )
        ax.set_xlabel("PIT of the record's count")
        ax.set_ylabel("density")
    fig.suptitle("Night by night: probability integral transform (flat = calibrated)")
    fig.tight_layout()
    save_figure(fig, path)
    return path


__all__ = [
    "FIT_COLUMNS",
    "INTERVAL",
    "BacktestResult",
    "drift_months",
    "fly_exposures",
    "month_range",
    "nights_with_launches",
    "plot_monthly_shares",
    "plot_pit",
    "predict_night",
    "randomised_pit",
    "record_observations",
    "run_backtest",
    "stratified_sample",
    "training_months",
    "window_data",
]
