"""The run store from the command line: runs list/show/compare/export/rerun, and resuming."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from skyshield.cli.main import main


def query(store: Path, sql: str, params: list[object] | None = None) -> pd.DataFrame:
    """A read-only query of the store, as a DataFrame."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def run_ids(store: Path) -> list[str]:
    return query(store, "SELECT run_id FROM runs.runs ORDER BY created_at")["run_id"].tolist()


def replications(store: Path, run_id: str) -> pd.DataFrame:
    sql = "SELECT rep, metric, value FROM runs.metrics WHERE run_id = ? ORDER BY rep, metric"
    return query(store, sql, [run_id])


@pytest.mark.slow
def test_list_show_compare_export_rerun(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.duckdb"
    base = ["--raid", "2025-06-08", "--store", str(store)]
    assert main(["mc", "small", "--runs", "3", "--seed", "1", *base]) == 0
    assert main(["mc", "small", "--runs", "3", "--seed", "2", *base]) == 0
    a, b = run_ids(store)
    capsys.readouterr()
    assert main(["runs", "list", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert a in out and b in out and "done" in out
    assert main(["runs", "show", a, "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "scenario_sha256" in out and "marginal.hits_on_assets_avoided" in out
    assert main(["runs", "compare", a, b, "--store", str(store)]) == 0
    assert "difference" in capsys.readouterr().out
    csv = tmp_path / "a.csv"
    assert (
        main(["runs", "export", a, "--format", "csv", "--out", str(csv), "--store", str(store)])
        == 0
    )
    df = pd.read_csv(csv)
    assert len(df) == 3 and "shield.hits_on_assets" in df.columns
    assert main(["runs", "rerun", a, "--store", str(store)]) == 0
    assert "the same numbers" in capsys.readouterr().out
    assert main(["runs", "show", "nope", "--store", str(store)]) == 2


@pytest.mark.slow
def test_resume_after_kill_equals_uninterrupted(tmp_path: Path) -> None:
    """Kill `skyshield mc` after its first blocks, resume it: no replication lost or repeated,
    and every replication equals the one of an uninterrupted run with the same seed."""
    store = tmp_path / "s.duckdb"
    exe = str(Path(sys.executable).parent / "skyshield")
    cmd = [
        exe,
        "mc",
        "small",
        "--raid",
        "2025-06-08",
        "--runs",
        "15",
        "--seed",
        "9",
        "--store",
        str(store),
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + 120
    while b"5/15" not in seen and time.monotonic() < deadline:
        chunk = proc.stderr.read1(64) if hasattr(proc.stderr, "read1") else proc.stderr.read(1)
        if not chunk:
            break
        seen += chunk
    proc.kill()
    proc.wait()
    [run_id] = run_ids(store)
    stored = query(store, "SELECT count(DISTINCT rep) AS n FROM runs.metrics")["n"].tolist()
    assert stored is not None and 5 <= stored[0] < 15  # killed part-way, whole blocks only
    fated = query(store, "SELECT count(DISTINCT rep) AS n FROM runs.fates")["n"].tolist()
    assert fated == stored  # metrics and fates of a replication are written together
    assert main(["mc", "--resume", run_id, "--store", str(store)]) == 0
    assert main(cmd[1:]) == 0  # the same run again, uninterrupted
    resumed = replications(store, run_id)
    [other] = [r for r in run_ids(store) if r != run_id]
    fresh = replications(store, other)
    assert resumed.groupby("rep").size().index.tolist() == list(range(15))  # none lost
    assert not resumed.duplicated(["rep", "metric"]).any()  # none repeated
    pd.testing.assert_frame_equal(resumed.reset_index(drop=True), fresh.reset_index(drop=True))


def _kill_when(cmd: list[str], marks: list[bytes]) -> None:
    """Start ``cmd``, read its stderr until every mark has appeared in order, then kill it."""
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    assert proc.stderr is not None
    seen, deadline = b"", time.monotonic() + 180
    while marks and time.monotonic() < deadline:
        chunk = proc.stderr.read1(64)
        if not chunk:
            break
        seen += chunk
        if marks[0] in seen:
            seen = seen[seen.index(marks[0]) + len(marks[0]) :]
            marks = marks[1:]
    proc.kill()
    proc.wait()
    assert not marks, f"the command ended before {marks[0]!r}"


@pytest.mark.slow
def test_sweep_resume_after_kill_equals_uninterrupted(tmp_path: Path) -> None:
    """Kill `skyshield sweep` part-way through its second point, run it again with --resume: the
    first point is reused, the second continues, and the table equals an uninterrupted sweep's."""
    exe = str(Path(sys.executable).parent / "skyshield")
    store, fresh_store = tmp_path / "s.duckdb", tmp_path / "fresh.duckdb"
    sweep = [
        "sweep",
        "small",
        "--raid",
        "2025-06-08",
        "--set",
        "coalition.total_aircraft=6,18",
        "--runs",
        "10",
        "--seed",
        "3",
    ]
    _kill_when(
        [exe, *sweep, "--out", str(tmp_path / "a"), "--store", str(store)], [b"[2/2]", b"5/10"]
    )
    before = query(store, "SELECT run_id, status FROM runs.runs ORDER BY created_at")
    assert before["status"].tolist() == ["done", "running"]
    assert len(replications(store, before["run_id"][1])) > 0
    assert main([*sweep, "--resume", "--out", str(tmp_path / "a"), "--store", str(store)]) == 0
    assert run_ids(store) == before["run_id"].tolist()  # no new runs: both points continued
    for run_id in run_ids(store):
        reps = replications(store, run_id)
        assert sorted(reps["rep"].unique()) == list(range(10))  # none lost
        assert not reps.duplicated(["rep", "metric"]).any()  # none repeated
    assert main([*sweep, "--out", str(tmp_path / "b"), "--store", str(fresh_store)]) == 0
    resumed, fresh = (
        pd.read_csv(tmp_path / d / "sweep.csv").drop(columns="run_id") for d in ("a", "b")
    )
    pd.testing.assert_frame_equal(resumed, fresh)


@pytest.mark.slow
def test_rerun_and_resume_a_sweep_point(tmp_path: Path) -> None:
    """A sweep point's scenario is a variant with no file of its own: it is rebuilt from the
    stored text, so `runs rerun` reproduces it and `mc --resume` can continue it."""
    store = tmp_path / "s.duckdb"
    sweep = [
        "sweep",
        "small",
        "--raid",
        "2025-06-08",
        "--set",
        "coalition.total_aircraft=6",
        "--runs",
        "2",
        "--out",
        str(tmp_path / "o"),
        "--store",
        str(store),
    ]
    assert main(sweep) == 0
    [run_id] = run_ids(store)
    assert main(["runs", "rerun", run_id, "--store", str(store)]) == 0
    assert main(["mc", "--resume", run_id, "--store", str(store)]) == 0  # nothing missing
    assert len(replications(store, run_id)["rep"].unique()) == 2
