"""The run store (DuckDB) and the executors that run replications (process pool, dask)."""

from skyshield.runs.store import Store, default_store_path

__all__ = ["Store", "default_store_path"]
