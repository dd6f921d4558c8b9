"""Sensitivity to key assumptions: each factor set to its low and its high value, one at a time.

A *factor* is one assumption (fighters' Pk against drones, AEW detection range, the C2 cycle,
...) with a low and a high value and a note on where the range comes from.  It changes one or
more values, each named by a dotted path in the *parameter tree* of a scenario:

- ``catalog.<section>.<id>.<field>[.<key>]``: a catalog value as the scenario sees it (sections
  ``threats``, ``fighters``, ``weapons``, ``aew``, ``tankers``, ``refuelling``); written to the
  scenario's ``catalog_overrides``;
- ``engine.<field>``, ``ground_defences.<field>[.<key>...]``: the engine's and the ground
  layer's parameters (the catalog's ``engine.yaml`` and ``ground.yaml`` with the scenario's
  overrides); written to the scenario's ``engine`` and ``ground_defences``;
- any other scenario field (``theatre.engage_standoff_km``, ``cap.stations[0].aircraft``,
  ``coalition.total_aircraft``, which scales every pledge as in sweeps).

A path part ``*`` stands for every key (or list element) that has the rest of the path, e.g.
``catalog.weapons.*.pk.drone`` is the drone Pk of every weapon that has one.  A change either
sets the values (``how: set``) or multiplies them (``how: scale``), then clamps them to
``min``/``max`` if given; a scaled whole number (a count) is rounded.

A change may also set words, for a choice rather than a number: ``engine.weapon_policy`` is a
named weapon policy (``guns-first``, ``missiles-only``; the parameter tree holds the name of the
scenario's policy when it is a named one).

The shipped factors are ``data/catalog/sensitivity.yaml``; every one carries a ``note`` that
begins ``source: KEY...`` (keys of the package bibliography) or ``assumption:``.  All variants run on the same replication seeds as the
base case (common random numbers), so a variant's difference from the base is computed
replication by replication and its interval is that of the paired differences.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from skyshield.analysis.metrics import SUMMARY_KEYS
from skyshield.analysis.stats import Interval, mean_interval, metric_kind
from skyshield.analysis.sweep import TOTAL_AIRCRAFT, scale_pledges
from skyshield.catalog.bibliography import require_note
from skyshield.catalog.policies import policy_name
from skyshield.errors import InputError, Problem
from skyshield.scenario import LoadedScenario
from skyshield.scenario.yamlio import dotted, line_of, load_yaml

#: The shipped factor file (in ``skyshield/data/catalog``).
FACTORS_FILE = "sensitivity.yaml"

#: The two levels of every factor, in order.
LEVELS = ("low", "high")

#: Where each part of the parameter tree is written in a scenario's data.
_WRITE_ROOT = {"catalog": "catalog_overrides"}

#: The signs tables use for a scale (times 0.7) and for a span of values (0.1 to 0.6).
TIMES, DASH = "\N{MULTIPLICATION SIGN}", "\N{EN DASH}"

_PART = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")

Step = str | int


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Change(_Model):
    """One change of a factor: the values at ``path`` set to, or scaled by, ``low``/``high``."""

    path: str = Field(description="Dotted path in the parameter tree; '*' matches every key.")
    how: Literal["set", "scale"] = "set"
    low: Any
    high: Any
    min: float | None = Field(None, description="Clamp the new values to at least this.")
    max: float | None = Field(None, description="Clamp the new values to at most this.")

    @model_validator(mode="after")
    def _scale_by_numbers(self) -> Change:
        if self.how == "scale":
            for v in (self.low, self.high):
                if isinstance(v, bool) or not isinstance(v, int | float) or not v > 0:
                    raise ValueError(f"a scale must be a positive number, got {v!r}")
        return self


class Factor(_Model):
    """One assumption varied between a low and a high value."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: str
    changes: list[Change] = Field(min_length=1)
    note: str = Field(
        description="Where the range comes from: 'source: KEY...' or 'assumption: ...'."
    )

    @field_validator("note")
    @classmethod
    def _noted(cls, v: str) -> str:
        return require_note(v)


class FactorFile(_Model):
    """A factor file: a list of factors (their ids distinct, checked by :func:`load_factors`)."""

    factors: list[Factor] = Field(min_length=1)


def load_factors(path: Path | None = None) -> tuple[list[Factor], str]:
    """The factors of a YAML file (default: the shipped ones) and the file's name for messages."""
    if path is None:
        origin = f"<builtin catalog {FACTORS_FILE}>"
        text = resources.files("skyshield.data.catalog").joinpath(FACTORS_FILE).read_text("utf-8")
    else:
        origin = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                [Problem(origin, "", f"cannot read the factor file: expected a YAML file ({exc})")]
            ) from None
    data, lines = load_yaml(text, origin)
    try:
        factors = FactorFile.model_validate(data).factors
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = tuple(err["loc"])
            line, _ = line_of(lines, where)
            msg = "required field is missing" if err["type"] == "missing" else str(err["msg"])
            problems.append(Problem(origin, dotted(where), msg.removeprefix("Value error, "), line))
        raise InputError(problems) from None
    seen: set[str] = set()
    twice = []
    for i, f in enumerate(factors):
        if f.id in seen:
            where = ("factors", i, "id")
            twice.append(
                Problem(
                    origin,
                    dotted(where),
                    f"factor id {f.id!r} is given before; expected distinct ids",
                    line_of(lines, where)[0],
                )
            )
        seen.add(f.id)
    if twice:
        raise InputError(twice)
    return factors, origin


