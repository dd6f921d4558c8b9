"""Figures and reports: maps of the theatre and the force plan."""

from skyshield.report.charts import plot_sizing_curve
from skyshield.report.maps import plot_force_map, plot_raid_map

__all__ = ["plot_force_map", "plot_raid_map", "plot_sizing_curve"]
