"""Shared by the web tests: a server configuration in temporary folders and a test client."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def store_sleeper(params, folder, progress):
    import os
    from skyshield.runs import Store

    run_id = Store(params["store"]).start_run("mc", "test", "name: t", "reference", 1, 1, 5)
    (folder / "run_id").write_text(run_id)
    (folder / "worker.pid").write_text(str(os.getpid()))
    progress(SimpleNamespace(stage="sleeping", done=0, total=1))
    time.sleep(600)
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


@contextmanager
def live_server(config: ServerConfig) -> Iterator[str]:
    """The app served by uvicorn on a thread at ``config``'s port; yields its address."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=config.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 30
    while not server.started and time.monotonic() < end:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def free_port() -> int:
    """A TCP port free on the loopback address now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
