"""Scenario files: pydantic models, YAML loading with line numbers, checks against the world."""

from skyshield.scenario.loader import (
    BUILTIN_SCENARIOS,
    SEARCH_PATH_ENV,
    LoadedScenario,
    builtin_text,
    load_scenario,
    resolved_yaml,
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
    "SEARCH_PATH_ENV",
    "AEWOrbit",
    "Asset",
    "Base",
    "CapStation",
    "LoadedScenario",
    "Member",
    "Pledge",
    "Scenario",
    "TankerTrack",
    "builtin_text",
    "load_scenario",
    "resolved_yaml",
    "scenario_from_data",
]
