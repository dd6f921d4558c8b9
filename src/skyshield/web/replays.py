"""Replays of stored replications, built in worker processes and kept on disk.

A replication's night (for the page) or an export (ACMI, KML, GeoJSON, CZML) is made by
simulating the replication again (:mod:`skyshield.web.replay_kinds`) in a worker process
(``python -m skyshield.web.worker``, its own process group, ended when it takes longer than
``replay_timeout_s``), so the server answers other requests meanwhile.  At most
``replay_builds`` run at once; a request that waits longer than ``replay_wait_s`` for a free
slot is answered 503.  Results are kept under ``OUT/replays/RUN-REP-vVERSION/`` (a replay
depends only on the stored run and the code's version), the least recently used beyond
``replay_cache`` replications removed.  Two requests for the same file build it once.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skyshield.files import write_atomic
from skyshield.version import __version__
from skyshield.web.config import Limits
from skyshield.web.paths import inside
from skyshield.web.replay_kinds import NIGHT_FILE, export_name

#: A replication's folder used within this many seconds is not removed (s).
RECENT_S = 600.0

#: Worker functions (``module:function``) of the two products.
NIGHT_TARGET = "skyshield.web.replay_kinds:build_night"
EXPORT_TARGET = "skyshield.web.replay_kinds:build_export"


class ReplayBusy(Exception):
    """Every replay slot stayed taken for longer than the server waits."""


class ReplayFailed(Exception):
    """The worker could not make the replay; ``bad_input`` when the library refused the input
    (a run whose scenario no longer loads, a night too large), else an internal error."""

    def __init__(self, message: str, *, bad_input: bool) -> None:
        super().__init__(message)
        self.bad_input = bad_input


@dataclass(frozen=True)
class _End:
    code: int
    result: dict[str, Any] | None
    error: str


class Replays:
    """The replay products of one server (see the module docstring)."""

    def __init__(
        self,
        out_dir: Path,
        store_path: Path,
        limits: Limits,
        env: dict[str, str] | None = None,
    ) -> None:
        self.root = out_dir / "replays"
        self.store_path = store_path
        self.limits = limits
        self.env = env
        self._slots = threading.BoundedSemaphore(limits.replay_builds)
        self._lock = threading.Lock()
        self._keys: dict[str, threading.Lock] = {}
        self._procs: set[subprocess.Popen[bytes]] = set()

    def folder(self, run_id: str, rep: int) -> Path:
        """The folder of one replication's products (its name checked)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return inside(self.root, f"{run_id}-{int(rep)}-v{__version__}")

    def night(self, run_id: str, rep: int) -> Path:
        """The night file (gzip JSON) of ``run_id``'s replication ``rep``, built if needed."""
        params = {"run_id": run_id, "rep": rep, "max_bytes": self.limits.replay_bytes}
        return self._ensure(self.folder(run_id, rep), NIGHT_FILE, NIGHT_TARGET, params)

    def export(self, run_id: str, rep: int, defence: str, fmt: str) -> Path:
        """The export file of one defence of ``run_id``'s replication ``rep`` in ``fmt``."""
        params = {"run_id": run_id, "rep": rep, "defence": defence, "format": fmt}
        name = export_name(defence, fmt)
        return self._ensure(self.folder(run_id, rep), name, EXPORT_TARGET, params)

    def shutdown(self) -> None:
        """End the workers still building (the server is stopping)."""
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            _kill_group(proc)

    # -- inside ---------------------------------------------------------------------------

    def _key_lock(self, key: str) -> threading.Lock:
        with self._lock:
            return self._keys.setdefault(key, threading.Lock())

    def _ensure(self, folder: Path, name: str, target: str, params: dict[str, Any]) -> Path:
        path = folder / name
        with self._key_lock(f"{folder.name}/{name}"):
            if path.is_file():
                with contextlib.suppress(OSError):
                    os.utime(folder)  # recently used
                return path
            if not self._slots.acquire(timeout=self.limits.replay_wait_s):
                raise ReplayBusy(
                    f"{self.limits.replay_builds} replay(s) are being built and none finished"
                    f" within {self.limits.replay_wait_s:.0f} s: try again shortly"
                )
            try:
                folder.mkdir(parents=True, exist_ok=True)
                end = self._run(folder, target, {**params, "store": str(self.store_path)})
            finally:
                self._slots.release()
            if end.code != 0 or end.result is None or not path.is_file():
                raise ReplayFailed(
                    end.error or "the replay worker ended without a result", bad_input=end.code == 2
                )
            self._evict(keep=folder)
            return path

    def _run(self, folder: Path, target: str, params: dict[str, Any]) -> _End:
        stem = Path(target.rpartition(":")[2])
        spec = folder / f"{stem}.spec.json"
        write_atomic(spec, json.dumps({"target": target, "params": params, "folder": str(folder)}))
        log_path = folder / f"{stem}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "skyshield.web.worker", str(spec)],
                stdout=subprocess.PIPE,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env=self.env,
            )
            with self._lock:
                self._procs.add(proc)
            try:
                out, _ = proc.communicate(timeout=self.limits.replay_timeout_s)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                proc.communicate()
                return _End(
                    -9,
                    None,
                    f"the replay took longer than"
                    f" {self.limits.replay_timeout_s:.0f} s and was stopped",
                )
            finally:
                with self._lock:
                    self._procs.discard(proc)
        result, error = None, ""
        for raw in out.splitlines():
            with contextlib.suppress(ValueError):
                event = json.loads(raw)
                if isinstance(event, dict) and event.get("event") == "result":
                    result = dict(event.get("result") or {})
                elif isinstance(event, dict) and event.get("event") == "error":
                    error = str(event.get("message", ""))
        code = proc.returncode
        if code != 0 and not error:
            how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
            error = f"the replay worker ended without a result ({how})"
        return _End(code, result, error)

    def _evict(self, keep: Path) -> None:
        """Remove the least recently used replications beyond ``replay_cache`` (none used in
        the last :data:`RECENT_S`: a file being sent stays)."""
        folders = [p for p in self.root.iterdir() if p.is_dir() and not p.is_symlink()]
        if len(folders) <= self.limits.replay_cache:
            return
        folders.sort(key=lambda p: p.stat().st_mtime)
        recent = time.time() - RECENT_S
        for old in folders[: len(folders) - self.limits.replay_cache]:
            if old == keep or old.stat().st_mtime > recent:
                continue
            with self._lock:
                keys = [k for k in self._keys if k.startswith(old.name + "/")]
                if any(self._keys[k].locked() for k in keys):
                    continue
                for k in keys:
                    del self._keys[k]
            shutil.rmtree(old, ignore_errors=True)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
