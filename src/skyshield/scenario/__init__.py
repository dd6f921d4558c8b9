"""Scenario files: pydantic models, YAML loading with line numbers, checks against the world."""

from skyshield.scenario.loader import (
    BUILTIN_SCENARIOS,
    LoadedScenario,
    load_scenario,
    scenario_from_data,
)
from skyshield.scenario.models import (
    AEWOrbit,
    Asset,
    Base,
    CapStation,
    Member,
    Pledge,
    Scenario,
    TankerTrack,
)

__all__ = [
    "BUILTIN_SCENARIOS",
    "AEWOrbit",
    "Asset",
    "Base",
    "CapStation",
    "LoadedScenario",
    "Member",
    "Pledge",
    "Scenario",
    "TankerTrack",
    "load_scenario",
    "scenario_from_data",
]
