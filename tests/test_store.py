"""The run store: a versioned layout with migrations, record and run data apart, several
processes at once, runs that end as interrupted or failed, and stored rows checked before they
are trusted."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from skyshield.cli.main import main
from skyshield.errors import InputError
from skyshield.runs import Store, StoreBusy
from skyshield.runs.records import record_in_store
from skyshield.runs.schema import SCHEMA_VERSION, stored_version

DATA = Path(__file__).parent / "data"


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    """A store written by skyshield 0.1.0 (layout version 1): one `mc` run of 3 replications of
    the small scenario against the reference raid (seed 5), and one record import."""
    path = tmp_path / "old.duckdb"
    path.write_bytes(gzip.decompress((DATA / "store_v0.1.0.duckdb.gz").read_bytes()))
    return path


@pytest.fixture
def layout2_store(tmp_path: Path) -> Path:
    """A store written by skyshield 0.2.0 before backtests were stored (layout version 2): the
    record CSV of the 0.1.0 fixture imported, then one `mc` run of 1 replication of the small
    scenario against the reference raid (seed 5)."""
    path = tmp_path / "layout2.duckdb"
    path.write_bytes(gzip.decompress((DATA / "store_layout2.duckdb.gz").read_bytes()))
    return path


#: The tables of the backtests, new in layout version 3.
BACKTEST_TABLES = {"runs.backtests", "runs.backtest_fits", "runs.backtest_months"}


def _tables(path: Path) -> set[str]:
    con = duckdb.connect(str(path))
    try:
        rows = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def test_an_older_store_is_upgraded_keeping_its_runs_and_imports(
    old_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "main.runs" in _tables(old_store)
    assert main(["runs", "list", "--store", str(old_store)]) == 0
    assert "upgraded the run store" in capsys.readouterr().err
    store = Store(old_store)
    assert store.schema_version == SCHEMA_VERSION == 3
    assert {"runs.runs", "runs.metrics", "runs.fates", "record.imports", "meta.info"} <= _tables(
        old_store
    )
    assert _tables(old_store) >= BACKTEST_TABLES and store.backtests().empty
    assert not {t for t in _tables(old_store) if t.startswith("main.")}
    runs = store.runs()
    assert len(runs) == 1 and runs["replications"].iloc[0] == 3 and runs["stored"].iloc[0] == 3
    run_id = str(runs["run_id"].iloc[0])
    assert len(store.run_metrics(run_id)) == 3
    assert len(store.run_fates(run_id)) == 3 * 2 * 860  # every threat's fate, both defences
    # the import made by 0.1.0 kept its parsed rows (it had no bytes) and is still the record
    record = record_in_store(store)
    assert record is not None and len(record.rows) == 39
    assert store.imports()["legacy"].tolist() == [True]


@pytest.mark.slow
def test_an_upgraded_run_is_rerun_and_names_the_version_that_made_it(
    old_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 0.1.0 run reruns from the upgraded store; the ground layer was recalibrated since, so
    its numbers differ, and the rerun says which version made the run instead of hiding it."""
    run_id = str(Store(old_store).runs()["run_id"].iloc[0])
    assert main(["runs", "rerun", run_id, "--store", str(old_store)]) == 1
    out = capsys.readouterr().out
    assert f"rerun of {run_id}: 3 replications; DIFFERENT numbers" in out
    assert "made by skyshield 0.1.0" in out and "numbers differ where the model changed" in out
    # metrics added since 0.1.0 (the night's length, the reconciliation of kills) are named as
    # not stored by the run's version, never called different
    assert "were not compared" in out and "marginal.stopped_anyway" in out


def test_the_cli_says_when_it_upgrades(old_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["mc", "small", "--raid", "reference", "--runs", "1", "--store", str(old_store)]) == 0
    )
    err = capsys.readouterr().err
    assert "upgraded the run store" in err and "from layout version 1 to 3" in err