def scenario_data(ls: LoadedScenario) -> dict[str, Any]:
    """A loaded scenario's fields as plain data (``extends`` resolved), ready to vary."""
    return ls.scenario.to_data()


def parameter_tree(ls: LoadedScenario) -> dict[str, Any]:
    """Every value a factor may change, as the scenario uses it (see the module docstring)."""
    s = ls.scenario
    tree = scenario_data(ls)
    tree["catalog"] = ls.catalog.model_dump(mode="json")
    tree["engine"] = ls.engine_params.model_dump(mode="json")
    policy = tree["engine"]["weapon_policy"]
    tree["engine"]["weapon_policy"] = policy_name(policy) or policy  # a named policy by its name
    tree["ground_defences"] = ls.ground_params.model_dump(mode="json")
    tree["coalition"][TOTAL_AIRCRAFT.split(".")[1]] = s.coalition.total_aircraft
    return tree


def _steps(path: str) -> list[Step]:
    out: list[Step] = []
    for part in path.split("."):
        m = _PART.fullmatch(part)
        if m is None:
            raise ValueError(f"not a field path (part {part!r})")
        out.append(m.group(1))
        out += [int(i) for i in re.findall(r"\[(\d+)\]", m.group(2))]
    return out


def _children(node: Any) -> list[tuple[Step, Any]]:
    """The keys (or list indices) and values under a node of the tree; none under a value."""
    if isinstance(node, dict):
        return list(node.items())
    if isinstance(node, list):
        return list(enumerate(node))
    return []


def expand(tree: Any, path: str) -> list[tuple[tuple[Step, ...], Any]]:
    """The concrete paths that ``path`` names in ``tree`` (``*`` expanded), with their values.

    Raises ``ValueError`` if the path names nothing.
    """
    found: list[tuple[tuple[Step, ...], Any]] = [((), tree)]
    for step in _steps(path):
        nxt = [
            ((*where, k), v)
            for where, node in found
            for k, v in _children(node)
            if step == "*" or k == step
        ]
        if not nxt:
            raise ValueError(f"the scenario has no value at {path!r}")
        found = nxt
    return found


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def new_value(change: Change, base: Any, level: str) -> Any:
    """The value ``change`` gives at ``level`` to a value that is ``base`` in the base case."""
    lv = change.low if level == "low" else change.high
    if change.how == "scale":
        if not _is_number(base):
            raise ValueError(f"cannot scale {base!r}: not a number")
        v = base * lv
        v = math.floor(v + 0.5) if isinstance(base, int) else v  # halves round up
    else:
        v = lv
    if _is_number(v):
        v = max(v, change.min) if change.min is not None else v
        v = min(v, change.max) if change.max is not None else v
    return v


def _write(data: dict[str, Any], where: tuple[Step, ...], value: Any) -> None:
    """Set ``value`` at ``where`` (a concrete tree path) in a scenario's data, in place."""
    if ".".join(map(str, where)) == TOTAL_AIRCRAFT:
        data.update(scale_pledges(data, value))
        return
    root = _WRITE_ROOT.get(str(where[0]), where[0])
    node: Any = data
    steps = (root, *where[1:])
    for step in steps[:-1]:
        node = node.setdefault(step, {}) if isinstance(node, dict) else node[step]
    node[steps[-1]] = value


@dataclass(frozen=True)
class Variant:
    """A factor at one level: the scenario's data with its changes, and what they were."""

    factor: Factor
    level: str
    data: dict[str, Any]
    #: (change index, dotted path, base value, new value) of every value changed
    values: list[tuple[int, str, Any, Any]]


def make_variant(
    data: dict[str, Any], tree: dict[str, Any], factor: Factor, level: str, origin: str
) -> Variant:
    """``factor`` at ``level`` applied to a copy of ``data`` (base values from ``tree``).

    A path that names nothing, or a scale of a value that is not a number, is an
    :class:`InputError` naming ``origin`` (the factor file) and the factor.
    """
    out = copy.deepcopy(data)
    values: list[tuple[int, str, Any, Any]] = []
    for k, change in enumerate(factor.changes):
        try:
            for where, base in expand(tree, change.path):
                v = new_value(change, base, level)
                _write(out, where, v)
                values.append((k, dotted(where), base, v))
        except ValueError as exc:
            field = f"factors[{factor.id}].changes[{k}].path"
            raise InputError([Problem(origin, field, str(exc))]) from None
        except InputError as exc:  # e.g. scaling the pledges of a scenario that has none
            field = f"factors[{factor.id}].changes[{k}].path"
            raise InputError(
                [Problem(origin, field, f"{p.field}: {p.message}") for p in exc.problems]
            ) from None
    return Variant(factor, level, out, values)


