"""A job's worker process: ``python -m skyshield.web.worker SPEC.json``.

The spec names the function to run (``module:function``), its parameters and the job's folder.
The function is called as ``function(params, folder, progress)`` and returns a JSON-able
mapping (the job's result).  Events go to standard output as JSON lines (``progress``,
``result``, ``error``); anything else a library prints goes to the log (standard error).
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Protocol

from skyshield.errors import InputError

#: How often a worker checks that the server that started it is still there (s).
WATCH_PARENT_S = 1.0


class ProgressLike(Protocol):
    """What a progress report has (``skyshield.studies.Progress`` is one)."""

    @property
    def stage(self) -> str:
        """The stage's name."""

    @property
    def done(self) -> int:
        """Replications of the stage done."""

    @property
    def total(self) -> int:
        """Replications of the stage in all."""


JobFunction = Callable[[dict[str, Any], Path, Callable[[ProgressLike], None]], dict[str, Any]]


def _target(name: str) -> JobFunction:
    module, _, function = name.partition(":")
    fn: JobFunction = getattr(importlib.import_module(module), function)
    return fn


def run(spec_path: Path, events: IO[str]) -> int:
    """Run the job of ``spec_path``, writing its events to ``events``; the exit code."""

    def emit(event: dict[str, Any]) -> None:
        events.write(json.dumps(event) + "\n")
        events.flush()

    def progress(p: ProgressLike) -> None:
        emit({"event": "progress", "stage": p.stage, "done": int(p.done), "total": int(p.total)})

    try:
        spec = json.loads(spec_path.read_text("utf-8"))
        result = _target(spec["target"])(spec["params"], Path(spec["folder"]), progress)
    except InputError as exc:
        emit({"event": "error", "message": "\n".join(str(p) for p in exc.problems)})
        return 2
    except Exception as exc:  # the job fails with a message; the server stays up
        from skyshield.execution import stopped_by

        if not stopped_by(exc):  # (a stop that compiled code passed on is no error)
            emit({"event": "error", "message": f"internal error: {type(exc).__name__}: {exc}"})
        raise
    emit({"event": "result", "result": result})
    return 0


class Stopped(SystemExit):
    """The worker was asked to stop (SIGTERM: a cancel, or the server went away): unwound like
    Ctrl-C, so that the executor's processes end and the stored run is marked interrupted."""


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(128 + signum)


def _watch_parent(parent: int) -> None:
    """Stop this worker (SIGTERM to itself) once ``parent`` (the server) is gone, so that a
    worker never outlives its server.  (Not ``PR_SET_PDEATHSIG``: it fires when the *thread*
    that started the worker ends, and the server starts workers from short-lived threads.)"""
    while os.getppid() == parent:
        time.sleep(WATCH_PARENT_S)
    os.kill(os.getpid(), signal.SIGTERM)


def main() -> None:
    """Entry point: events on the real standard output, everything else printed to the log;
    SIGTERM or the server's end stop the job (:class:`Stopped`)."""
    signal.signal(signal.SIGTERM, _stop)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    sys.stdout.flush()
    events = os.fdopen(os.dup(1), "w", encoding="utf-8")  # not inherited by children
    os.dup2(2, 1)  # what this process or its children print goes to the log
    sys.exit(run(Path(sys.argv[1]), events))


if __name__ == "__main__":
    main()
