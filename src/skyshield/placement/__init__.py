"""CAP station placement: choose stations on a grid of the patrol zone by a MILP (HiGHS) over
threat paths sampled from a raid, within the aircraft that sortie generation allows."""

from skyshield.placement.candidates import Candidates, grid_candidates
from skyshield.placement.caps import CapPlacement, Settings, place_caps, write_scenario
from skyshield.placement.coverage import coverage, reach_by_class
from skyshield.placement.paths import PathSample, sample_paths
from skyshield.placement.solve import (
    Choice,
    Supply,
    covered_value,
    greedy_placement,
    max_stations,
    merge_paths,
    solve_placement,
)
from skyshield.placement.supply import station_supply

__all__ = [
    "Candidates",
    "CapPlacement",
    "Choice",
    "PathSample",
    "Settings",
    "Supply",
    "coverage",
    "covered_value",
    "greedy_placement",
    "grid_candidates",
    "max_stations",
    "merge_paths",
    "place_caps",
    "reach_by_class",
    "sample_paths",
    "solve_placement",
    "station_supply",
    "write_scenario",
]
