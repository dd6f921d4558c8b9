"""Helpers of the hostile scenario-input tests: the CLI run in a child process bounded in time
and memory (a regression then fails one test instead of exhausting the machine), and small
hostile documents."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

#: Address space of a bounded child (the CLI needs about 0.3 GB for these inputs).
MEMORY_BYTES = 2 * 1024**3

#: A valid scenario (extends the built-in ``small``) to build hostile variants from.
VALID = "name: probe\nextends: small\n"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def run_bounded(
    args: list[str], cwd: Path, timeout_s: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``skyshield ARGS`` in a child process with at most :data:`MEMORY_BYTES` of memory;
    ``subprocess.TimeoutExpired`` (a failed test) after ``timeout_s``."""
    return subprocess.run(
        [sys.executable, "-c", "from skyshield.cli.main import entry; entry()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        preexec_fn=_limit_memory,
        env={**os.environ, **(env or {})},
        check=False,
    )


def alias_bomb(levels: int = 9, fan_out: int = 9) -> str:
    """A scenario whose last list stands for ``fan_out ** levels`` values through aliases
    (about 500 bytes for the defaults: 387 million values)."""
    lines = ["name: bomb", "a0: &a0 [" + ", ".join(['"x"'] * fan_out) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * fan_out) + "]")
    return "\n".join(lines) + "\n"


def raid_file(count: str, launch_end_h: str, groups: int = 1) -> str:
    """A one-night raid file with ``groups`` groups of ``count`` Shaheds each."""
    group = (
        f"      - {{threat: shahed-136, count: {count}, launch_area: kursk,"
        f" launch_start_h: 0, launch_end_h: {launch_end_h}}}\n"
    )
    return (
        "nights:\n  - name: probe\n    start: 2025-06-07T20:00:00+03:00\n    groups:\n"
        + group * groups
    )