@pytest.mark.slow
def test_a_layout_2_store_gains_the_backtest_tables_and_keeps_its_runs_and_imports(
    layout2_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    con = duckdb.connect(str(layout2_store))
    try:
        assert stored_version(con) == 2
    finally:
        con.close()
    assert not BACKTEST_TABLES & _tables(layout2_store)
    assert main(["runs", "list", "--store", str(layout2_store)]) == 0
    captured = capsys.readouterr()
    assert "from layout version 2 to 3 (its runs and imports are kept)" in captured.err
    assert "91e1a0ef1245" in captured.out
    store = Store(layout2_store)
    assert store.upgraded_from is None  # upgraded once, by the command above
    assert store.schema_version == 3 and _tables(layout2_store) >= BACKTEST_TABLES
    runs = store.runs()
    assert runs["run_id"].tolist() == ["91e1a0ef1245"]
    assert (runs["status"].iloc[0], runs["stored"].iloc[0]) == ("done", 1)
    assert len(store.run_metrics("91e1a0ef1245")) == 1
    assert len(store.run_fates("91e1a0ef1245")) == 2 * 860  # every threat's fate, both defences
    imports = store.imports()
    assert imports["sha256"].str[:12].tolist() == ["ee5b104decca"]
    assert imports["in_use"].tolist() == [True] and imports["legacy"].tolist() == [False]
    record = record_in_store(store)
    assert record is not None and len(record.rows) == 39
    assert store.backtests().empty
    # and the upgraded store's run still reruns to the same numbers: layout 2 to 3 changed no
    # run data
    assert main(["runs", "rerun", "91e1a0ef1245", "--store", str(layout2_store)]) == 0
    assert "the same numbers" in capsys.readouterr().out


def test_a_failed_upgrade_leaves_the_store_as_it_was(
    layout2_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skyshield.runs.schema as schema

    def broken(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE runs.backtests (x INTEGER)")
        raise RuntimeError("disk full")

    monkeypatch.setitem(schema.MIGRATIONS, 2, broken)
    with pytest.raises(RuntimeError, match="disk full"):
        Store(layout2_store)
    con = duckdb.connect(str(layout2_store))
    try:
        assert stored_version(con) == 2
    finally:
        con.close()
    assert not BACKTEST_TABLES & _tables(layout2_store)


def test_a_newer_store_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.duckdb"
    Store(path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta.info SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(InputError, match="newer than this skyshield"):
        Store(path)
    assert main(["runs", "list", "--store", str(path)]) == 2
    assert "layout version 99" in capsys.readouterr().err


def test_a_new_store_has_the_current_version(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "s.duckdb"))  # a plain string path is accepted
    con = duckdb.connect(str(store.path))
    try:
        assert stored_version(con) == SCHEMA_VERSION
    finally:
        con.close()


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN TRANSACTION")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _holder(path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


@pytest.mark.slow
def test_a_reader_waits_for_a_short_writer_and_a_long_one_gets_a_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.duckdb"
    Store(path)
    holder = _holder(path, 1.0)
    t0 = time.monotonic()
    assert Store(path, wait_s=20).runs().empty  # waited for the other process, then read
    assert time.monotonic() - t0 >= 0.5
    holder.wait()
    holder = _holder(path, 10.0)
    try:
        with pytest.raises(StoreBusy, match="the run store is busy"):
            Store(path, wait_s=0.3)
        assert main(["runs", "list", "--store", str(path), "--wait", "0.3"]) == 2
        err = capsys.readouterr().err
        assert "busy" in err and "--wait" in err and "Conflicting lock" not in err
    finally:
        holder.kill()
        holder.wait()


def _wait_for_a_run(path: Path) -> None:
    """Wait until a run is stored in the store at ``path`` (its process has started it)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if path.exists() and not Store(path).runs().empty:
            return
        time.sleep(0.2)
    raise AssertionError("no run was started")


def _start_mc(path: Path, *workers: str) -> subprocess.Popen[str]:
    """A long `skyshield mc reference` in its own process (with ``workers`` options), returned
    once its run is stored in the store at ``path``."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from skyshield.cli.main import entry; entry()",
            "mc",
            "reference",
            "--runs",
            "400",
            *workers,
            "--store",
            str(path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("running on")
    _wait_for_a_run(path)
    return proc


@pytest.mark.slow
def test_a_run_whose_process_was_killed_reads_as_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    proc = _start_mc(path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    runs = Store(path).runs()
    assert runs["status"].tolist() == ["interrupted"]


@pytest.mark.slow
def test_a_stopped_run_is_marked_interrupted_at_once(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    proc = _start_mc(path, "--workers", "2")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 130  # a guard against a hang, not a timing
    con = duckdb.connect(str(path))
    try:
        status = con.execute("SELECT status, message FROM runs.runs").fetchall()
    finally:
        con.close()
    assert status == [("interrupted", "stopped before it was done")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE runs.runs SET replications = 1000000000", "replications 1000000000"),
        ("UPDATE runs.runs SET scenario_text = scenario_text || ' '", "does not match its SHA-256"),
        ("UPDATE runs.runs SET base_seed = 18446744073709551615", "base seed 18446744073709551615"),
    ],
)
def test_an_edited_run_is_not_trusted(
    tmp_path: Path, sql: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.duckdb"
    assert main(["mc", "small", "--raid", "reference", "--runs", "2", "--store", str(path)]) == 0
    run_id = str(Store(path).runs()["run_id"].iloc[0])
    capsys.readouterr()
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()
    for cmd in (
        ["runs", "rerun", run_id],
        ["export", run_id, "--format", "kml", "--out", str(tmp_path / "x.kml")],
    ):
        assert main([*cmd, "--store", str(path)]) == 2
        err = capsys.readouterr().err
        assert "damaged or was edited" in err and words in err


def _a_run_missing_fates(path: Path) -> str:
    """The id of a 2-replication run stored at ``path`` whose second replication's fates were
    deleted."""
    assert main(["mc", "small", "--raid", "reference", "--runs", "2", "--store", str(path)]) == 0
    run_id = str(Store(path).runs()["run_id"].iloc[0])
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM runs.fates WHERE rep = 1")
    con.close()
    return run_id


@pytest.mark.slow
def test_a_rerun_of_a_run_missing_its_fates_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.duckdb"
    run_id = _a_run_missing_fates(path)
    capsys.readouterr()
    assert main(["runs", "rerun", run_id, "--store", str(path)]) == 2
    err = capsys.readouterr().err
    assert "1 of its 2 replications have every threat's fate" in err


@pytest.mark.slow
def test_exporting_fates_a_run_lacks_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.duckdb"
    run_id = _a_run_missing_fates(path)
    out = tmp_path / "fates.csv"
    export = ["runs", "export", run_id, "--table", "fates", "--format", "csv", "--out", str(out)]
    export += ["--store", str(path)]
    capsys.readouterr()
    assert main(export) == 0  # what is there is written, with a warning for what is not
    err = capsys.readouterr().err
    assert "only 1 of the run's 2 stored replications have their threats' fates" in err
    assert set(pd.read_csv(out)["rep"]) == {0}
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM runs.fates")
    con.close()
    out.unlink()
    assert main(export) == 2  # an empty file would read as "nothing happened"
    err = capsys.readouterr().err
    assert "none of the run's 2 stored replications has its threats' fates" in err
    assert not out.exists()


def _processes_with(text: str) -> set[int]:
    """Ids of the processes whose command line holds ``text``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmd:
            found.add(int(entry.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_worker_processes_never_outlive_their_parent(tmp_path: Path, how: signal.Signals) -> None:
    path = tmp_path / "s.duckdb"
    proc = _start_mc(path, "--workers", "2")
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers = _processes_with(str(path)) - {proc.pid}
        time.sleep(0.1)
    assert len(workers) == 2
    os.kill(proc.pid, how)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and workers & _processes_with(str(path)):
        time.sleep(0.1)
    assert not workers & _processes_with(str(path)), "orphaned worker processes"


def test_a_store_file_with_a_quote_in_its_name_works(tmp_path: Path) -> None:
    path = tmp_path / "it's.duckdb"
    assert main(["mc", "small", "--runs", "1", "--store", str(path)]) == 0
    assert len(Store(path).runs()) == 1


@pytest.mark.parametrize("name", ["runs.duckdb", "record.duckdb", "meta.duckdb", "Runs.db"])
def test_a_store_named_like_its_schemas_is_refused_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """DuckDB names a file's catalog after it: `runs.duckdb` made every query ambiguous (an
    internal error). Such a name is an input error that says why and what to do."""
    path = tmp_path / name
    assert main(["mc", "small", "--runs", "1", "--store", str(path)]) == 2
    err = capsys.readouterr().err
    assert "may not be called" in err and "skyshield.duckdb" in err and "Traceback" not in err
    assert not path.exists()


def test_a_killed_worker_interrupts_the_run_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker process killed from outside (a signal, or the kernel for lack of memory) breaks
    the pool: the run is marked interrupted (resumable), the command says what happened and
    exits 130, never 'internal error'."""
    from concurrent.futures.process import BrokenProcessPool

    import skyshield.studies.runner as runner

    def broken(*_: object, **__: object) -> None:
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(runner, "run_replications", broken)
    path = tmp_path / "s.duckdb"
    assert main(["mc", "small", "--runs", "2", "--store", str(path)]) == 130
    err = capsys.readouterr().err
    assert "a worker process ended abruptly" in err and "internal error" not in err
    assert Store(path).runs()["status"].tolist() == ["interrupted"]


@pytest.mark.parametrize("target", ["/dev/null", "fifo"])
def test_runs_export_writes_only_regular_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    path = tmp_path / "s.duckdb"
    assert main(["mc", "small", "--runs", "1", "--store", str(path)]) == 0
    run_id = str(Store(path).runs()["run_id"].iloc[0])
    out = Path(target)
    if target == "fifo":
        out = tmp_path / "fifo.csv"
        os.mkfifo(out)
    capsys.readouterr()
    assert main(["runs", "export", run_id, "--out", str(out), "--store", str(path)]) == 2
    assert "not a regular file" in capsys.readouterr().err
