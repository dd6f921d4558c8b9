"""Parameter uncertainty: the uncertain inputs drawn anew for every replication.

A Monte Carlo interval over replications covers the dice (routes, timings, kills) but not what
nobody knows exactly: kill probabilities, detection ranges, the ground layer's effectiveness,
costs, the share of weapons aimed at the protected assets.  Each such input is a factor of the
sensitivity analysis (``data/catalog/sensitivity.yaml``) with a low and a high value from its
sources or a stated assumption; ``data/catalog/uncertainty.yaml`` lists the factors that are
uncertain inputs (not choices of the plan such as the number of jets or the weapon policy) and
how each is drawn between its low and high value.

For replication ``k`` with seed ``s`` the draws come from their own stream,
``SeedSequence(s).spawn(5)[4]`` (the engine's own four streams are the first four), so the dice
of a replication are the same with and without parameter uncertainty: the two runs are paired,
and the difference of their intervals is the parameters' share of the uncertainty.

A draw changes only what a replication reads at run time (the catalog's weapons, threats, AEW
and fighter figures, the engine's and ground layer's parameters, the target model); the force
plan and the theatre's geometry stay those of the world, so a factor that changes them (the
mission-capable rate, the number of jets) cannot be an uncertain input.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from skyshield.analysis.sensitivity import (
    Change,
    Factor,
    Step,
    expand,
    load_factors,
    parameter_tree,
)
from skyshield.catalog.bibliography import require_note
from skyshield.engine.sensors import Sensor
from skyshield.engine.world import World
from skyshield.errors import InputError, Problem

#: The shipped list of uncertain inputs (in ``skyshield/data/catalog``).
UNCERTAINTY_FILE = "uncertainty.yaml"

#: Roots of the parameter tree a replication reads at run time (what a draw may change).
RUN_TIME_ROOTS = ("catalog", "engine", "ground_defences", "targets")

#: Catalog sections a draw may change (not those the force plan is made from).
RUN_TIME_SECTIONS = ("weapons", "threats", "aew", "fighters")

#: Fighter fields a draw may change (not those the force plan is made from).
RUN_TIME_FIGHTER_FIELDS = ("radar_range_km", "cost_per_flight_hour_usd", "dash_speed_kmh")

#: Index of the parameter stream among a replication seed's children.
PARAMETER_STREAM = 4

#: The kind of a stored run with parameter uncertainty, by the kind of its dice-only run.
UNCERTAIN_KIND = {"mc": "mc+uncertainty", "assess": "assess+uncertainty"}


def is_uncertain(kind: str) -> bool:
    """Whether a stored run of ``kind`` drew its uncertain inputs per replication."""
    return kind.endswith("+uncertainty")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UncertainInput(_Model):
    """A factor of the sensitivity analysis drawn per replication: uniformly between its low
    and high level, or triangularly with its mode at the base value."""

    factor: str
    distribution: Literal["uniform", "triangular"] = "uniform"


class UncertaintyFile(_Model):
    """The uncertain inputs and the note on why these and not others."""

    inputs: list[UncertainInput] = Field(min_length=1)
    note: str

    @field_validator("note")
    @classmethod
    def _noted(cls, v: str) -> str:
        return require_note(v)


@cache
def _shipped_inputs() -> UncertaintyFile:
    text = resources.files("skyshield.data.catalog").joinpath(UNCERTAINTY_FILE).read_text("utf-8")
    return UncertaintyFile.model_validate(yaml.safe_load(text))


@dataclass(frozen=True)
class _Path:
    """One concrete value a factor changes: its path, its base value and the change."""

    where: tuple[Step, ...]
    base: float
    change: Change


@dataclass(frozen=True)
class Uncertainty:
    """The uncertain inputs of one scenario, resolved to the concrete values they change."""

    inputs: tuple[tuple[UncertainInput, Factor, tuple[_Path, ...]], ...]

    @property
    def factor_ids(self) -> list[str]:
        """The factors drawn, in order."""
        return [f.id for _, f, _ in self.inputs]

    def draw(self, seed: int) -> dict[tuple[Step, ...], float]:
        """The values of replication ``seed``: one draw per factor in ``[0, 1]`` (uniform, or
        triangular with its mode at the base value's place), applied to every value it
        changes."""
        rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(PARAMETER_STREAM + 1)[-1])
        u = rng.random(len(self.inputs))
        out: dict[tuple[Step, ...], float] = {}
        for (spec, _, paths), ui in zip(self.inputs, u, strict=True):
            for p in paths:
                lo, hi = float(p.change.low), float(p.change.high)
                base = 1.0 if p.change.how == "scale" else p.base
                level = _quantile(ui, lo, hi, base, spec.distribution)
                v = p.base * level if p.change.how == "scale" else level
                if p.change.min is not None:
                    v = max(v, p.change.min)
                if p.change.max is not None:
                    v = min(v, p.change.max)
                out[p.where] = (
                    round(v) if isinstance(p.base, int) and p.change.how == "scale" else v
                )
        return out

    def world_of(self, world: World, seed: int) -> World:
        """``world`` with replication ``seed``'s drawn values (a shallow copy: the geometry
        and the force plan are shared)."""
        values = self.draw(seed)
        by_root: dict[str, dict[tuple[Step, ...], float]] = {}
        for where, v in values.items():
            by_root.setdefault(str(where[0]), {})[where[1:]] = v
        w = copy.copy(world)
        if "catalog" in by_root:
            w.catalog = _patched(world.catalog, by_root["catalog"])
            w.ctx = copy.copy(world.ctx)
            w.ctx.catalog = w.catalog
            w.aew = [
                Sensor(
                    s.name,
                    s.x_km,
                    s.y_km,
                    s.altitude_m,
                    w.catalog.aew[o.type].ref_range_km,
                    s.ref_rcs_m2,
                )
                for s, o in zip(world.aew, world.ls.scenario.aew_orbits, strict=True)
            ]
        if "engine" in by_root:
            w.params = _patched(world.params, by_root["engine"])
        if "ground_defences" in by_root:
            w.ground = _patched(world.ground, by_root["ground_defences"])
        if "targets" in by_root:
            if w.ctx is world.ctx:
                w.ctx = copy.copy(world.ctx)
            w.ctx.asset_share = float(by_root["targets"][("asset_share",)])
        return w


def _quantile(u: float, lo: float, hi: float, mode: float, distribution: str) -> float:
    """The ``u`` quantile of the distribution between ``lo`` and ``hi``."""
    a, b = min(lo, hi), max(lo, hi)
    if distribution == "uniform" or b == a:
        return a + u * (b - a)
    c = min(max(mode, a), b)
    f = (c - a) / (b - a)
    if u < f:
        return a + float(np.sqrt(u * (b - a) * (c - a)))
    return b - float(np.sqrt((1 - u) * (b - a) * (b - c)))


def _patched(node: Any, values: Mapping[tuple[Step, ...], float]) -> Any:
    """A copy of ``node`` (pydantic models and mappings) with the values at the given paths;
    parts not on a path are shared, not copied."""
    by_head: dict[Step, dict[tuple[Step, ...], float]] = {}
    for where, v in values.items():
        by_head.setdefault(where[0], {})[where[1:]] = v
    if isinstance(node, BaseModel):
        update = {
            str(k): (v[()] if () in v else _patched(getattr(node, str(k)), v))
            for k, v in by_head.items()
        }
        return node.model_copy(update=update)
    if isinstance(node, Mapping):
        out = dict(node)
        for key, sub in by_head.items():
            out[key] = sub[()] if () in sub else _patched(node[key], sub)
        return out
    raise TypeError(f"cannot patch a {type(node).__name__}")


def _run_time(where: tuple[Step, ...]) -> bool:
    if not where or where[0] not in RUN_TIME_ROOTS:
        return False
    if where[0] == "catalog":
        if len(where) < 3 or where[1] not in RUN_TIME_SECTIONS:
            return False
        if where[1] == "fighters":
            return len(where) > 3 and where[3] in RUN_TIME_FIGHTER_FIELDS
    if where[0] == "targets":
        return where[1:] == ("asset_share",)
    return True


def load_uncertainty(ls: Any, origin: str = f"<builtin catalog {UNCERTAINTY_FILE}>") -> Uncertainty:
    """The shipped uncertain inputs resolved against scenario ``ls`` (its parameter tree);
    InputError naming the file if one names an unknown factor, a factor of words, or a value
    the force plan is made from."""
    spec = _shipped_inputs()
    factors = {f.id: f for f in load_factors(None)[0]}
    tree = parameter_tree(ls)
    inputs = []
    problems = []
    for i, u in enumerate(spec.inputs):
        f = factors.get(u.factor)
        if f is None:
            problems.append(Problem(origin, f"inputs[{i}].factor", f"unknown factor {u.factor!r}"))
            continue
        paths = []
        for change in f.changes:
            for where, base in expand(tree, change.path):
                if (
                    not _run_time(where)
                    or isinstance(base, bool)
                    or not isinstance(base, int | float)
                ):
                    problems.append(
                        Problem(
                            origin,
                            f"inputs[{i}].factor",
                            f"factor {f.id!r} changes"
                            f" {'.'.join(map(str, where))}, which is not a number read at"
                            " run time (a choice or part of the force plan)",
                        )
                    )
                    continue
                paths.append(_Path(where, base, change))
        inputs.append((u, f, tuple(paths)))
    if problems:
        raise InputError(problems)
    return Uncertainty(tuple(inputs))


@dataclass(frozen=True)
class UncertainWorld:
    """A world whose replications each draw the uncertain inputs anew (:class:`Uncertainty`);
    executors run it as they run a world."""

    world: World
    uncertainty: Uncertainty

    @property
    def ls(self) -> Any:
        """The scenario of the world."""
        return self.world.ls

    def for_seed(self, seed: int) -> World:
        """The world of replication ``seed``: the world with that replication's draws."""
        return self.uncertainty.world_of(self.world, seed)


#: What an executor runs: a world, or a world with parameter uncertainty.
Runnable = World | UncertainWorld
