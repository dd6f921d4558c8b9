"""The run store: one embedded DuckDB file.

Tables of this release: ``runs`` (one row per Monte Carlo run: the scenario's text and hash, the
raid, the base seed, the code version, status and time), ``replication_metrics`` (one row per
replication and metric), ``record_imports`` (one row per imported record file, keyed by its
SHA-256) and ``record_rows (the imported rows, columns as
:data:`skyshield.record.ROW_COLUMNS`).  Every write is one transaction: a failure or
a killed process leaves the store as it was.

The default location is ``$SKYSHIELD_STORE`` if set, else
``$XDG_DATA_HOME/skyshield/store.duckdb`` (``~/.local/share/skyshield/store.duckdb``).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd

from skyshield import __version__
from skyshield.analysis import FATE_COLUMNS
from skyshield.errors import InputError, Problem
from skyshield.record import ROW_COLUMNS

#: Columns of the ``threat_fates`` table.
FATE_TABLE_COLUMNS = ("run_id", "rep", *FATE_COLUMNS)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR,
    created_at TIMESTAMPTZ,
    scenario_origin VARCHAR,
    scenario_text VARCHAR,
    scenario_sha256 VARCHAR,
    raid VARCHAR,
    night INTEGER,
    base_seed BIGINT,
    replications INTEGER,
    code_version VARCHAR,
    status VARCHAR,
    seconds DOUBLE
);
CREATE TABLE IF NOT EXISTS replication_metrics (
    run_id VARCHAR,
    rep INTEGER,
    seed UBIGINT,
    metric VARCHAR,
    value DOUBLE
);
CREATE TABLE IF NOT EXISTS threat_fates (
    run_id VARCHAR,
    rep INTEGER,
    defence VARCHAR,
    threat INTEGER,
    class_id VARCHAR,
    aim_id VARCHAR,
    fate VARCHAR,
    fate_asset VARCHAR,
    killed_by VARCHAR,
    fate_time_s DOUBLE
);
CREATE TABLE IF NOT EXISTS record_imports (
    sha256 VARCHAR PRIMARY KEY,
    path VARCHAR,
    imported_at TIMESTAMPTZ,
    rows INTEGER,
    launched DOUBLE,
    code_version VARCHAR
);
CREATE TABLE IF NOT EXISTS record_rows (
    sha256 VARCHAR,
    line INTEGER,
    time_start TIMESTAMPTZ,
    time_end TIMESTAMPTZ,
    date_only BOOLEAN,
    night DATE,
    model VARCHAR,
    class_key VARCHAR,
    category VARCHAR,
    launched DOUBLE,
    launched_missing BOOLEAN,
    destroyed DOUBLE,
    not_reach_goal DOUBLE,
    still_attacking DOUBLE,
    launch_place VARCHAR,
    launch_areas VARCHAR[],
    launch_places_unmapped VARCHAR[],
    target VARCHAR,
    target_main VARCHAR,
    target_regions VARCHAR[],
    affected_regions VARCHAR[],
    carrier VARCHAR,
    source VARCHAR
);
ALTER TABLE record_rows ADD COLUMN IF NOT EXISTS still_attacking DOUBLE;
"""

_LIST_COLUMNS = ("launch_areas", "launch_places_unmapped", "target_regions", "affected_regions")


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


