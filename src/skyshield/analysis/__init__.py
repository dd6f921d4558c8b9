"""Analysis: metrics per replication and their statistics over replications."""

from skyshield.analysis.metrics import replication_metrics
from skyshield.analysis.stats import Interval, mean_interval
from skyshield.analysis.summary import HEADLINE, metric_table

__all__ = ["HEADLINE", "Interval", "mean_interval", "metric_table", "replication_metrics"]
