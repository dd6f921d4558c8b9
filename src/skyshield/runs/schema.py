"""The run store's layout, its version and the migrations from older layouts.

Version 3 (skyshield 0.2) keeps the attack record and the runs in separate DuckDB schemas:

- ``meta.info``: ``key``/``value`` pairs, among them ``schema_version`` and ``record_in_use``
  (the SHA-256 of the import commands use; the newest import when absent);
- ``record.imports``: one row per imported record file, keyed by its SHA-256, with the file's
  bytes (``data``), so that every command reads it with the importer of its own version;
  ``record.legacy_rows``: the parsed rows of imports made by version 1, which kept no bytes;
- ``runs.runs``: one row per run (scenario text and hash, raid, seeds, code version, status,
  the process that ran it); ``runs.metrics``: one row per replication and metric;
  ``runs.fates``: one row per replication, defence and threat;
- ``runs.backtests``: one row per backtest of Ukraine's defences against the record (scenario
  text and hash, the record's SHA-256 and origin, the months predicted, replications, nights
  sampled, seed, training-window settings, code version, wall time);
  ``runs.backtest_fits``: one row per predicted month, weapon group and fitted parameter: the
  value used and the record data it was fitted on (months, first and last night, nights,
  weapons at risk and got through); ``runs.backtest_months``: the monthly table (record against
  model, per month and weapon group).

Version 2 had no backtest tables.  Version 1 (skyshield 0.1.0) had the tables ``runs``, ``replication_metrics``, ``threat_fates``,
``record_imports`` and ``record_rows`` in the main schema and no version.  :func:`migrate`
upgrades a store in one transaction; a store newer than this code is refused.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

#: The layout this code reads and writes.
SCHEMA_VERSION = 3

#: Columns of ``record.legacy_rows`` (the parsed rows of a version-1 import).
LEGACY_ROW_COLUMNS = (
    "sha256",
    "line",
    "time_start",
    "time_end",
    "date_only",
    "night",
    "model",
    "class_key",
    "category",
    "launched",
    "launched_missing",
    "destroyed",
    "not_reach_goal",
    "launch_place",
    "launch_areas",
    "launch_places_unmapped",
    "target",
    "target_main",
    "target_regions",
    "affected_regions",
    "carrier",
    "source",
)

_V2 = """
CREATE SCHEMA IF NOT EXISTS meta;
CREATE SCHEMA IF NOT EXISTS record;
CREATE SCHEMA IF NOT EXISTS runs;
CREATE TABLE IF NOT EXISTS meta.info (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS record.imports (
    sha256 VARCHAR PRIMARY KEY,
    path VARCHAR,
    imported_at TIMESTAMPTZ,
    rows INTEGER,
    launched DOUBLE,
    code_version VARCHAR,
    data BLOB
);
CREATE TABLE IF NOT EXISTS record.legacy_rows (
    sha256 VARCHAR, line INTEGER, time_start TIMESTAMPTZ, time_end TIMESTAMPTZ,
    date_only BOOLEAN, night DATE, model VARCHAR, class_key VARCHAR, category VARCHAR,
    launched DOUBLE, launched_missing BOOLEAN, destroyed DOUBLE, not_reach_goal DOUBLE,
    launch_place VARCHAR, launch_areas VARCHAR[], launch_places_unmapped VARCHAR[],
    target VARCHAR, target_main VARCHAR, target_regions VARCHAR[], affected_regions VARCHAR[],
    carrier VARCHAR, source VARCHAR
);
CREATE TABLE IF NOT EXISTS runs.runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR,
    created_at TIMESTAMPTZ,
    scenario_origin VARCHAR,
    scenario_text VARCHAR,
    scenario_sha256 VARCHAR,
    raid VARCHAR,
    night INTEGER,
    base_seed UBIGINT,
    replications INTEGER,
    code_version VARCHAR,
    status VARCHAR,
    seconds DOUBLE,
    host VARCHAR,
    pid INTEGER,
    message VARCHAR
);
CREATE TABLE IF NOT EXISTS runs.metrics (
    run_id VARCHAR, rep INTEGER, seed UBIGINT, metric VARCHAR, value DOUBLE
);
CREATE TABLE IF NOT EXISTS runs.fates (
    run_id VARCHAR, rep INTEGER, defence VARCHAR, threat INTEGER, class_id VARCHAR,
    aim_id VARCHAR, fate VARCHAR, fate_asset VARCHAR, killed_by VARCHAR, fate_time_s DOUBLE
);
"""

#: Columns of ``runs.backtest_fits``.
BACKTEST_FIT_COLUMNS = (
    "backtest_id",
    "month",
    "weapon_group",
    "parameter",
    "value",
    "train_months",
    "first_night",
    "last_night",
    "nights",
    "at_risk",
    "got_through",
    "converged",
)

#: Columns of ``runs.backtest_months``.
BACKTEST_MONTH_COLUMNS = (
    "backtest_id",
    "month",
    "weapon_group",
    "convention",
    "nights",
    "at_risk",
    "record_share",
    "model_share",
    "model_low",
    "model_high",
    "error_pts",
)

#: Tables added by version 3: backtests, the values they fitted and the data behind each, and their
#: monthly tables.  ``weapon_group`` is drones, cruise or ballistic (``group`` is an SQL word);
#: months are their first day; ``train_months`` lists the record months a value was fitted on;
#: ``rows_sha256`` is the digest of the record's rows as the backtest read them (the file's bytes
#: with the user's aliases applied: :meth:`skyshield.runs.records.RecordChoice.rows_sha256`).
_V3 = """
CREATE TABLE IF NOT EXISTS runs.backtests (
    backtest_id VARCHAR PRIMARY KEY,
    created_at TIMESTAMPTZ,
    code_version VARCHAR,
    scenario_origin VARCHAR,
    scenario_text VARCHAR,
    scenario_sha256 VARCHAR,
    record_sha256 VARCHAR,
    record_origin VARCHAR,
    rows_sha256 VARCHAR,
    months DATE[],
    replications INTEGER,
    sample INTEGER,
    base_seed UBIGINT,
    train_months INTEGER,
    min_weapons DOUBLE,
    seconds DOUBLE
);
CREATE TABLE IF NOT EXISTS runs.backtest_fits (
    backtest_id VARCHAR, month DATE, weapon_group VARCHAR, parameter VARCHAR, value DOUBLE,
    train_months DATE[], first_night DATE, last_night DATE, nights INTEGER, at_risk DOUBLE,
    got_through DOUBLE, converged BOOLEAN
);
CREATE TABLE IF NOT EXISTS runs.backtest_months (
    backtest_id VARCHAR, month DATE, weapon_group VARCHAR, convention VARCHAR, nights INTEGER,
    at_risk DOUBLE, record_share DOUBLE, model_share DOUBLE, model_low DOUBLE, model_high DOUBLE,
    error_pts DOUBLE
);
"""

#: SQL that copies a version-1 store into the version-2 tables (after :data:`_V2` ran).
_FROM_V1 = """
INSERT INTO runs.runs SELECT run_id, kind, created_at, scenario_origin, scenario_text,
    scenario_sha256, raid, night, base_seed, replications, code_version,
    CASE WHEN status = 'running' THEN 'interrupted' ELSE status END, seconds,
    NULL, NULL, NULL FROM main.runs;
