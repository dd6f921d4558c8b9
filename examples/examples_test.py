"""The examples run, at small sizes, in a fresh interpreter each, writing only to a temporary
folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def run(tmp_path: Path, script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(HERE / script), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
        env={
            "SKYSHIELD_STORE": str(tmp_path / "default.duckdb"),
            "MPLBACKEND": "Agg",
            "PATH": "/usr/bin:/bin",
        },
    )
    return done.stdout


@pytest.mark.slow
def test_coalition_sweep(tmp_path: Path) -> None:
    out = run(tmp_path, "coalition_sweep.py", "--runs", "2", "--store", str(tmp_path / "s.duckdb"))
    assert [line.split()[0] for line in out.splitlines()] == ["8", "16", "24"]
    assert (tmp_path / "s.duckdb").exists()


@pytest.mark.slow
def test_record_night(tmp_path: Path) -> None:
    out = run(tmp_path, "record_night.py", "--runs", "2", "--scenario", "small")
    assert out.startswith("night 2025-06-08: 503 weapons, 2 replications")
    assert "hits avoided by the shield" in out


@pytest.mark.slow
def test_runs_to_pandas(tmp_path: Path) -> None:
    out = run(tmp_path, "runs_to_pandas.py", "--store", str(tmp_path / "s.duckdb"))
    assert "shield.hits_on_assets" in out and "killed_fighter" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb"]
