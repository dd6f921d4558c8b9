"""Fit Ukraine's ground layer (:mod:`skyshield.engine.ground`) to nights of the record.

The fit works on **exposures**: the threats of record nights as flown (routes are drawn before
and independently of the ground layer, so they do not depend on its parameters), each with its
length inside free Ukraine and the terminal site that would engage it.  For given parameters
the probability of each fate of each threat is then known in closed form, given the night's
variation ``z`` (module :mod:`skyshield.engine.ground`):

* with ``qe``, ``qa`` the EW and area caps shifted by ``night_sd * z``, ``Fe = 1 - exp(-le L)``,
  ``Fa = 1 - exp(-la L)`` over the length ``L`` inside, the threat is lost to EW with
  ``qe [(1 - qa) Fe + qa le / (le + la) (1 - exp(-(le + la) L))]``, killed by area defences
  with the same expression with the layers swapped, and arrives with ``(1 - qe Fe)(1 - qa Fa)``;
* an arriving threat covered by a site is killed with ``1 - (1 - pk) ** shots`` (``pk``
  shifted too; magazines are not modelled in the fit, which the backtest checks).

A night's counts of the record (not reached, destroyed, got through; only destroyed + not
reached and got through in a *folded* month) are taken as multinomial with the night's mean
probabilities, and the likelihood integrates over ``z`` (Student's t, :data:`NIGHT_DF`, on
:data:`QUADRATURE_NODES` equal-probability nodes).  The free parameters of each group
(:data:`FREE`) are found by maximum likelihood (L-BFGS-B within bounds); the others keep their
values.  Groups are fitted independently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import expit, logit
from scipy.stats import t as student_t
from shapely.geometry.base import BaseGeometry

from skyshield.engine.ground import (
    NIGHT_DF,
    Legs,
    aim_points,
    assign_sites,
    defended_sites,
    inside_km,
    per_threat,
    shifted,
)
from skyshield.geo import Projection
from skyshield.raids.threats import Threats
from skyshield.scenario.models import Asset
from skyshield.scenario.params import TERMINAL_ONLY, GroundParams, load_ground_params

F64 = NDArray[np.float64]

#: Nodes of the integral over the night's variation (equal-probability quantiles of the t).
QUADRATURE_NODES = 21

#: Columns of an exposure table (:func:`exposure`).
EXPOSURE_COLUMNS = ("night", "group", "class_id", "category", "inside_km", "site", "shots")


@dataclass(frozen=True)
class Free:
    """One free parameter: where it lives in a ``ground_defences`` mapping (each path gets the
    same value), its bounds, its scale (``logit`` for probabilities, ``log`` for rates and
    spreads) and the value the search starts from (fixed, so that a fit owes nothing to the
    parameters it starts from)."""

    name: str
    paths: tuple[tuple[str, ...], ...]
    low: float
    high: float
    scale: str
    start: float


def _site_pk_paths(params: GroundParams, keys: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        ("air_defence_sites", site, "pk", k) for site in params.air_defence_sites for k in keys
    )


def free_parameters(params: GroundParams) -> dict[str, tuple[Free, ...]]:
    """The free parameters of each group (drones, cruise, ballistic) for ``params``.

    Drones (and decoys, which the record lumps with them): EW cap and rate, area cap and rate,
    night spread.  Cruise missiles: area cap and rate, night spread (EW losses of cruise
    missiles are rare in the record and keep their value).  Ballistic and aeroballistic
    missiles: the single-shot Pk of every air-defence site against them and their night spread.
    """
    drone = ("drone", "decoy")
    bal = ("ballistic", "aeroballistic")
    return {
        "drones": (
            Free("ew_loss", tuple(("ew_loss", k) for k in drone), 0.01, 0.995, "logit", 0.5),
            Free("ew_per_100km", tuple(("ew_per_100km", k) for k in drone), 0.2, 20, "log", 3.0),
            Free("area_max", tuple(("area_max", k) for k in drone), 0.01, 0.995, "logit", 0.8),
            Free(
                "area_per_100km", tuple(("area_per_100km", k) for k in drone), 0.2, 20, "log", 3.0
            ),
            Free("night_sd", tuple(("night_sd", k) for k in drone), 0.02, 3.0, "log", 0.5),
        ),
        "cruise": (
            Free("area_max", (("area_max", "cruise"),), 0.01, 0.995, "logit", 0.8),
            Free("area_per_100km", (("area_per_100km", "cruise"),), 0.05, 20.0, "log", 1.0),
            Free("night_sd", (("night_sd", "cruise"),), 0.02, 3.0, "log", 0.5),
        ),
        "ballistic": (
            Free("site_pk", _site_pk_paths(params, bal), 0.01, 0.99, "logit", 0.5),
            Free("night_sd", tuple(("night_sd", k) for k in bal), 0.02, 3.0, "log", 0.5),
        ),
    }


def _value(params: GroundParams, path: tuple[str, ...]) -> float:
    node: Any = params.model_dump()
    for p in path:
        node = node.get(p) if isinstance(node, Mapping) else None
    return float(node) if isinstance(node, int | float) else float("nan")


def _set(over: dict[str, Any], path: tuple[str, ...], value: float) -> None:
    node = over
    for p in path[:-1]:
        node = node.setdefault(p, {})
    node[path[-1]] = value


def overrides_of(
    values: Mapping[str, Mapping[str, float]], params: GroundParams, note: str = ""
) -> dict[str, Any]:
    """A ``ground_defences`` mapping setting ``values`` (group -> free parameter -> value);
    with a ``note``, each field it touches gets the note ``assumption: <note>``."""
    out: dict[str, Any] = {}
    spec = free_parameters(params)
    for group, vals in values.items():
        for free in spec[group]:
            if free.name in vals:
                for path in free.paths:
                    _set(out, path, float(vals[free.name]))
                    if note:
                        field = path[0] if path[0] != "air_defence_sites" else path[2]
                        where = () if path[0] != "air_defence_sites" else path[:2]
                        _note(out, where, field, f"assumption: {note}")
    return out


def _note(over: dict[str, Any], where: tuple[str, ...], field: str, text: str) -> None:
    node = over
    for p in where:
        node = node.setdefault(p, {})
    node.setdefault("sources", {})[field] = text


# ----------------------------------------------------------------------------- exposure


def exposure(
    threats: Threats,
    groups: NDArray[np.str_],
    night: object,
    free_ukraine_km: BaseGeometry,
    assets: Sequence[Asset],
    projection: Projection,
    params: GroundParams,
) -> pd.DataFrame:
    """The exposure table of one flown night (columns :data:`EXPOSURE_COLUMNS`).

    ``groups``: the record group of each threat (:mod:`skyshield.record.conventions`; "" for
    none).  ``inside_km``: route length over free Ukraine (km; 0 for ballistic threats, which
    meet no EW or area layer).  ``site``: id of the site that would engage the threat at
    arrival (the nearest covering site with a Pk against it under ``params``; "" if none) and
    ``shots`` its shots per threat.
    """
    n = len(threats)
    legs = Legs.of(threats)
    inside = inside_km(legs, free_ukraine_km, n)
    inside[np.isin(threats.category, TERMINAL_ONLY)] = 0.0
    sites = defended_sites(assets, params)
    ax, ay = aim_points(threats)
    assigned, _ = assign_sites(ax, ay, threats.class_id, threats.category, sites, projection)
    ids = np.asarray([s.id for s in sites] + [""], dtype=object)
    k = np.asarray([s.defence.shots_per_threat for s in sites] + [0], dtype=np.int64)
    site, shots = ids[assigned], k[assigned]  # -1 picks the last entry: no site
    return pd.DataFrame(
        {
            "night": [night] * n,
            "group": np.asarray(groups, dtype=object),
            "class_id": threats.class_id.astype(object),
            "category": threats.category.astype(object),
            "inside_km": inside,
            "site": site,
            "shots": shots,
        }
    )


# ----------------------------------------------------------------------------- probabilities


def _nodes() -> F64:
    q = (np.arange(QUADRATURE_NODES) + 0.5) / QUADRATURE_NODES
    return np.asarray(student_t.ppf(q, NIGHT_DF), dtype=float)


@dataclass(frozen=True)
class _Threats:
    """The exposure as arrays, with the site pk maps resolved per threat lazily."""

    class_id: NDArray[np.str_]
    category: NDArray[np.str_]
    inside_km: F64
    site: NDArray[np.object_]
    shots: NDArray[np.int64]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _Threats:
        return cls(
            frame["class_id"].to_numpy(dtype=str),
            frame["category"].to_numpy(dtype=str),
            frame["inside_km"].to_numpy(dtype=float),
            frame["site"].to_numpy(dtype=object),
            frame["shots"].to_numpy(dtype=np.int64),
        )

    def site_pk(self, params: GroundParams, assets_pk: Mapping[str, Mapping[str, float]]) -> F64:
        """Single-shot Pk of each threat's site under ``params`` (0 where none)."""
        pk = np.zeros(len(self.site))
        for sid in set(self.site) - {""}:
            mine = self.site == sid
            spec = params.air_defence_sites.get(str(sid))
            table = spec.pk if spec is not None else assets_pk[str(sid)]
            pk[mine] = per_threat(table, self.class_id[mine], self.category[mine])
        return pk