def _number_text(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def base_text(variant: Variant) -> str:
    """The base values of a factor's first change: one value, or the least to the greatest."""
    return _span([b for k, _, b, _ in variant.values if k == 0])


def level_text(variant: Variant) -> str:
    """A factor's level in a table, from its first change: the new value(s), or the scale
    (with the new value if there is only one)."""
    first = variant.factor.changes[0]
    new = [v for k, _, _, v in variant.values if k == 0]
    if first.how == "set":
        return _span(new)
    text = TIMES + _number_text(first.low if variant.level == "low" else first.high)
    return f"{text} = {_span(new)}" if len({str(v) for v in new}) == 1 else text


def _span(values: list[Any]) -> str:
    nums = [v for v in values if _is_number(v)]
    if len(nums) == len(values) and nums:
        lo, hi = min(nums), max(nums)
        return _number_text(lo) if lo == hi else f"{_number_text(lo)}{DASH}{_number_text(hi)}"
    distinct = list(dict.fromkeys(str(v) for v in values))
    return distinct[0] if len(distinct) == 1 else "mixed"


def known_metric(name: str) -> bool:
    """Whether ``name`` is a per-replication metric (``shield.hits_on_assets``, ...)."""
    defence, _, figure = name.partition(".")
    if defence in ("baseline", "shield"):
        return figure in (*SUMMARY_KEYS, "protection_ratio") or figure.startswith("hits.")
    return name in (
        "marginal.hits_on_assets_avoided",
        "marginal.leakers_avoided",
        "marginal.cost_per_hit_avoided_usd",
    )


def metric_values(reps: pd.DataFrame, metric: str) -> pd.Series:
    """One metric per replication, indexed by replication (hits per asset absent count 0)."""
    if metric in reps:
        values = reps.set_index("rep")[metric].astype(float)
    else:
        values = pd.Series(math.nan, index=reps["rep"], dtype=float)
    return values.fillna(0.0) if ".hits." in metric else values


def paired(base: pd.DataFrame, variant: pd.DataFrame, metric: str) -> tuple[Interval, Interval]:
    """The variant's mean of ``metric`` with its 95 % interval, and its difference from the
    base, replication by replication (paired), with the interval of the differences.

    Both runs must have the same replications (index and seed): common random numbers.
    """
    b, v = base.set_index("rep")["seed"], variant.set_index("rep")["seed"]
    if not b.sort_index().equals(v.sort_index()):
        raise ValueError("the variant and the base case do not share their replication seeds")
    x, y = metric_values(variant, metric), metric_values(base, metric)
    diff = (x - y.reindex(x.index)).to_numpy(float)
    return mean_interval(x.to_numpy(float), kind=metric_kind(metric)), mean_interval(diff)


def tornado_table(
    base: pd.DataFrame,
    runs: list[tuple[Variant, str, pd.DataFrame]],
    metric: str,
) -> pd.DataFrame:
    """One row per factor: its base, low and high values, ``metric`` at the base, at low and at
    high (mean, 95 % interval), the paired differences from the base (mean, 95 % interval), the
    swing ``|high - low|`` and the runs' ids; sorted by swing, largest first.

    ``runs`` holds each variant with its run id and its replications' metrics.
    """
    b = mean_interval(metric_values(base, metric).to_numpy(float), kind=metric_kind(metric))
    rows: dict[str, dict[str, Any]] = {}
    for variant, run_id, reps in runs:
        f = variant.factor
        row = rows.setdefault(
            f.id,
            {
                "factor": f.id,
                "label": f.label,
                "base_value": base_text(variant),
                "base": b.mean,
                "base.low": b.low,
                "base.high": b.high,
            },
        )
        at, delta = paired(base, reps, metric)
        lv = variant.level
        row.update(
            {
                f"{lv}_value": level_text(variant),
                lv: at.mean,
                f"{lv}.low": at.low,
                f"{lv}.high": at.high,
                f"delta_{lv}": delta.mean,
                f"delta_{lv}.low": delta.low,
                f"delta_{lv}.high": delta.high,
                f"{lv}_run": run_id,
                "note": f.note,
            }
        )
    out = pd.DataFrame(list(rows.values()))
    out["swing"] = (out["high"] - out["low"]).abs()
    order = [
        "factor",
        "label",
        "base_value",
        "low_value",
        "high_value",
        "base",
        "base.low",
        "base.high",
        "low",
        "low.low",
        "low.high",
        "high",
        "high.low",
        "high.high",
        "delta_low",
        "delta_low.low",
        "delta_low.high",
        "delta_high",
        "delta_high.low",
        "delta_high.high",
        "swing",
        "low_run",
        "high_run",
        "note",
    ]
    return (
        out[order]
        .sort_values("swing", ascending=False, kind="stable", key=lambda s: s.fillna(-math.inf))
        .reset_index(drop=True)
    )
