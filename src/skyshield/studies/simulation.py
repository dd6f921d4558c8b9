"""One replication of one night, with every table: ``skyshield.simulate`` from Python."""

from __future__ import annotations

from skyshield.engine.api import SimulationResult
from skyshield.engine.names import DEFENCES
from skyshield.engine.sim import run_replication
from skyshield.errors import InputError, Problem
from skyshield.runs import Store
from skyshield.studies.inputs import RaidRef, RecordRef, ScenarioRef, world_of


def simulate(
    scenario: ScenarioRef,
    raid: RaidRef = None,
    *,
    seed: int = 1,
    defence: str = "both",
    night: int = 1,
    record: RecordRef = None,
    store: Store | None = None,
) -> SimulationResult:
    """Run one replication of ``raid`` against ``scenario`` and return its tables.

    ``raid`` is ``reference``, a night of the record (``"2025-06-08"``: read from ``record``,
    else the import in use in ``store`` or in the default store, else the shipped snapshot),
    a raid file, or a :class:`~skyshield.raids.Night`; default the scenario's raid.  ``defence``
    is ``baseline`` (Ukraine's own defences), ``shield`` (those plus the coalition's fighters)
    or ``both`` (the two on common random numbers).
    """
    if defence not in (*DEFENCES, "both"):
        raise InputError(
            [Problem("defence", "", f"expected baseline, shield or both, got {defence!r}")]
        )
    world = world_of(scenario, raid, night, record, store)
    defences = DEFENCES if defence == "both" else (defence,)
    return SimulationResult(seed, run_replication(world, seed, defences), world.catalog)