class _Arrays(NamedTuple):
    """The parameters as they apply to each threat: EW cap and rate (per 100 km), area cap and
    rate (per 100 km), night spread, and the single-shot Pk of its terminal site."""

    ew_loss: F64
    ew_per_100km: F64
    area_max: F64
    area_per_100km: F64
    night_sd: F64
    pk: F64


def _arrays(th: _Threats, params: GroundParams, assets: Sequence[Asset]) -> _Arrays:
    cls, cat = th.class_id, th.category
    assets_pk = {s.id: s.defence.pk for s in defended_sites(assets, params)}
    return _Arrays(
        per_threat(params.ew_loss, cls, cat),
        per_threat(params.ew_per_100km, cls, cat),
        per_threat(params.area_max, cls, cat, default=1.0),
        per_threat(params.area_per_100km, cls, cat),
        per_threat(params.night_sd, cls, cat),
        th.site_pk(params, assets_pk),
    )


def fate_probabilities(
    frame: pd.DataFrame, params: GroundParams, assets: Sequence[Asset], z: float = 0.0
) -> tuple[F64, F64, F64]:
    """Probabilities that each threat of an exposure table is lost to EW, destroyed (area or
    terminal) and gets through, under ``params`` on a night with variation ``z``."""
    th = _Threats.of(frame)
    p = _probabilities(th, _arrays(th, params, assets), np.asarray([z]))
    return p[0][0], p[1][0], p[2][0]


