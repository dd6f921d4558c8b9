"""Executors: the same seeds give the same replications and aggregates in this process, in local
worker processes and on Dask (a LocalCluster, or a scheduler by its address), and resuming or
sweeping on Dask stores what a local run stores."""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from distributed import LocalCluster

from skyshield.analysis import metric_table
from skyshield.cli.main import main
from skyshield.engine.api import build_world
from skyshield.execution import (
    LocalProcesses,
    open_executor,
    replication_seeds,
    run_replications,
)
from skyshield.execution import dask as dask_exec
from skyshield.raids import Night, ThreatGroup

NIGHT = Night(
    name="executor-night",
    start="2025-06-07T20:00:00+03:00",  # type: ignore[arg-type]
    groups=[
        ThreatGroup(threat="shahed-136", count=40, launch_area="kursk", launch_end_h=3.0),
        ThreatGroup(
            threat="kh-101", count=4, launch_area="engels", launch_start_h=3.0, launch_end_h=4.0
        ),
    ],
)
# a cluster's scheduler moves its HTTP port when another cluster holds 8787, and says so
pytestmark = pytest.mark.filterwarnings("ignore:Port .* is already in use")
MC = ["mc", "small", "--raid", "2025-06-08", "--runs", "4", "--seed", "4"]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a running Dask scheduler with two single-threaded worker processes."""
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        yield str(cluster.scheduler_address)


def replications(store: Path, run_id: str) -> pd.DataFrame:
    """A run's stored rows (rep, seed, metric, value), in a fixed order."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(
            "SELECT rep, seed, metric, value FROM runs.metrics WHERE run_id = ?"
            " ORDER BY rep, metric",
            [run_id],
        ).df()
    finally:
        con.close()


def run_ids(store: Path) -> list[str]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return [
            r[0] for r in con.execute("SELECT run_id FROM runs.runs ORDER BY created_at").fetchall()
        ]
    finally:
        con.close()