INSERT INTO runs.metrics SELECT run_id, rep, seed, metric, value FROM main.replication_metrics;
INSERT INTO runs.fates SELECT * FROM main.threat_fates;
INSERT INTO record.imports SELECT sha256, path, imported_at, rows, launched, code_version, NULL
    FROM main.record_imports;
INSERT INTO record.legacy_rows SELECT * FROM main.record_rows;
DROP TABLE main.runs;
DROP TABLE main.replication_metrics;
DROP TABLE main.threat_fates;
DROP TABLE main.record_imports;
DROP TABLE main.record_rows;
"""


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables"
        " WHERE table_catalog = current_database()"
    ).fetchall()
    return {str(r[0]) for r in rows}


def stored_version(con: duckdb.DuckDBPyConnection) -> int:
    """The layout version of an open store: 0 for an empty file, 1 for skyshield 0.1.0."""
    tables = _tables(con)
    if "meta.info" in tables:
        row = con.execute("SELECT value FROM meta.info WHERE key = 'schema_version'").fetchone()
        if row is not None:
            return int(row[0])
    return 1 if "main.runs" in tables or "main.record_imports" in tables else 0


def _set_version(con: duckdb.DuckDBPyConnection, version: int) -> None:
    con.execute("INSERT OR REPLACE INTO meta.info VALUES ('schema_version', ?)", [str(version)])


def _create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_V2)
    con.execute(_V3)
    _set_version(con, SCHEMA_VERSION)


def _v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_V2)
    con.execute(_FROM_V1)
    _set_version(con, 2)


def _v2_to_v3(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_V3)
    _set_version(con, 3)


#: Migrations by the version they upgrade from.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
}


def migrate(con: duckdb.DuckDBPyConnection) -> int | None:
    """Bring an open (writable) store to :data:`SCHEMA_VERSION` in one transaction.

    Returns the version it had if it was upgraded, None if it was new or current.  Raises
    ``ValueError`` for a store of a newer version than this code.
    """
    version = stored_version(con)
    if version == SCHEMA_VERSION:
        return None
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"the store has layout version {version}, newer than this skyshield's"
            f" ({SCHEMA_VERSION}); expected a store made by this or an older version"
            " (upgrade skyshield, or use another --store)"
        )
    con.execute("BEGIN TRANSACTION")
    try:
        if version == 0:
            _create(con)
        else:
            for v in range(version, SCHEMA_VERSION):
                MIGRATIONS[v](con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return None if version == 0 else version
