"""Shared by the web tests: a server configuration in temporary folders and a test client."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from skyshield.web import Limits, ServerConfig, create_app

#: The address a loopback server answers on (the Host header the guard accepts).
BASE = "http://127.0.0.1:8765"

#: A worker module for the job-queue tests: trivial job functions (imported by the worker
#: process from the folder put on PYTHONPATH).
JOB_MODULE = """
import subprocess, sys, time
from types import SimpleNamespace


def count(params, folder, progress):
    n = int(params["runs"])
    for i in range(n + 1):
        progress(SimpleNamespace(stage="counting", done=i, total=n))
        time.sleep(0.02)
    (folder / "counted.txt").write_text(str(n))
    print("a stray print goes to the log")
    return {"counted": n, "run_ids": []}


def sleeper(params, folder, progress):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    (folder / "child.pid").write_text(str(child.pid))
    progress(SimpleNamespace(stage="sleeping", done=0, total=1))
    time.sleep(600)


def broken(params, folder, progress):
    raise RuntimeError("the job broke on purpose")
"""


def make_config(tmp: Path, **changes: object) -> ServerConfig:
    """A server of ``tmp``: scenarios in ``tmp/scenarios``, output in ``tmp/out``."""
    base: dict[str, object] = {
        "scenario_dir": tmp / "scenarios",
        "out_dir": tmp / "out",
        "store_path": tmp / "store.duckdb",
        "limits": Limits(),
    }
    base.update(changes)
    (tmp / "scenarios").mkdir(parents=True, exist_ok=True)
    return ServerConfig(**base)  # type: ignore[arg-type]


def client(config: ServerConfig, **kwargs: object) -> TestClient:
    """A test client of the app (as a browser on this machine would reach it)."""
    return TestClient(create_app(config), base_url=BASE, **kwargs)  # type: ignore[arg-type]
