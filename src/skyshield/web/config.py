"""What a server is given: its folders, run store, token and limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: Addresses a server may bind without a token (the machine itself).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

#: The environment variable that holds the token when ``--token`` is not given.
TOKEN_ENV = "SKYSHIELD_TOKEN"

#: Job kinds and the functions (``module:function``) a worker process runs for them.
JOB_TARGETS: Mapping[str, str] = {
    "mc": "skyshield.web.job_kinds:run_mc",
    "assess": "skyshield.web.job_kinds:run_assess",
    "sweep": "skyshield.web.job_kinds:run_sweep",
    "sensitivity": "skyshield.web.job_kinds:run_sensitivity",
}


@dataclass(frozen=True)
class Limits:
    """Limits on what one request or job may ask (bytes, counts); beyond them: a 4xx answer."""

    request_bytes: int = 1_000_000
    scenario_bytes: int = 200_000
    edits_per_request: int = 500
    replications_per_job: int = 500
    concurrent_jobs: int = 1
    queued_jobs: int = 4
    #: a sweep's points (each a run of ``runs`` replications)
    sweep_points: int = 12
    #: a replay's night as sent to the page (uncompressed JSON bytes)
    replay_bytes: int = 30_000_000
    #: replays built at once, how long a request waits for a free slot (s), how long a build
    #: may take (s), and how many replications' replays are kept on disk
    replay_builds: int = 1
    replay_wait_s: float = 120.0
    replay_timeout_s: float = 600.0
    replay_cache: int = 40
    #: nights a summary night by night may span, and the largest nights listed at most
    record_nights: int = 400
    largest_nights: int = 100


@dataclass(frozen=True)
class ServerConfig:
    """One server: the scenario folder it reads and writes, the output folder for job results,
    the run store, the address, the token (None: only the loopback address is allowed) and the
    limits.  ``workers`` is the number of processes each job's replications run on."""

    scenario_dir: Path
    out_dir: Path
    store_path: Path
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    limits: Limits = field(default_factory=Limits)
    basemap: Path | None = None
    workers: int = 1
    job_targets: Mapping[str, str] = field(default_factory=lambda: dict(JOB_TARGETS))

    def allowed_hosts(self) -> frozenset[str]:
        """``Host`` headers accepted without a token (against DNS rebinding): the loopback
        names with this port."""
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}", f"[::1]:{self.port}"})