class Store:
    """An open run store; use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(str(path))
        except (OSError, duckdb.Error) as exc:
            raise InputError(
                [Problem(str(path), "", f"cannot open the run store ({exc})")]
            ) from None
        self.con.execute(_SCHEMA)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def has_record(self, sha256: str) -> bool:
        """True if a record file with this hash was imported."""
        q = "SELECT count(*) FROM record_imports WHERE sha256 = ?"
        row = self.con.execute(q, [sha256]).fetchone()
        return bool(row and row[0])

    def add_record(self, sha256: str, path: str, rows: pd.DataFrame) -> bool:
        """Store an imported record in one transaction; False (and no change) if already there."""
        if self.has_record(sha256):
            return False
        frame = rows.loc[:, list(ROW_COLUMNS)].copy()
        frame.insert(0, "sha256", sha256)
        for c in _LIST_COLUMNS:
            frame[c] = frame[c].map(lambda v: [str(x) for x in (v if v is not None else [])])
        frame["night"] = pd.to_datetime(frame["night"])
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.register("incoming", frame)
            self.con.execute("INSERT INTO record_rows BY NAME SELECT * FROM incoming")
            self.con.unregister("incoming")
            self.con.execute(
                "INSERT INTO record_imports VALUES (?, ?, ?, ?, ?, ?)",
                [
                    sha256,
                    path,
                    datetime.now(UTC),
                    len(frame),
                    float(frame["launched"].sum()),
                    __version__,
                ],
            )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return True

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
        """Record a new run (status ``running``) and return its id."""
        run_id = uuid.uuid4().hex[:12]
        sha = text_sha256(scenario_text)
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', NULL)",
            [run_id, kind, datetime.now(UTC), scenario_origin, scenario_text, sha, raid, night,
             base_seed, replications, __version__],
        )  # fmt: skip
        return run_id

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
        row = self.con.execute(
            "SELECT run_id FROM runs WHERE kind = ? AND scenario_sha256 = ? AND raid = ?"
            " AND night = ? AND base_seed = ? AND replications = ? AND code_version = ?"
            " ORDER BY created_at DESC LIMIT 1",
            [kind, text_sha256(scenario_text), raid, night, base_seed, replications, __version__],
        ).fetchone()
        return None if row is None else str(row[0])

    def add_replications(
        self, run_id: str, reps: Sequence[tuple[int, int, dict[str, float], pd.DataFrame]]
    ) -> None:
        """Store finished replications ``(index, seed, metrics, fates)`` in one transaction (all
        or nothing): their metrics and their threats' fates (a table per replication with the
        columns of ``threat_fates`` after ``run_id`` and ``rep``)."""
        rows = [
            (run_id, k, seed, m, float(v))
            for k, seed, metrics, _ in reps
            for m, v in metrics.items()
        ]
        frame = pd.DataFrame(rows, columns=["run_id", "rep", "seed", "metric", "value"])
        fates = pd.concat(
            [f.assign(run_id=run_id, rep=k) for k, _, _, f in reps if len(f)]
            or [pd.DataFrame(columns=FATE_TABLE_COLUMNS)],
            ignore_index=True,
        )[list(FATE_TABLE_COLUMNS)]
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.register("incoming_reps", frame)
            self.con.execute("INSERT INTO replication_metrics SELECT * FROM incoming_reps")
            self.con.unregister("incoming_reps")
            self.con.register("incoming_fates", fates)
            self.con.execute("INSERT INTO threat_fates SELECT * FROM incoming_fates")
            self.con.unregister("incoming_fates")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def run_fates(self, run_id: str) -> pd.DataFrame:
        """Every stored threat's fate of a run: one row per (replication, defence, threat)."""
        return self.con.execute(
            f"SELECT {', '.join(FATE_TABLE_COLUMNS[1:])} FROM threat_fates WHERE run_id = ?"
            " ORDER BY rep, defence, threat",
            [run_id],
        ).df()

    def finish_run(self, run_id: str, seconds: float) -> None:
        """Mark a run done, with its wall time (s)."""
        self.con.execute(
            "UPDATE runs SET status = 'done', seconds = ? WHERE run_id = ?", [seconds, run_id]
        )

    def run_metrics(self, run_id: str) -> pd.DataFrame:
        """One row per replication, one column per metric (a metric absent in a replication is NaN)."""
        long = self.con.execute(
            "SELECT rep, seed, metric, value FROM replication_metrics WHERE run_id = ? ORDER BY rep",
            [run_id],
        ).df()
        if long.empty:
            return pd.DataFrame()
        # pivot, not pivot_table: a metric undefined (NaN) in every replication keeps its column
        wide = long.pivot(index=["rep", "seed"], columns="metric", values="value")
        wide.columns.name = None
        return wide.reset_index()

    def runs(self) -> pd.DataFrame:
        """Every run, newest first, with the number of replications stored."""
        return self.con.execute(
            "SELECT r.run_id, r.kind, r.created_at, r.scenario_origin, r.raid, r.base_seed,"
            " r.replications, coalesce(d.done, 0) AS stored, r.status, r.seconds"
            " FROM runs r LEFT JOIN (SELECT run_id, count(DISTINCT rep) AS done"
            " FROM replication_metrics GROUP BY run_id) d USING (run_id)"
            " ORDER BY r.created_at DESC"
        ).df()

    def run(self, run_id: str) -> dict[str, Any]:
        """The row of one run; InputError if there is none."""
        df = self.con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id]).df()
        if df.empty:
            raise InputError(
                [Problem(str(self.path), "run", f"no run {run_id!r} (see `skyshield runs list`)")]
            )
        return dict(df.iloc[0].to_dict())

    def done_reps(self, run_id: str) -> set[int]:
        """Indices of the replications of a run that are stored."""
        rows = self.con.execute(
            "SELECT DISTINCT rep FROM replication_metrics WHERE run_id = ?", [run_id]
        ).fetchall()
        return {int(r[0]) for r in rows}

    def imports(self) -> pd.DataFrame:
        """Imported record files, newest first."""
        return self.con.execute("SELECT * FROM record_imports ORDER BY imported_at DESC").df()

    def latest_record(self) -> tuple[dict[str, Any], pd.DataFrame] | None:
        """The most recently imported record (its import row and its rows), or None."""
        imp = self.imports()
        if imp.empty:
            return None
        meta = imp.iloc[0].to_dict()
        df = self.con.execute(
            "SELECT * EXCLUDE (sha256) FROM record_rows WHERE sha256 = ? ORDER BY line",
            [meta["sha256"]],
        ).df()
        for c in ("time_start", "time_end"):
            df[c] = df[c].dt.tz_convert("Europe/Kyiv")
        df["night"] = df["night"].dt.date
        for c in _LIST_COLUMNS:
            df[c] = df[c].map(list)
        return meta, df[list(ROW_COLUMNS)]
