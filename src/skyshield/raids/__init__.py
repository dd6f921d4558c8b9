"""Raids: nights of threats from the record, the generator or the built-in reference, flown
along seeded routes."""

from skyshield.raids.fly import RaidContext, fly
from skyshield.raids.generator import RaidModel, fit, generate, parse_window, sample_counts
from skyshield.raids.load import (
    BUILTIN_RAIDS,
    load_raid,
    pick_night,
    raid_context,
    write_raid_file,
)
from skyshield.raids.replay import night_from_record
from skyshield.raids.spec import Aim, Night, RaidFile, ThreatGroup
from skyshield.raids.threats import Threats

__all__ = [
    "BUILTIN_RAIDS",
    "Aim",
    "Night",
    "RaidContext",
    "RaidFile",
    "RaidModel",
    "ThreatGroup",
    "Threats",
    "fit",
    "fly",
    "generate",
    "load_raid",
    "night_from_record",
    "parse_window",
    "pick_night",
    "raid_context",
    "sample_counts",
    "write_raid_file",
]