def metrics_table(out: str) -> str:
    """The metric table of an `mc` output: from its header line to the blank line after it."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["metric", "mean"])
    end = lines.index("", start)
    return "\n".join(lines[start:end])


@pytest.mark.slow
def test_identical_replications_and_aggregates_local_1_local_2_and_dask() -> None:
    world = build_world("small", NIGHT)
    reps = list(enumerate(replication_seeds(11, 7)))
    children = set(multiprocessing.active_children())
    results = [
        run_replications(world, reps, executor=LocalProcesses(1), block_size=2),
        run_replications(world, reps, executor=LocalProcesses(2), block_size=2),
    ]
    with open_executor(2, "local") as ex:
        assert ex.describe() == "Dask LocalCluster (2 workers)"
        results.append(run_replications(world, reps, executor=ex, block_size=2))
    assert set(multiprocessing.active_children()) <= children  # the cluster's processes are gone
    tables = [pd.DataFrame([rep.metrics for rep in r]) for r in results]
    fates = [pd.concat([rep.fates for rep in r], ignore_index=True) for r in results]
    aggregates = [metric_table(t) for t in tables]
    for r, t, a in zip(results[1:], tables[1:], aggregates[1:], strict=True):
        assert [(rep.rep, rep.seed) for rep in r] == reps  # every replication, in order
        pd.testing.assert_frame_equal(t, tables[0], check_exact=True)
        pd.testing.assert_frame_equal(a, aggregates[0], check_exact=True)
    for f in fates[1:]:
        pd.testing.assert_frame_equal(f, fates[0], check_exact=True)
    assert aggregates[0]["n"].max() == 7


@pytest.mark.slow
def test_mc_resumed_on_a_dask_scheduler_equals_a_local_run(
    tmp_path: Path, scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run made on 1 local process; the same run on 2, cut to 1 replication and resumed on a
    Dask scheduler: the same stored rows, and the same printed means and intervals."""
    store = tmp_path / "s.duckdb"
    assert main([*MC, "--store", str(store)]) == 0
    local_table = metrics_table(capsys.readouterr().out)
    assert main([*MC, "--workers", "2", "--store", str(store)]) == 0
    first, second = run_ids(store)
    con = duckdb.connect(str(store))
    try:
        con.execute("DELETE FROM runs.metrics WHERE run_id = ? AND rep >= 1", [second])
    finally:
        con.close()
    capsys.readouterr()
    assert main(["mc", "--resume", second, "--dask", scheduler, "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert f"running on Dask scheduler {scheduler} (2 workers)" in out
    assert f"resuming run {second}: 1 of 4 replications stored" in out
    assert "3 replications run" in out
    assert metrics_table(out) == local_table
    pd.testing.assert_frame_equal(replications(store, first), replications(store, second))


@pytest.mark.slow
def test_sweep_on_dask_equals_local(tmp_path: Path, scheduler: str) -> None:
    base = [
        "sweep",
        "small",
        "--raid",
        "2025-06-08",
        "--set",
        "coalition.total_aircraft=6,18",
        "--runs",
        "2",
        "--store",
        str(tmp_path / "s.duckdb"),
    ]
    assert main([*base, "--out", str(tmp_path / "local")]) == 0
    assert main([*base, "--dask", scheduler, "--out", str(tmp_path / "dask")]) == 0
    local, dask = (pd.read_csv(tmp_path / d / "sweep.csv") for d in ("local", "dask"))
    assert len(local) == 2
    pd.testing.assert_frame_equal(
        local.drop(columns="run_id"), dask.drop(columns="run_id"), check_exact=True
    )


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("tcp://nohost:1", "cannot reach a Dask scheduler"),
        ("nonsense", "missing port number"),
        ("foo://host:1", "expected `local` or a scheduler's address"),
    ],
)
def test_bad_scheduler_address_exits_2_without_a_run(
    tmp_path: Path,
    address: str,
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(dask_exec, "CONNECT_TIMEOUT_S", 1.0)
    store = tmp_path / "s.duckdb"
    t0 = time.monotonic()
    assert main(["mc", "small", "--runs", "2", "--dask", address, "--store", str(store)]) == 2
    assert time.monotonic() - t0 < 30  # a connect timeout, not a hang
    err = capsys.readouterr().err
    assert err.startswith(f"error: --dask: {address}: ") and expected in err
    assert "Traceback" not in err
    assert run_ids(store) == []  # no run was started


def test_scheduler_without_workers_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(dask_exec, "WORKER_WAIT_S", 0.5)
    with LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None) as empty:
        code = main(
            [
                "mc",
                "small",
                "--runs",
                "2",
                "--dask",
                str(empty.scheduler_address),
                "--store",
                str(tmp_path / "s.duckdb"),
            ]
        )
    assert code == 2
    assert "the scheduler has no worker" in capsys.readouterr().err


def test_workers_below_one_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mc", "small", "--runs", "2", "--workers", "0", "--dask", "local"]) == 2
    assert "--workers: expected a whole number of at least 1" in capsys.readouterr().err


def test_a_server_that_is_not_a_scheduler_is_refused_at_once() -> None:
    """Something that answers HTTP at the address (a web server, a proxy) is refused in about a
    second, instead of Dask reading 'HTTP/1.1' as a length of exabytes for 10 s."""
    import socket
    import threading
    import time

    from skyshield.errors import InputError
    from skyshield.execution.dask import _check_reachable

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def answer() -> None:
        conn, _ = srv.accept()
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        time.sleep(0.5)
        conn.close()

    threading.Thread(target=answer, daemon=True).start()
    t0 = time.monotonic()
    with pytest.raises(InputError, match="not a Dask scheduler"):
        _check_reachable(f"tcp://127.0.0.1:{srv.getsockname()[1]}")
    assert time.monotonic() - t0 < 3.0
    srv.close()
