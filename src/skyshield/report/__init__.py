"""Figures and reports: maps of the theatre and the force plan."""

from skyshield.report.maps import plot_force_map, plot_raid_map

__all__ = ["plot_force_map", "plot_raid_map"]
