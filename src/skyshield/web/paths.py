"""Request strings that name files, checked before any reaches the file system.

A scenario is named by a built-in name or by a plain file name (``my-plan.yaml``) inside the
server's scenario folder; a job by its id.  Anything else (a folder, ``..``, an absolute path,
a NUL, a symbolic link leading out of the folder) is refused with :class:`PathRefused`.
"""

from __future__ import annotations

import re
from pathlib import Path

from skyshield.scenario import BUILTIN_SCENARIOS

#: A scenario file name: letters, digits, ``_.-``, ending in ``.yaml`` or ``.yml``.
SCENARIO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}\.ya?ml")

#: A job id (hex, as the job queue makes them).
JOB_ID = re.compile(r"[0-9a-f]{12}")


class PathRefused(ValueError):
    """A request named something outside what the server may read or write."""


def is_builtin(ref: str) -> bool:
    """True if ``ref`` names a built-in scenario."""
    return ref in BUILTIN_SCENARIOS


def inside(root: Path, name: str) -> Path:
    """``root / name`` if ``name`` is one plain component and the result, symbolic links
    followed, stays inside ``root``; else :class:`PathRefused`."""
    if not name or "\x00" in name or "/" in name or "\\" in name or name in (".", ".."):
        raise PathRefused(f"{name!r} is not a plain file name")
    base = root.resolve()
    path = base / name
    if not path.resolve().is_relative_to(base):
        raise PathRefused(f"{name!r} leads outside the folder")
    return path


def scenario_file(folder: Path, name: str) -> Path:
    """The path of scenario file ``name`` in ``folder`` (checked; it may not exist yet)."""
    if not SCENARIO_NAME.fullmatch(name) or ".." in name:
        raise PathRefused(
            f"{name!r} is not a scenario file name: expected letters, digits, '_', '.', '-'"
            " ending in .yaml (no folders)"
        )
    return inside(folder, name)


def job_dir(out_dir: Path, job_id: str) -> Path:
    """The folder of job ``job_id`` under ``out_dir/jobs`` (checked)."""
    if not JOB_ID.fullmatch(job_id):
        raise PathRefused(f"{job_id!r} is not a job id")
    return inside(out_dir / "jobs", job_id)
