"""Which attack record a command uses: a CSV it is given, the import in use in the run store, or
the snapshot shipped in the package (in that order)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from skyshield.errors import InputError, Problem
from skyshield.record import read_record
from skyshield.runs.store import Store, default_store_path

#: The nights the shipped snapshot covers (for messages).
SNAPSHOT_SPAN = "2022-09-28 to 2025-06-30"


@dataclass(frozen=True)
class RecordChoice:
    """The record's rows (``skyshield.record.ROW_COLUMNS``), its SHA-256 and a line saying
    where it comes from (``record: the shipped snapshot ...``)."""

    rows: pd.DataFrame
    sha256: str
    description: str


def record_from_csv(path: Path) -> RecordChoice:
    """The record in a CSV file, read now (not stored)."""
    imp = read_record(path)
    return RecordChoice(imp.rows, imp.sha256, f"record: {path} (sha256 {imp.sha256[:12]})")


def record_in_store(store: Store) -> RecordChoice | None:
    """The import in use in ``store`` (its bytes read with this version's importer), or None
    if nothing was imported."""
    sha = store.record_in_use()
    if sha is None:
        return None
    meta, data, legacy = store.record_file(sha)
    rows = legacy if data is None else read_record(Path(str(meta["path"])), data=data).rows
    return RecordChoice(
        rows,
        sha,
        f"record: import in use in {store.path}: {meta['path']} (sha256 {sha[:12]})",
    )


def snapshot_record() -> RecordChoice:
    """The snapshot shipped in the package."""
    imp = read_record(None)
    return RecordChoice(
        imp.rows,
        imp.sha256,
        f"record: the shipped snapshot ({SNAPSHOT_SPAN}; import a newer file with"
        " `skyshield record import`)",
    )


def choose_record(csv: Path | None = None, store_path: Path | None = None) -> RecordChoice:
    """The record a command uses: ``csv`` if given, else the import in use in the store at
    ``store_path`` (default :func:`default_store_path`) if the store exists and holds one,
    else the shipped snapshot."""
    if csv is not None:
        return record_from_csv(csv)
    path = store_path if store_path is not None else default_store_path()
    if path.exists():
        if not path.is_file():
            raise InputError([Problem(str(path), "--store", "expected a store file")])
        found = record_in_store(Store(path))
        if found is not None:
            return found
    return snapshot_record()