def mean_fates(frame: pd.DataFrame, params: GroundParams, assets: Sequence[Asset]) -> pd.DataFrame:
    """Each threat's probabilities of the three fates averaged over the night's variation
    (the quadrature of the fit): the exposure table's ``night`` and ``group`` with ``ew``,
    ``destroyed`` and ``through`` (fractions 0..1)."""
    th = _Threats.of(frame)
    p_ew, p_dead, p_thru = _probabilities(th, _arrays(th, params, assets), _nodes())
    return pd.DataFrame(
        {
            "night": frame["night"].to_numpy(),
            "group": frame["group"].to_numpy(),
            "ew": p_ew.mean(axis=0),
            "destroyed": p_dead.mean(axis=0),
            "through": p_thru.mean(axis=0),
        }
    )


def _probabilities(th: _Threats, a: _Arrays, z: F64) -> tuple[F64, F64, F64]:
    """(EW, destroyed, through) probabilities ``(len(z), n)`` of threats at nights ``z``."""
    shift = a.night_sd[None, :] * z[:, None]
    qe = shifted(a.ew_loss[None, :], shift)
    qa = shifted(a.area_max[None, :], shift)
    le, la = a.ew_per_100km / 100.0, a.area_per_100km / 100.0
    length = th.inside_km
    fe, fa = -np.expm1(-le * length), -np.expm1(-la * length)
    total = le + la
    with np.errstate(divide="ignore", invalid="ignore"):
        both = np.where(total > 0, -np.expm1(-total * length) / total, 0.0)
    p_ew = qe * ((1.0 - qa) * fe + qa * le * both)
    p_area = qa * ((1.0 - qe) * fa + qe * la * both)
    arrive = (1.0 - qe * fe) * (1.0 - qa * fa)
    p_kill = 1.0 - (1.0 - shifted(a.pk[None, :], shift)) ** th.shots[None, :]
    return p_ew, p_area + arrive * p_kill, arrive * (1.0 - p_kill)


# ----------------------------------------------------------------------------- fit


#: Columns of the observations :func:`fit_ground` takes (one row per night and group).
OBSERVATION_COLUMNS = ("night", "group", "convention", "at_risk", "not_reached", "got_through")


