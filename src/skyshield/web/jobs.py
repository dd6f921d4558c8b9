"""The job queue: long work (Monte Carlo, the assessment) in worker processes.

Each job runs in its own process (``python -m skyshield.web.worker``), started in a new
session so that it and every process it starts (the replications' executor) form one process
group: cancelling a job ends the whole group (SIGTERM, then SIGKILL after a grace period).
The worker reports progress and its result as JSON lines on its standard output; the queue
reads them on a thread and keeps each job's state, which the page follows as server-sent
events.  At most ``concurrent_jobs`` run at once and ``queued_jobs`` wait; beyond that a new
job is refused.  Each job's folder (``OUT/jobs/ID``) holds its spec, its log, its
``job.json`` (the last state) and what it wrote (the report).

A new queue reads back the jobs of earlier servers on the same output folder (their
``job.json``): finished ones as they ended, and those left queued or running (the server was
stopped or killed) as ``interrupted``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from skyshield.files import write_atomic
from skyshield.web.paths import JOB_ID

State = Literal["queued", "running", "done", "failed", "cancelled", "interrupted"]

#: Every state, and the states a job does not leave.
STATES: frozenset[str] = frozenset(
    {"queued", "running", "done", "failed", "cancelled", "interrupted"}
)
FINISHED: frozenset[str] = frozenset({"done", "failed", "cancelled", "interrupted"})

#: Jobs of earlier servers read back at start (the newest).
JOBS_READ_BACK = 200

#: What a job left unfinished by an earlier server says.
INTERRUPTED_MESSAGE = (
    "interrupted: the server stopped before this job finished; what it stored is kept, and its"
    " run reads as interrupted in the store"
)

#: Seconds between SIGTERM and SIGKILL when a job is cancelled.
GRACE_S = 5.0


class QueueFull(Exception):
    """No room for another job (the message says how many run and wait)."""


@dataclass
class Job:
    """One job: what it runs, its state and progress, its result once done."""

    id: str
    kind: str
    label: str
    params: dict[str, Any]
    folder: Path
    created: float = field(default_factory=time.time)
    state: State = "queued"
    stage: str = ""
    done: int = 0
    total: int = 0
    message: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    started: float | None = None
    ended: float | None = None
    version: int = 0
    cancel_requested: bool = False
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def public(self) -> dict[str, Any]:
        """What the API shows of the job."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "state": self.state,
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
            "message": self.message,
            "result": self.result,
            "created": self.created,
            "started": self.started,
            "ended": self.ended,
            "runs": self.params.get("runs"),
            "seed": self.params.get("seed"),
        }


