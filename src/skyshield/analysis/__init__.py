"""Analysis: metrics per replication and their statistics over replications."""

from skyshield.analysis.metrics import FATE_COLUMNS, replication_metrics, threat_fates
from skyshield.analysis.stats import Interval, mean_interval
from skyshield.analysis.summary import HEADLINE, metric_table

__all__ = [
    "FATE_COLUMNS",
    "HEADLINE",
    "Interval",
    "mean_interval",
    "metric_table",
    "replication_metrics",
    "threat_fates",
]