@dataclass(frozen=True)
class GroupFit:
    """The fit of one group: values of its free parameters, the data used (nights, weapons at
    risk and of them got through, first and last night), the log-likelihood and whether the
    optimiser converged."""

    group: str
    values: dict[str, float]
    nights: int
    weapons: float
    got_through: float
    first_night: object
    last_night: object
    log_likelihood: float
    converged: bool


@dataclass(frozen=True)
class GroundFit:
    """A fit of the ground layer: the fitted parameters and the fit of each group."""

    params: GroundParams
    overrides: dict[str, Any]
    groups: dict[str, GroupFit]

    def table(self) -> pd.DataFrame:
        """One row per group and parameter: ``value``; the data it was fitted on: ``nights``,
        ``at_risk`` and ``got_through`` (weapons), ``first_night``, ``last_night``; and
        ``converged``."""
        return pd.DataFrame(
            [
                {
                    "group": g.group,
                    "parameter": k,
                    "value": v,
                    "nights": g.nights,
                    "at_risk": g.weapons,
                    "got_through": g.got_through,
                    "first_night": g.first_night,
                    "last_night": g.last_night,
                    "converged": g.converged,
                }
                for g in self.groups.values()
                for k, v in g.values.items()
            ]
        )


def _to_unit(free: Free, value: float) -> float:
    v = min(max(value, free.low), free.high)
    return float(logit(v)) if free.scale == "logit" else float(np.log(v))


def _from_unit(free: Free, x: float) -> float:
    return float(expit(x)) if free.scale == "logit" else float(np.exp(x))


#: Factors applied to the starting rates of the searches (the likelihood can have more than one
#: local maximum along the rates, which the record's nights barely tell apart).
RATE_STARTS = (1.0, 0.3, 5.0)


def _starts(spec: Sequence[Free]) -> list[F64]:
    """Starting points of the searches: the parameters' starts, with every rate (a ``log``
    parameter other than the night spread) times each factor of :data:`RATE_STARTS`."""
    out: list[F64] = []
    for factor in RATE_STARTS:
        x = np.asarray(
            [
                _to_unit(
                    f, f.start * factor if f.scale == "log" and f.name != "night_sd" else f.start
                )
                for f in spec
            ]
        )
        if not any(np.array_equal(x, y) for y in out):  # a group without rates: one start
            out.append(x)
    return out


def _bounds(free: Free) -> tuple[float, float]:
    return _to_unit(free, free.low), _to_unit(free, free.high)


def _night_log_likelihood(
    th: _Threats, arrays: _Arrays, starts: NDArray[np.int64], obs: pd.DataFrame, z: F64
) -> float:
    """Sum over nights of log E_z[multinomial likelihood of the night's counts]; the threats
    are sorted by night, night ``j``'s starting at ``starts[j]``."""
    p_ew, p_dead, p_thru = _probabilities(th, arrays, z)
    sizes = np.diff(np.append(starts, len(th.inside_km)))

    def mean(p: F64) -> F64:
        return np.asarray(np.clip(np.add.reduceat(p, starts, axis=1) / sizes, 1e-9, 1.0))

    m_ew, m_dead, m_thru = mean(p_ew), mean(p_dead), mean(p_thru)
    y = obs["got_through"].to_numpy(dtype=float)
    n = obs["at_risk"].to_numpy(dtype=float)
    split = obs["convention"].to_numpy() == "separate"
    e = np.where(split, obs["not_reached"].to_numpy(dtype=float), 0.0)
    k = np.maximum(n - y - e, 0.0)
    stopped = np.log(np.clip(m_ew + m_dead, 1e-9, 1.0))
    ll = y[None, :] * np.log(m_thru) + np.where(
        split[None, :],
        e[None, :] * np.log(m_ew) + k[None, :] * np.log(m_dead),
        (n - y)[None, :] * stopped,
    )
    top = ll.max(axis=0)
    return float(np.sum(top + np.log(np.mean(np.exp(ll - top[None, :]), axis=0))))