class JobQueue:
    """Jobs of one server: submit, list, cancel; a thread per running job reads its worker."""

    def __init__(
        self,
        out_dir: Path,
        targets: Mapping[str, str],
        *,
        concurrent: int,
        queued: int,
        env: Mapping[str, str] | None = None,
        on_end: Callable[[], None] | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.on_end = on_end
        self.targets = dict(targets)
        self.concurrent = concurrent
        self.queued = queued
        self.env = dict(env) if env is not None else None
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._read_back()

    # -- reading ---------------------------------------------------------------------------

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Every job of this server, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    # -- changing --------------------------------------------------------------------------

    def submit(self, kind: str, label: str, params: dict[str, Any]) -> Job:
        """Queue a job (started at once if a slot is free); :class:`QueueFull` if none is,
        ``KeyError`` for an unknown kind."""
        if kind not in self.targets:
            raise KeyError(kind)
        with self._lock:
            waiting = sum(j.state == "queued" for j in self._jobs.values())
            running = sum(j.state == "running" for j in self._jobs.values())
            if waiting >= self.queued or (running >= self.concurrent and self.queued == 0):
                raise QueueFull(
                    f"{running} job(s) running and {waiting} waiting, the most this server"
                    f" takes ({self.concurrent} running, {self.queued} waiting): wait for one"
                    " to finish or cancel one"
                )
            job_id = uuid.uuid4().hex[:12]
            job = Job(job_id, kind, label, params, self.out_dir / "jobs" / job_id)
            job.folder.mkdir(parents=True, exist_ok=True)
            self._jobs[job_id] = job
            self._persist(job)
            self._start_next()
        return job

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a job: a waiting one is dropped, a running one's process group ended."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state in FINISHED:
                return job
            job.cancel_requested = True
            if job.state == "queued":
                self._finish(job, "cancelled", "cancelled before it started")
                return job
            proc = job.proc
        if proc is not None:
            _signal_group(proc, signal.SIGTERM)
            threading.Timer(GRACE_S, _kill_if_alive, args=(proc,)).start()
        return job

    def shutdown(self) -> None:
        """Cancel every job (the server is stopping) and wait for their processes."""
        for job in self.jobs():
            self.cancel(job.id)
        for job in self.jobs():
            if job.proc is not None:
                try:
                    job.proc.wait(timeout=GRACE_S + 1)
                except subprocess.TimeoutExpired:
                    _signal_group(job.proc, signal.SIGKILL)

    def _read_back(self) -> None:
        """The jobs of earlier servers (the module docstring)."""
        root = self.out_dir / "jobs"
        if not root.is_dir():
            return
        folders = [
            p
            for p in root.iterdir()
            if JOB_ID.fullmatch(p.name) and p.is_dir() and not p.is_symlink()
        ]
        folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for folder in folders[:JOBS_READ_BACK]:
            job = _job_from(folder)
            if job is None:
                continue
            if job.state not in FINISHED:
                job.state, job.message, job.ended = "interrupted", INTERRUPTED_MESSAGE, time.time()
                self._persist(job)
            self._jobs[job.id] = job

    # -- inside (the lock is held) ---------------------------------------------------------

    def _bump(self, job: Job) -> None:
        job.version += 1

    def _persist(self, job: Job) -> None:
        write_atomic(job.folder / "job.json", json.dumps(job.public(), indent=2))

    def _finish(self, job: Job, state: State, message: str) -> None:
        job.state = state
        job.message = message
        job.ended = time.time()
        self._bump(job)
        self._persist(job)

    def _start_next(self) -> None:
        running = sum(j.state == "running" for j in self._jobs.values())
        waiting = sorted(
            (j for j in self._jobs.values() if j.state == "queued"), key=lambda j: j.created
        )
        for job in waiting[: max(0, self.concurrent - running)]:
            self._launch(job)

    def _launch(self, job: Job) -> None:
        spec = {"target": self.targets[job.kind], "params": job.params, "folder": str(job.folder)}
        spec_path = job.folder / "spec.json"
        write_atomic(spec_path, json.dumps(spec, indent=2))
        log = (job.folder / "worker.log").open("wb")
        try:
            job.proc = subprocess.Popen(
                [sys.executable, "-m", "skyshield.web.worker", str(spec_path)],
                stdout=subprocess.PIPE,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env=self.env,
            )
        except OSError as exc:
            log.close()
            self._finish(job, "failed", f"the worker process could not start ({exc})")
            return
        job.state = "running"
        job.started = time.time()
        self._bump(job)
        self._persist(job)
        threading.Thread(target=self._follow, args=(job, log), daemon=True).start()

    # -- the reader thread -----------------------------------------------------------------

    def _follow(self, job: Job, log: IO[bytes]) -> None:
        proc = job.proc
        assert proc is not None and proc.stdout is not None
        error = ""
        result: dict[str, Any] | None = None
        for raw in proc.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue  # a stray print of a library: not ours
            if not isinstance(event, dict):
                continue
            with self._lock:
                if event.get("event") == "progress":
                    job.stage = str(event.get("stage", ""))
                    job.done = int(event.get("done", 0))
                    job.total = int(event.get("total", 0))
                    self._bump(job)
                elif event.get("event") == "result":
                    result = dict(event.get("result") or {})
                elif event.get("event") == "error":
                    error = str(event.get("message", ""))
        code = proc.wait()
        log.close()
        with self._lock:
            job.proc = None
            if job.cancel_requested:
                self._finish(job, "cancelled", "cancelled: its processes were ended")
            elif code == 0 and result is not None:
                job.result = result
                self._finish(job, "done", "")
            else:
                self._finish(job, "failed", error or _log_tail(job.folder / "worker.log", code))
            self._start_next()
        if self.on_end is not None:
            self.on_end()


def _job_from(folder: Path) -> Job | None:
    """The job whose ``job.json`` is in ``folder``, or None if it cannot be read."""
    try:
        doc = json.loads((folder / "job.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict):
        return None

    def number(key: str) -> float | None:
        v = doc.get(key)
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None

    state = doc.get("state")
    result = doc.get("result")
    return Job(
        id=folder.name,
        kind=str(doc.get("kind", "")),
        label=str(doc.get("label", "")),
        params={"runs": doc.get("runs"), "seed": doc.get("seed")},
        folder=folder,
        created=number("created") or folder.stat().st_mtime,
        state=state if state in STATES else "interrupted",
        stage=str(doc.get("stage", "")),
        done=int(number("done") or 0),
        total=int(number("total") or 0),
        message=str(doc.get("message", "")),
        result=result if isinstance(result, dict) else {},
        started=number("started"),
        ended=number("ended"),
    )


def _log_tail(path: Path, code: int) -> str:
    """Why a worker ended without a result: the end of its log and its exit code."""
    try:
        tail = path.read_text("utf-8", errors="replace").strip().splitlines()[-3:]
    except OSError:
        tail = []
    if code < 0:
        how = f"killed by signal {-code}"
        with contextlib.suppress(ValueError):
            how += f" ({signal.Signals(-code).name})"
    else:
        how = f"exit code {code}"
    return (
        f"failed: the worker ended without a result ({how}); what it stored is kept, its run"
        " reads as interrupted in the store" + (": " + " | ".join(tail) if tail else "")
    )


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Send ``sig`` to the process group the worker leads (it and what it started)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _kill_if_alive(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        _signal_group(proc, signal.SIGKILL)
