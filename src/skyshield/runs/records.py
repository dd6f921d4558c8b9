"""Which attack record a command uses: a CSV it is given, the import in use in the run store, or
the snapshot shipped in the package (in that order)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from skyshield.errors import InputError, Problem
from skyshield.record import ROW_COLUMNS, RecordAliases, apply_aliases, read_record, row_warnings
from skyshield.runs.store import Store, default_store_path

#: Environment variable naming the user's aliases file (extra model names and launch places),
#: read whenever the record is read without aliases given.
ALIASES_ENV = "SKYSHIELD_RECORD_ALIASES"

#: The nights the shipped snapshot covers (for messages).
SNAPSHOT_SPAN = "2022-09-28 to 2025-06-30"


@dataclass(frozen=True)
class RecordChoice:
    """The record's rows (``skyshield.record.ROW_COLUMNS``), its SHA-256 and a line saying
    where it comes from (``record: the shipped snapshot ...``); ``warnings``: names of the
    record that no table or alias maps (a line each, with the weapons they count)."""

    rows: pd.DataFrame
    sha256: str
    description: str
    warnings: tuple[str, ...] = field(default=())

    def rows_sha256(self) -> str:
        """SHA-256 (hex) of the rows as read, written as CSV: what a study used, whatever file
        and aliases they came from (the same file read with other aliases gives another)."""
        return hashlib.sha256(self.rows.to_csv(index=False).encode("utf-8")).hexdigest()


def record_from_csv(path: Path, aliases: RecordAliases | None = None) -> RecordChoice:
    """The record in a CSV file, read now (not stored), with the user's ``aliases``."""
    imp = read_record(path, aliases=aliases)
    return RecordChoice(
        imp.rows, imp.sha256, f"record: {path} (sha256 {imp.sha256[:12]})", imp.report.warnings
    )


def record_in_store(store: Store, aliases: RecordAliases | None = None) -> RecordChoice | None:
    """The import in use in ``store`` (its bytes read with this version's importer and the
    user's ``aliases``), or None if nothing was imported."""
    sha = store.record_in_use()
    if sha is None:
        return None
    meta, data, legacy = store.record_file(sha)
    description = f"record: import in use in {store.path}: {meta['path']} (sha256 {sha[:12]})"
    if data is None:  # parsed rows of a 0.1.0 import; columns added since are unknown (NaN)
        rows = legacy.reindex(columns=list(ROW_COLUMNS))
        if aliases is not None:
            rows = apply_aliases(rows, aliases)
        return RecordChoice(rows, sha, description, row_warnings(rows))
    # accepted once (perhaps with --force): read as it was imported, never refused now
    imp = read_record(Path(str(meta["path"])), data=data, aliases=aliases, force=True)
    return RecordChoice(imp.rows, sha, description, imp.report.warnings)


def snapshot_record(aliases: RecordAliases | None = None) -> RecordChoice:
    """The snapshot shipped in the package (with the user's ``aliases``)."""
    imp = read_record(None, aliases=aliases)
    return RecordChoice(
        imp.rows,
        imp.sha256,
        f"record: the shipped snapshot ({SNAPSHOT_SPAN}; import a newer file with"
        " `skyshield record import`)",
        imp.report.warnings,
    )


def aliases_from_env(path: Path | None = None) -> RecordAliases | None:
    """The user's aliases file ``path`` (default: the one ``$SKYSHIELD_RECORD_ALIASES``
    names), read and checked (InputError naming the file otherwise); None if neither is
    given."""
    from skyshield.catalog import load_catalog
    from skyshield.record import load_aliases, load_launch_areas

    if path is None:
        named = os.environ.get(ALIASES_ENV, "").strip()
        path = Path(named) if named else None
    return load_aliases(path, load_catalog(), load_launch_areas()) if path else None


def choose_record(
    csv: Path | None = None,
    store_path: Path | None = None,
    aliases: RecordAliases | None = None,
) -> RecordChoice:
    """The record a command uses: ``csv`` if given, else the import in use in the store at
    ``store_path`` (default :func:`default_store_path`) if the store exists and holds one,
    else the shipped snapshot; read with the user's ``aliases`` (extra model names and launch
    places, :func:`skyshield.record.load_aliases`; default: :func:`aliases_from_env`)."""
    if aliases is None:
        aliases = aliases_from_env()
    if csv is not None:
        return record_from_csv(csv, aliases)
    path = store_path if store_path is not None else default_store_path()
    if path.exists():
        if not path.is_file():
            raise InputError([Problem(str(path), "--store", "expected a store file")])
        found = record_in_store(Store(path), aliases)
        if found is not None:
            return found
    return snapshot_record(aliases)
