"""Analysis: metrics per replication and their statistics over replications."""

from skyshield.analysis.metrics import FATE_COLUMNS, replication_metrics, threat_fates
from skyshield.analysis.stats import (
    INTERVAL_METHOD,
    MIN_INTERVAL_N,
    Interval,
    mean_interval,
    metric_kind,
)
from skyshield.analysis.summary import HEADLINE, metric_table

__all__ = [
    "FATE_COLUMNS",
    "HEADLINE",
    "INTERVAL_METHOD",
    "MIN_INTERVAL_N",
    "Interval",
    "mean_interval",
    "metric_kind",
    "metric_table",
    "replication_metrics",
    "threat_fates",
]