def fit_group(
    group: str,
    exposures: pd.DataFrame,
    observations: pd.DataFrame,
    base: GroundParams,
    assets: Sequence[Asset],
) -> tuple[dict[str, float], GroupFit]:
    """Fit the free parameters of ``group`` on the nights both tables hold.

    ``exposures``: exposure tables of those nights (several flights of a night may be stacked:
    the fit uses their mean probabilities).  ``observations``: the record's counts
    (:data:`OBSERVATION_COLUMNS`).  Returns the fitted values and the :class:`GroupFit`.
    """
    spec = free_parameters(base)[group]
    obs = observations[(observations["group"] == group) & (observations["at_risk"] > 0)]
    mine = exposures[exposures["group"] == group]
    nights = sorted(set(obs["night"]) & set(mine["night"]))
    start = {f.name: _value(base, f.paths[0]) for f in spec}
    if not nights or not spec:
        fit = GroupFit(group, start, 0, 0.0, 0.0, None, None, float("nan"), False)
        return start, fit
    obs = obs.set_index("night").loc[nights].reset_index()
    index = {night: i for i, night in enumerate(nights)}
    mine = mine[mine["night"].isin(nights)]
    night_idx = mine["night"].map(index).to_numpy(dtype=np.int64)
    order = np.argsort(night_idx, kind="stable")
    mine, night_idx = mine.iloc[order], night_idx[order]
    starts = np.searchsorted(night_idx, np.arange(len(nights))).astype(np.int64)
    th = _Threats.of(mine)
    z = _nodes()
    start_arrays = _arrays(th, base, assets)
    governs = [_governed(th, base, assets, group, f) for f in spec]

    def objective(x: F64) -> float:
        fields = start_arrays._asdict()
        for f, v, masks in zip(spec, x, governs, strict=True):
            for name, mask in masks.items():
                fields[name] = np.where(mask, _from_unit(f, float(v)), fields[name])
        return -_night_log_likelihood(th, _Arrays(**fields), starts, obs, z)

    bounds = [_bounds(f) for f in spec]
    runs = [minimize(objective, x0, method="L-BFGS-B", bounds=bounds) for x0 in _starts(spec)]
    res = min(runs, key=lambda r: float(r.fun))
    values = {f.name: _from_unit(f, float(v)) for f, v in zip(spec, res.x, strict=True)}
    fit = GroupFit(
        group,
        values,
        len(nights),
        float(obs["at_risk"].sum()),
        float(obs["got_through"].sum()),
        nights[0],
        nights[-1],
        float(-res.fun),
        bool(res.success),
    )
    return values, fit


def _governed(
    th: _Threats, base: GroundParams, assets: Sequence[Asset], group: str, free: Free
) -> dict[str, NDArray[np.bool_]]:
    """Which per-threat arrays a free parameter sets, and for which threats (found by setting
    it to its two bounds and comparing)."""
    low = _arrays(th, merged(base, overrides_of({group: {free.name: free.low}}, base)), assets)
    high = _arrays(th, merged(base, overrides_of({group: {free.name: free.high}}, base)), assets)
    masks = {}
    for name, a, b in zip(_Arrays._fields, low, high, strict=True):
        differs = a != b
        if differs.any():
            masks[name] = differs
    return masks


def merged(base: GroundParams, overrides: Mapping[str, Any]) -> GroundParams:
    """``base`` with ``overrides`` merged key by key (as a scenario's ``ground_defences``)."""
    from skyshield.mapping import deep_merge

    data = deep_merge(base.model_dump(mode="json"), dict(overrides))
    return GroundParams.model_validate(data, strict=False)


def fit_ground(
    exposures: pd.DataFrame,
    observations: pd.DataFrame,
    base: GroundParams | None,
    assets: Sequence[Asset],
    groups: Sequence[str] = ("drones", "cruise", "ballistic"),
    note: str = "fitted",
    progress: Callable[[str], None] | None = None,
) -> GroundFit:
    """Fit each group of ``groups`` (:func:`fit_group`) and return the parameters with every
    fitted value set, each fitted field noted ``assumption: <note>``.  ``progress`` is told
    which group is being fitted."""
    base = base if base is not None else load_ground_params()
    values: dict[str, dict[str, float]] = {}
    fits: dict[str, GroupFit] = {}
    for g in groups:
        if progress is not None:
            progress(f"fitting {g}")
        values[g], fits[g] = fit_group(g, exposures, observations, base, assets)
    over = overrides_of(values, base, note)
    return GroundFit(merged(base, over), over, fits)


__all__ = [
    "EXPOSURE_COLUMNS",
    "OBSERVATION_COLUMNS",
    "QUADRATURE_NODES",
    "Free",
    "GroundFit",
    "GroupFit",
    "exposure",
    "fate_probabilities",
    "fit_ground",
    "fit_group",
    "free_parameters",
    "mean_fates",
    "merged",
    "overrides_of",
]
