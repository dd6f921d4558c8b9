"""Analysis: metrics per replication and their statistics over replications."""

from skyshield.analysis.metrics import replication_metrics
from skyshield.analysis.stats import Interval, mean_interval

__all__ = ["Interval", "mean_interval", "replication_metrics"]
