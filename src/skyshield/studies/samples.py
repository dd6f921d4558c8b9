"""One replication kept whole for the report's map: the threats' routes and both outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from skyshield.engine.sim import Outcome, flown_threats, run_replication
from skyshield.engine.world import World
from skyshield.raids import Threats


@dataclass(frozen=True)
class SampleNight:
    """Replication ``rep`` (seed ``seed``): the routes flown and the outcome of each defence."""

    rep: int
    seed: int
    threats: Threats
    outcomes: dict[str, Outcome]


def sample_night(world: World, rep: int, seed: int) -> SampleNight:
    """Run replication ``rep`` with ``seed`` (baseline and shield) and keep its routes."""
    return SampleNight(rep, seed, flown_threats(world, seed), run_replication(world, seed))
