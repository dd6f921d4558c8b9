"""The one loop of every study: run the replications of a world on an executor, store each
block as it finishes, report progress, and leave the stored run's status right whatever
happens (``done``; ``interrupted`` on Ctrl-C or a signal; ``failed`` with the error's message).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd

from skyshield.analysis.uncertainty import Runnable
from skyshield.execution import Executor, Rep, replication_seeds, run_replications, stopped_by
from skyshield.runs import DONE, FAILED, INTERRUPTED, Store
from skyshield.studies.progress import Progress, ProgressFn, no_progress
from skyshield.studies.writer import BlockWriter


@dataclass(frozen=True)
class Stage:
    """Where a run sits in its study, for progress: a name and its number of ``steps``."""

    name: str
    step: int = 1
    steps: int = 1


@dataclass(frozen=True)
class RunResult:
    """The replications of one run: one row each (``rep``, ``seed``, one column per metric, as
    :meth:`Store.run_metrics` gives them), the stored run's id (None if not stored) and the wall
    time of this call (s)."""

    run_id: str | None
    replications: pd.DataFrame
    seconds: float


def reps_frame(reps: list[Rep]) -> pd.DataFrame:
    """Replications' metrics as :meth:`Store.run_metrics` gives them (metrics sorted by name)."""
    if not reps:
        return pd.DataFrame()
    frame = pd.DataFrame([{"rep": r.rep, "seed": r.seed, **r.metrics} for r in reps])
    metrics = sorted(c for c in frame.columns if c not in ("rep", "seed"))
    frame["seed"] = frame["seed"].astype("uint64")
    return frame[["rep", "seed", *metrics]].sort_values("rep", ignore_index=True)


def run_world(
    world: Runnable,
    *,
    kind: str,
    raid_ref: str,
    night: int,
    base_seed: int,
    replications: int,
    store: Store | None = None,
    executor: Executor | None = None,
    progress: ProgressFn | None = None,
    stage: Stage | None = None,
    resume_run: str | None = None,
) -> RunResult:
    """Run replications ``0..replications-1`` of ``world`` (seeds from ``base_seed``) on
    ``executor`` (default: this process), baseline and shield on common random numbers.

    With a ``store``, the run is stored as a new run of ``kind`` (or continues ``resume_run``,
    running only its missing replications), every block in its own transaction; the result then
    holds every stored replication.  Without one, nothing is stored.
    """
    t0 = time.perf_counter()
    show = progress or no_progress
    st = stage or Stage(kind)
    seeds = list(enumerate(replication_seeds(base_seed, replications)))
    done: set[int] = set()
    if store is not None and resume_run is not None:
        done = store.done_reps(resume_run)
        store.claim_run(resume_run)
        run_id: str | None = resume_run
    elif store is not None:
        run_id = store.start_run(
            kind, world.ls.origin, world.ls.text, raid_ref, night, base_seed, replications
        )
    else:
        run_id = None
    todo = [(k, s) for k, s in seeds if k not in done]
    finished = len(done)
    show(Progress(st.name, finished, replications, st.step, st.steps, run_id))
    kept: list[Rep] = []
    writer = BlockWriter(store) if store is not None else None

    def on_block(block: list[Rep]) -> None:
        nonlocal finished
        if writer is not None and run_id is not None:
            writer.add(run_id, block)
        else:
            kept.extend(block)
        finished += len(block)
        show(Progress(st.name, finished, replications, st.step, st.steps, run_id))

    try:
        run_replications(world, todo, executor, on_block)
    except BaseException as exc:
        if writer is not None and store is not None and run_id is not None:
            writer.write()  # what finished is kept, and a resumed run skips it
            stopped = stopped_by(exc)
            status = INTERRUPTED if stopped else FAILED
            message = "stopped before it was done" if stopped else f"{type(exc).__name__}: {exc}"
            store.end_run(run_id, status, message)
        raise
    if writer is not None:
        writer.write()
    seconds = time.perf_counter() - t0
    if store is not None and run_id is not None:
        store.end_run(run_id, DONE, seconds=seconds)
        return RunResult(run_id, store.run_metrics(run_id), seconds)
    return RunResult(None, reps_frame(kept), seconds)
