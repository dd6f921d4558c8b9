"""The run store (DuckDB) and, in later releases, executors for replications."""

from skyshield.runs.store import Store, default_store_path

__all__ = ["Store", "default_store_path"]
