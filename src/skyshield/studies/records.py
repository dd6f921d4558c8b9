"""Importing a record file into the run store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skyshield.errors import InputError, Problem
from skyshield.record import ImportReport, RecordAliases, read_record
from skyshield.runs import Store


@dataclass(frozen=True)
class RecordImported:
    """An import: its report, the file's SHA-256, its rows, and whether it was new to the
    store (False: a file with the same bytes was imported before; nothing changed)."""

    report: ImportReport
    sha256: str
    rows: int
    added: bool


def import_record(
    path: Path,
    store: Store,
    aliases: RecordAliases | None = None,
    *,
    strict: bool = False,
    force: bool = False,
) -> RecordImported:
    """Read and check the record CSV at ``path`` and keep it in ``store`` (its bytes, so that
    every later version reads it with its own importer); it becomes the record in use.
    ``aliases`` (the user's extra names) shape the import report; they are not stored: every
    command that reads the record takes them again.  Impossible rows are skipped and listed in
    the report (``strict``: the file is refused instead); a file that does not look like the
    record is refused unless ``force`` (:func:`skyshield.record.read_record`)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(path), "", "is a directory, not a CSV file")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), "", f"cannot read ({exc.strerror})")]) from None
    imp = read_record(path, data=data, aliases=aliases, strict=strict, force=force)
    launched = float(imp.rows["launched"].sum()) if len(imp.rows) else 0.0
    added = store.add_record(imp.sha256, str(path), data, len(imp.rows), launched)
    return RecordImported(imp.report, imp.sha256, len(imp.rows), added)
