"""The run store: one embedded DuckDB file holding imported records, runs and backtests.

The layout, its version and the migrations from older stores are in :mod:`skyshield.runs.schema`.

Several processes may use one store (a command line and the web app, two Monte Carlo runs):
every operation opens the file, does one short transaction and closes it again, so the file is
locked only for milliseconds at a time.  An operation that finds the file locked by another
process retries until ``wait_s`` has passed, then raises :class:`StoreBusy` with a plain message.
Every write is one transaction: a failure or a killed process leaves the store as it was.

A run records the host and process that runs it.  A run still marked ``running`` whose process
is gone (killed) reads as ``interrupted``; runs stopped by an error or a signal are marked so at
once.  Rows read back are checked (a run's replications and seed within range; the stored
scenario text against its SHA-256) before anything trusts them.

The default location is ``$SKYSHIELD_STORE`` if set, else
``$XDG_DATA_HOME/skyshield/store.duckdb`` (``~/.local/share/skyshield/store.duckdb``).
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import socket
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd

from skyshield.analysis import FATE_COLUMNS
from skyshield.errors import InputError, Problem
from skyshield.runs.schema import (
    BACKTEST_FIT_COLUMNS,
    BACKTEST_MONTH_COLUMNS,
    LEGACY_ROW_COLUMNS,
    SCHEMA_VERSION,
    migrate,
    stored_version,
)
from skyshield.version import __version__

#: Columns of the ``runs.fates`` table.
FATE_TABLE_COLUMNS = ("run_id", "rep", *FATE_COLUMNS)

#: How long an operation waits for another process to release the store (s), by default.
DEFAULT_WAIT_S = 30.0

#: Pause between attempts to open a locked store (s).
RETRY_S = 0.05

#: Most replications a stored run may claim: a row above it is corrupt (or edited).
MAX_STORED_REPLICATIONS = 10_000_000

#: Run statuses.
RUNNING, DONE, INTERRUPTED, FAILED = "running", "done", "interrupted", "failed"

_LIST_COLUMNS = ("launch_areas", "launch_places_unmapped", "target_regions", "affected_regions")


class StoreBusy(InputError):
    """Another process held the store for longer than the caller was willing to wait."""


def text_sha256(text: str) -> str:
    """SHA-256 (hex) of a text in UTF-8: how runs identify their scenario."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_store_path() -> Path:
    """Where the store lives unless ``--store`` says otherwise."""
    env = os.environ.get("SKYSHIELD_STORE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "skyshield" / "store.duckdb"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _is_lock_error(exc: duckdb.Error) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


#: File names a store may not have: DuckDB names a file's catalog after its stem, which would clash
#: with the store's own schemas (``runs.duckdb`` made every query ambiguous).
RESERVED_STEMS = frozenset({"runs", "record", "meta", "main", "memory", "system", "temp"})


class Store:
    """A run store at ``path`` (created on first use); usable as a context manager.

    ``wait_s``: how long an operation waits for another process holding the file (s).
    ``upgraded_from`` is the layout version the store had when this object upgraded it (a
    message for the user), else None.
    """

    def __init__(self, path: str | Path, *, wait_s: float = DEFAULT_WAIT_S) -> None:
        self.path = Path(path)
        self.wait_s = wait_s
        self.host = socket.gethostname()
        self.upgraded_from: int | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                [Problem(str(self.path), "", f"cannot create the store's folder ({exc})")]
            ) from None
        if self.path.stem.lower() in RESERVED_STEMS:
            raise InputError(
                [
                    Problem(
                        str(self.path),
                        "--store",
                        f"a run store may not be called {self.path.stem!r} (DuckDB would name its"
                        " catalog after the file, and that name is one of the store's own"
                        " schemas); choose another name, such as skyshield.duckdb",
                    )
                ]
            )
        if self.path.exists() and not self.path.is_file():
            raise InputError(
                [Problem(str(self.path), "--store", "expected a store file, found a folder")]
            )
        with self._connect() as con:
            try:
                self.upgraded_from = migrate(con)
            except ValueError as exc:
                raise InputError([Problem(str(self.path), "", str(exc))]) from None
            self._mark_gone_runs(con)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release: every operation closes its own connection."""

    # -- connections ---------------------------------------------------------------------

    @contextmanager
    def _connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation, retried while another process holds the file."""
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=False)
                break
            except duckdb.Error as exc:
                if not _is_lock_error(exc):
                    raise InputError(
                        [Problem(str(self.path), "", f"cannot open the run store ({exc})")]
                    ) from None
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        [
                            Problem(
                                str(self.path),
                                "",
                                "the run store is busy: another skyshield process is writing to"
                                f" it; waited {self.wait_s:g} s (wait longer with --wait SECONDS,"
                                " or use another --store)",
                            )
                        ]
                    ) from None
                time.sleep(RETRY_S)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self._connect(read_only=True) as con:
            return con.execute(sql, list(params)).df()

    @property
    def schema_version(self) -> int:
        """The layout version of the file (:data:`SCHEMA_VERSION` once opened)."""
        with self._connect(read_only=True) as con:
            return stored_version(con)

    # -- the record ----------------------------------------------------------------------

    def has_record(self, sha256: str) -> bool:
        """True if a record file with this hash was imported."""
        q = "SELECT count(*) AS n FROM record.imports WHERE sha256 = ?"
        return bool(self._query(q, [sha256])["n"].iloc[0])

    def add_record(self, sha256: str, path: str, data: bytes, rows: int, launched: float) -> bool:
        """Store an imported record file (its bytes, compressed) and make it the one in use, in
        one transaction; False (and no change) if a file with this hash is already there."""
        with self._transaction() as con:
            row = con.execute(
                "SELECT count(*) FROM record.imports WHERE sha256 = ?", [sha256]
            ).fetchone()
            if row and row[0]:
                return False
            con.execute(
                "INSERT INTO record.imports VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    sha256,
                    path,
                    datetime.now(UTC),
                    rows,
                    launched,
                    __version__,
                    gzip.compress(data, mtime=0),
                ],
            )
            con.execute("DELETE FROM meta.info WHERE key = 'record_in_use'")
        return True

    def imports(self) -> pd.DataFrame:
        """Imported record files, newest first, with ``in_use`` marking the one commands use."""
        df = self._query(
            "SELECT sha256, path, imported_at, rows, launched, code_version,"
            " data IS NULL AS legacy FROM record.imports ORDER BY imported_at DESC"
        )
        use = self.record_in_use()
        df["in_use"] = df["sha256"] == use if use is not None else False
        return df

    def record_in_use(self) -> str | None:
        """The SHA-256 of the import commands use: the one chosen with :meth:`use_record`, else
        the newest; None if nothing was imported."""
        chosen = self._query("SELECT value FROM meta.info WHERE key = 'record_in_use'")
        if len(chosen):
            return str(chosen["value"].iloc[0])
        newest = self._query("SELECT sha256 FROM record.imports ORDER BY imported_at DESC LIMIT 1")
        return str(newest["sha256"].iloc[0]) if len(newest) else None

    def _import_id(self, ref: str) -> str:
        """The full SHA-256 of the import that ``ref`` (a prefix of at least 6 characters)
        names; InputError if none or several do."""
        found = self._query(
            "SELECT sha256 FROM record.imports WHERE starts_with(sha256, ?)", [ref.lower()]
        )
        if len(ref) < 6 or len(found) != 1:
            what = "several imports" if len(found) > 1 else "no import"
            raise InputError(
                [
                    Problem(
                        str(self.path),
                        "import",
                        f"{what} with an id starting {ref!r}; expected 6 or more characters of"
                        " one id (see `skyshield record imports`)",
                    )
                ]
            )
        return str(found["sha256"].iloc[0])

    def use_record(self, ref: str) -> str:
        """Make the import ``ref`` (an id prefix) the one commands use; its full id."""
        sha = self._import_id(ref)
        with self._transaction() as con:
            con.execute("INSERT OR REPLACE INTO meta.info VALUES ('record_in_use', ?)", [sha])
        return sha

    def drop_record(self, ref: str) -> str:
        """Remove the import ``ref`` (an id prefix); if it was in use, the newest remaining
        import is used again.  Its full id."""
        sha = self._import_id(ref)
        with self._transaction() as con:
            con.execute("DELETE FROM record.imports WHERE sha256 = ?", [sha])
            con.execute("DELETE FROM record.legacy_rows WHERE sha256 = ?", [sha])
            con.execute("DELETE FROM meta.info WHERE key = 'record_in_use' AND value = ?", [sha])
        return sha

    def record_file(self, sha256: str) -> tuple[dict[str, Any], bytes | None, pd.DataFrame]:
        """An import's row, its file's bytes (None for a version-1 import) and, for a version-1
        import only, its parsed rows as stored then (empty otherwise)."""
        meta = self._query(
            "SELECT sha256, path, imported_at, rows, launched, code_version, data"
            " FROM record.imports WHERE sha256 = ?",
            [sha256],
        )
        if meta.empty:
            raise InputError([Problem(str(self.path), "import", f"no import {sha256[:12]!r}")])
        row = meta.iloc[0].to_dict()
        blob = row.pop("data")
        if blob is not None and not (isinstance(blob, float) and math.isnan(blob)):
            return row, gzip.decompress(bytes(blob)), pd.DataFrame()
        legacy = self._query(
            f"SELECT {', '.join(LEGACY_ROW_COLUMNS[1:])} FROM record.legacy_rows"
            " WHERE sha256 = ? ORDER BY line",
            [sha256],
        )
        for c in ("time_start", "time_end"):
            legacy[c] = legacy[c].dt.tz_convert("Europe/Kyiv")
        legacy["night"] = pd.to_datetime(legacy["night"]).dt.date
        for c in _LIST_COLUMNS:
            legacy[c] = legacy[c].map(list)
        return row, None, legacy

    # -- runs ------------------------------------------------------------------------------

    def start_run(
        self,
        kind: str,
        scenario_origin: str,
        scenario_text: str,
        raid: str,
        night: int,
        base_seed: int,
        replications: int,
    ) -> str:
        """Record a new run (status ``running``, this process) and return its id."""
        run_id = uuid.uuid4().hex[:12]
        sha = text_sha256(scenario_text)
        with self._transaction() as con:
            con.execute(
                "INSERT INTO runs.runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?,"
                " NULL)",
                [
                    run_id,
                    kind,
                    datetime.now(UTC),
                    scenario_origin,
                    scenario_text,
                    sha,
                    raid,
                    night,
                    base_seed,
                    replications,
                    __version__,
                    RUNNING,
                    self.host,
                    os.getpid(),
                ],
            )
        return run_id

    def claim_run(self, run_id: str) -> None:
        """Mark a run ``running`` in this process again (a resumed run)."""
        with self._transaction() as con:
            con.execute(
                "UPDATE runs.runs SET status = ?, host = ?, pid = ?, message = NULL"
                " WHERE run_id = ?",
                [RUNNING, self.host, os.getpid(), run_id],
            )

    def find_run(
        self,
        kind: str,
        scenario_text: str,
        raid: str,
        night: int,
        base_seed: int,
        replications: int,
    ) -> str | None:
        """The newest run of ``kind`` made by this code version from exactly this scenario text,
        raid, night, base seed and number of replications (what ``sweep --resume`` continues),
        or None."""
        found = self._query(
            "SELECT run_id FROM runs.runs WHERE kind = ? AND scenario_sha256 = ? AND raid = ?"
            " AND night = ? AND base_seed = ? AND replications = ? AND code_version = ?"
            " ORDER BY created_at DESC LIMIT 1",
            [kind, text_sha256(scenario_text), raid, night, base_seed, replications, __version__],
        )
        return None if found.empty else str(found["run_id"].iloc[0])

    def add_replications(
        self, reps_by_run: Mapping[str, Sequence[tuple[int, int, dict[str, float], pd.DataFrame]]]
    ) -> None:
        """Store finished replications ``(index, seed, metrics, fates)`` of one or more runs (run
        id: replications) in one transaction (all or nothing): their metrics and their threats'
        fates (a table per replication with the columns of ``runs.fates`` after ``run_id`` and
        ``rep``)."""
        rows = [
            (run_id, k, seed, m, float(v))
            for run_id, reps in reps_by_run.items()
            for k, seed, metrics, _ in reps
            for m, v in metrics.items()
        ]
        if not rows:
            return
        frame = pd.DataFrame(rows, columns=["run_id", "rep", "seed", "metric", "value"])
        fates = pd.concat(
            [
                f.assign(run_id=run_id, rep=k)
                for run_id, reps in reps_by_run.items()
                for k, _, _, f in reps
                if len(f)
            ]
            or [pd.DataFrame(columns=FATE_TABLE_COLUMNS)],
            ignore_index=True,
        )[list(FATE_TABLE_COLUMNS)]
        with self._transaction() as con:
            con.register("incoming_reps", frame)
            con.execute("INSERT INTO runs.metrics SELECT * FROM incoming_reps")
            con.unregister("incoming_reps")
            con.register("incoming_fates", fates)
            con.execute("INSERT INTO runs.fates SELECT * FROM incoming_fates")
            con.unregister("incoming_fates")

    def finish_run(self, run_id: str, seconds: float) -> None:
        """Mark a run done, with its wall time (s)."""
        self.end_run(run_id, DONE, seconds=seconds)

    def end_run(
        self, run_id: str, status: str, message: str | None = None, seconds: float | None = None
    ) -> None:
        """Mark a run ``done``, ``interrupted`` or ``failed`` (with a message saying why)."""
        with self._transaction() as con:
            con.execute(
                "UPDATE runs.runs SET status = ?, message = ?, seconds = coalesce(?, seconds)"
                " WHERE run_id = ?",
                [status, message, seconds, run_id],
            )

    def _mark_gone_runs(self, con: duckdb.DuckDBPyConnection) -> None:
        """Mark ``interrupted`` the runs of this host still ``running`` whose process is gone."""
        rows = con.execute(
            "SELECT run_id, pid FROM runs.runs WHERE status = ? AND host = ?", [RUNNING, self.host]
        ).fetchall()
        gone = [str(r[0]) for r in rows if r[1] is None or not _pid_alive(int(r[1]))]
        for run_id in gone:
            con.execute(
                "UPDATE runs.runs SET status = ?, message = ? WHERE run_id = ?",
                [INTERRUPTED, "its process ended before the run was done", run_id],
            )

    def run_fates(self, run_id: str) -> pd.DataFrame:
        """Every stored threat's fate of a run: one row per (replication, defence, threat)."""
        return self._query(
            f"SELECT {', '.join(FATE_TABLE_COLUMNS[1:])} FROM runs.fates WHERE run_id = ?"
            " ORDER BY rep, defence, threat",
            [run_id],
        )

    def fate_counts(self, run_id: str) -> pd.DataFrame:
        """Stored fates per replication and defence (``rep``, ``defence``, ``threats``)."""
        return self._query(
            "SELECT rep, defence, count(*) AS threats FROM runs.fates WHERE run_id = ?"
            " GROUP BY rep, defence ORDER BY rep, defence",
            [run_id],
        )

    def run_metrics(self, run_id: str) -> pd.DataFrame:
        """One row per replication, one column per metric (a metric absent in a replication
        is NaN)."""
        long = self._query(
            "SELECT rep, seed, metric, value FROM runs.metrics WHERE run_id = ? ORDER BY rep",
            [run_id],
        )
        if long.empty:
            return pd.DataFrame()
        # pivot, not pivot_table: a metric undefined (NaN) in every replication keeps its column
        wide = long.pivot(index=["rep", "seed"], columns="metric", values="value")
        wide.columns.name = None
        return wide.reset_index()

    def runs(self) -> pd.DataFrame:
        """Every run, newest first, with the number of replications stored; a run whose
        process is gone reads as ``interrupted``."""
        df = self._query(
            "SELECT r.run_id, r.kind, r.created_at, r.scenario_origin, r.raid, r.base_seed,"
            " r.replications, coalesce(d.done, 0) AS stored, r.status, r.seconds, r.host, r.pid"
            " FROM runs.runs r LEFT JOIN (SELECT run_id, count(DISTINCT rep) AS done"
            " FROM runs.metrics GROUP BY run_id) d USING (run_id)"
            " ORDER BY r.created_at DESC"
        )
        gone = [
            st == RUNNING and host == self.host and (pd.isna(pid) or not _pid_alive(int(pid)))
            for st, host, pid in zip(df["status"], df["host"], df["pid"], strict=True)
        ]
        df.loc[gone, "status"] = INTERRUPTED
        return df.drop(columns=["host", "pid"])

    def run(self, run_id: str) -> dict[str, Any]:
        """The row of one run, checked; InputError if there is none or it is corrupt."""
        df = self._query("SELECT * FROM runs.runs WHERE run_id = ?", [run_id])
        if df.empty:
            hint = (
                f"it is a backtest: `skyshield runs show {run_id}`"
                if self.has_backtest(run_id)
                else "see `skyshield runs list`"
            )
            raise InputError([Problem(str(self.path), "run", f"no run {run_id!r} ({hint})")])
        row = dict(df.iloc[0].to_dict())
        self._check_run(row)
        return row

    def _check_run(self, row: dict[str, Any]) -> None:
        """InputError if a stored run's row is out of range or its text does not match its
        hash (the store was edited or damaged)."""
        bad = []
        n, seed = row.get("replications"), row.get("base_seed")
        if not isinstance(n, int | float) or not 1 <= n <= MAX_STORED_REPLICATIONS:
            bad.append(f"replications {n!r} (expected 1..{MAX_STORED_REPLICATIONS:,})")
        if not isinstance(seed, int | float) or not 0 <= seed < 2**63:
            bad.append(f"base seed {seed!r} (expected 0..2**63-1, as --seed takes)")
        text = row.get("scenario_text")
        if not isinstance(text, str) or text_sha256(text) != row.get("scenario_sha256"):
            bad.append("scenario text that does not match its SHA-256")
        if bad:
            raise InputError(
                [
                    Problem(
                        str(self.path),
                        f"run {row.get('run_id')}",
                        "the stored run is damaged or was edited: " + "; ".join(bad),
                    )
                ]
            )

    def done_reps(self, run_id: str) -> set[int]:
        """Indices of the replications of a run that are stored."""
        q = "SELECT DISTINCT rep FROM runs.metrics WHERE run_id = ?"
        return {int(r) for r in self._query(q, [run_id])["rep"]}

    # -- backtests ------------------------------------------------------------------------

    def add_backtest(
        self,
        *,
        scenario_origin: str,
        scenario_text: str,
        record_sha256: str,
        record_origin: str,
        rows_sha256: str,
        months: Sequence[date],
        replications: int,
        sample: int | None,
        base_seed: int,
        train_months: int,
        min_weapons: float,
        seconds: float,
        fits: pd.DataFrame,
        monthly: pd.DataFrame,
    ) -> str:
        """Record a finished backtest, its fitted values (``fits``: the columns of
        ``runs.backtest_fits`` after ``backtest_id``) and its monthly table (``monthly``: those
        of ``runs.backtest_months``) in one transaction (all or nothing); its id."""
        backtest_id = uuid.uuid4().hex[:12]
        with self._transaction() as con:
            con.execute(
                "INSERT INTO runs.backtests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    backtest_id,
                    datetime.now(UTC),
                    __version__,
                    scenario_origin,
                    scenario_text,
                    text_sha256(scenario_text),
                    record_sha256,
                    record_origin,
                    rows_sha256,
                    list(months),
                    replications,
                    sample,
                    base_seed,
                    train_months,
                    min_weapons,
                    seconds,
                ],
            )
            for table, frame, columns in (
                ("backtest_fits", fits, BACKTEST_FIT_COLUMNS),
                ("backtest_months", monthly, BACKTEST_MONTH_COLUMNS),
            ):
                con.register("incoming", frame[list(columns[1:])])
                con.execute(
                    f"INSERT INTO runs.{table} BY NAME SELECT ? AS backtest_id, * FROM incoming",
                    [backtest_id],
                )
                con.unregister("incoming")
        return backtest_id

    def backtests(self) -> pd.DataFrame:
        """Every backtest, newest first: id, when, scenario, first and last month predicted,
        replications, nights sampled a month (NaN: all), seed, the record's SHA-256, and per
        weapon group the mean absolute error by month (``mae_drones`` ..., points)."""
        return self._query(
            "SELECT b.backtest_id, b.created_at, b.scenario_origin, list_min(b.months) AS first,"
            " list_max(b.months) AS last, b.replications, b.sample, b.base_seed,"
            " b.record_sha256, b.code_version, b.seconds, m.mae_drones, m.mae_cruise,"
            " m.mae_ballistic FROM runs.backtests b LEFT JOIN (SELECT backtest_id,"
            " avg(abs(error_pts)) FILTER (WHERE weapon_group = 'drones') AS mae_drones,"
            " avg(abs(error_pts)) FILTER (WHERE weapon_group = 'cruise') AS mae_cruise,"
            " avg(abs(error_pts)) FILTER (WHERE weapon_group = 'ballistic') AS mae_ballistic"
            " FROM runs.backtest_months GROUP BY backtest_id) m USING (backtest_id)"
            " ORDER BY b.created_at DESC"
        )

    def has_backtest(self, backtest_id: str) -> bool:
        """True if a backtest with this id is stored."""
        q = "SELECT count(*) AS n FROM runs.backtests WHERE backtest_id = ?"
        return bool(self._query(q, [backtest_id])["n"].iloc[0])

    def backtest(self, backtest_id: str) -> dict[str, Any]:
        """The row of one backtest; InputError if there is none."""
        df = self._query("SELECT * FROM runs.backtests WHERE backtest_id = ?", [backtest_id])
        if df.empty:
            raise InputError(
                [
                    Problem(
                        str(self.path),
                        "backtest",
                        f"no backtest {backtest_id!r} (see `skyshield runs backtests`)",
                    )
                ]
            )
        row = dict(df.iloc[0].to_dict())
        row["months"] = [pd.Timestamp(m).date() for m in row["months"]]
        return row

    def backtest_fits(self, backtest_id: str) -> pd.DataFrame:
        """A backtest's fitted values with the data each came from (``runs.backtest_fits``),
        by month, weapon group and parameter; dates as ``datetime.date``, the training months
        as lists of ``YYYY-MM`` (as :class:`~skyshield.studies.BacktestResult` has them)."""
        df = self._query(
            f"SELECT {', '.join(BACKTEST_FIT_COLUMNS[1:])} FROM runs.backtest_fits"
            " WHERE backtest_id = ? ORDER BY month, weapon_group, parameter",
            [backtest_id],
        )
        for c in ("month", "first_night", "last_night"):
            df[c] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in df[c]]
        df["train_months"] = [[f"{pd.Timestamp(m):%Y-%m}" for m in ms] for ms in df["train_months"]]
        return df

    def backtest_months(self, backtest_id: str) -> pd.DataFrame:
        """A backtest's monthly table (``runs.backtest_months``), by weapon group and month
        (months as ``datetime.date``)."""
        df = self._query(
            f"SELECT {', '.join(BACKTEST_MONTH_COLUMNS[1:])} FROM runs.backtest_months"
            " WHERE backtest_id = ? ORDER BY weapon_group, month",
            [backtest_id],
        )
        df["month"] = [pd.Timestamp(d).date() for d in df["month"]]
        return df


__all__ = [
    "DEFAULT_WAIT_S",
    "DONE",
    "FAILED",
    "FATE_TABLE_COLUMNS",
    "INTERRUPTED",
    "MAX_STORED_REPLICATIONS",
    "RUNNING",
    "SCHEMA_VERSION",
    "Store",
    "StoreBusy",
    "default_store_path",
    "text_sha256",
]
