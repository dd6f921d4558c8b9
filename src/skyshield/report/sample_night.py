"""One replication kept whole for the report's map: the threats' routes and both outcomes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skyshield.engine.sim import Outcome, World, run_replication
from skyshield.raids import Threats, fly


@dataclass(frozen=True)
class SampleNight:
    """Replication ``rep`` (seed ``seed``): the routes flown and the outcome of each defence."""

    rep: int
    seed: int
    threats: Threats
    outcomes: dict[str, Outcome]


def sample_night(world: World, rep: int, seed: int) -> SampleNight:
    """Run replication ``rep`` with ``seed`` (baseline and shield) and keep its routes.

    The routes are flown again from the replication's route stream, the first of the four
    streams :func:`~skyshield.engine.sim.run_replication` spawns from the seed, so they are the
    routes the outcomes were computed on (checked: same threats, same arrival times).
    """
    routes_ss = np.random.SeedSequence(seed).spawn(4)[0]
    threats = fly(world.night, world.ctx, np.random.default_rng(routes_ss))
    outcomes = run_replication(world, seed)
    table = next(iter(outcomes.values())).threats
    if len(table) != len(threats) or not np.allclose(
        table["arrival_time_s"].to_numpy(float), threats.arrival_time_s
    ):
        raise RuntimeError("the sample night's routes differ from its replication's routes")
    return SampleNight(rep, seed, threats, outcomes)
