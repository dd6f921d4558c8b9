"""Finished replications reach the store a few seconds' worth at a time, and all of them when a
run ends, stops or fails: a stopped run keeps every replication it finished."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from skyshield.runs import Store
from skyshield.studies import Progress, montecarlo
from skyshield.studies.writer import BlockWriter


def _rep(k: int) -> tuple[int, int, dict[str, float], pd.DataFrame]:
    return (k, 100 + k, {"shield.hits_on_assets": float(k)}, pd.DataFrame())


def _stored(store: Store, run_id: str) -> list[int]:
    return sorted(store.done_reps(run_id))


def test_blocks_wait_for_their_time_and_a_write_takes_them_all(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    run_id = store.start_run("mc", "small", "text", "reference", 1, 1, 4)
    writer = BlockWriter(store, every_s=3600.0)
    writer.add(run_id, [_rep(0), _rep(1)])
    assert _stored(store, run_id) == [0, 1]  # the first block at once
    writer.add(run_id, [_rep(2)])
    writer.add(run_id, [_rep(3)])
    assert _stored(store, run_id) == [0, 1]  # the next ones wait: the hour has not passed
    writer.write()
    assert _stored(store, run_id) == [0, 1, 2, 3]
    writer.write()  # nothing waiting: nothing written twice
    assert _stored(store, run_id) == [0, 1, 2, 3]


def test_a_block_after_the_interval_is_written_at_once_with_those_before(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    first = store.start_run("mc", "small", "text", "reference", 1, 1, 2)
    second = store.start_run("mc", "small", "text", "reference", 1, 1, 2)
    writer = BlockWriter(store, every_s=0.0)
    writer.add(first, [_rep(0)])
    writer.add(second, [_rep(0), _rep(1)])
    assert _stored(store, first) == [0] and _stored(store, second) == [0, 1]


@pytest.mark.slow
def test_a_run_stopped_midway_keeps_what_it_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skyshield.studies.runner as runner

    # after the first block, nothing is written on the way (an hour between writes): the
    # second block is stored because the stop wrote it
    monkeypatch.setattr(runner, "BlockWriter", partial(BlockWriter, every_s=3600.0))
    store = Store(tmp_path / "s.duckdb")
    seen: list[int] = []

    def stop_after_two_blocks(p: Progress) -> None:
        seen.append(p.done)
        if p.done >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        montecarlo("small", raid="reference", runs=20, store=store, progress=stop_after_two_blocks)
    run = store.runs().iloc[0]
    assert run["status"] == "interrupted"
    assert _stored(store, str(run["run_id"])) == list(range(10))  # both blocks, not lost
    assert seen[-1] == 10
