"""The run store (DuckDB): imported records, runs and backtests, with a versioned layout; which
record a command uses; what a stored run was made from."""

from skyshield.runs.records import RecordChoice, choose_record, record_in_store, snapshot_record
from skyshield.runs.store import (
    DEFAULT_WAIT_S,
    DONE,
    FAILED,
    INTERRUPTED,
    RUNNING,
    Store,
    StoreBusy,
    default_store_path,
    text_sha256,
)

__all__ = [
    "DEFAULT_WAIT_S",
    "DONE",
    "FAILED",
    "INTERRUPTED",
    "RUNNING",
    "RecordChoice",
    "Store",
    "StoreBusy",
    "choose_record",
    "default_store_path",
    "record_in_store",
    "snapshot_record",
    "text_sha256",
]
