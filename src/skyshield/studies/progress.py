"""Progress of a study: which stage it is in and how many replications of that stage are done.

A study calls its ``progress`` callback with a :class:`Progress` before a stage starts
(``done = 0``) and after every block of replications.  The command line draws a bar from it,
the web app streams it to the page; a study never prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """Stage ``stage`` (e.g. ``"monte carlo"``, ``"sweep 2/4: 80 jets"``) has ``done`` of its
    ``total`` replications finished; ``step`` and ``steps`` number the stage within the study
    (1-based), ``run_id`` is the stored run the stage writes (None if not stored)."""

    stage: str
    done: int
    total: int
    step: int = 1
    steps: int = 1
    run_id: str | None = None


#: A study's progress callback.
ProgressFn = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    """A progress callback that ignores progress."""
