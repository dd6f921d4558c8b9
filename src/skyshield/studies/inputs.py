"""What the studies take: a scenario, a raid and the record its dates refer to."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from skyshield.engine.api import build_world, load_night
from skyshield.engine.world import World
from skyshield.raids import Night
from skyshield.runs import RecordChoice, Store, choose_record, record_in_store, snapshot_record
from skyshield.scenario import LoadedScenario, load_scenario

#: A scenario as the studies take it: a built-in name, a file, or one already loaded.
ScenarioRef = str | Path | LoadedScenario

#: A raid as the studies take it: ``reference``, a date of the record, a raid file, a night.
RaidRef = str | Path | Night | None

#: The record a raid's dates refer to: one chosen, a function that chooses it when a raid needs
#: it (so that a raid without dates never reads the record), or None (see :func:`record_rows`).
RecordRef = RecordChoice | Callable[[], RecordChoice] | None


def loaded(scenario: ScenarioRef) -> LoadedScenario:
    """The scenario loaded (and checked), unless it already is."""
    return scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)


def record_rows(record: RecordRef, store: Store | None = None) -> Callable[[], pd.DataFrame]:
    """The record's rows, read only when a raid needs them: ``record`` if given (called if it
    is a function); else, with a ``store``, its import in use or the shipped snapshot; else
    :func:`choose_record` (the import in use in the default store, else the snapshot)."""

    def rows() -> pd.DataFrame:
        if isinstance(record, RecordChoice):
            return record.rows
        if record is not None:
            return record().rows
        if store is not None:
            found = record_in_store(store)
            return (found or snapshot_record()).rows
        return choose_record().rows

    return rows


def raid_ref(ls: LoadedScenario, raid: RaidRef) -> str:
    """How a run names its raid in the store (what rebuilds it): the text given, else the
    scenario's raid, else ``reference``; a night given as an object is named ``<night NAME>``."""
    if isinstance(raid, Night):
        return f"<night {raid.name}>"
    if raid is not None:
        return str(raid)
    return ls.raid_ref or "reference"


def night_of(
    ls: LoadedScenario,
    raid: RaidRef,
    night: int,
    record: RecordRef,
    store: Store | None,
) -> Night:
    """The night ``raid`` names for ``ls`` (see :func:`skyshield.engine.api.load_night`)."""
    if isinstance(raid, Night):
        return raid
    ref = None if raid is None else str(raid)
    return load_night(ls, ref, night=night, record_rows=record_rows(record, store))


def world_of(
    scenario: ScenarioRef,
    raid: RaidRef,
    night: int = 1,
    record: RecordRef = None,
    store: Store | None = None,
) -> World:
    """Everything the replications of ``scenario`` against ``raid`` share."""
    ls = loaded(scenario)
    return build_world(ls, night_of(ls, raid, night, record, store))
