"""A run stopped by Ctrl-C or a signal is ``interrupted``, not ``failed``, also when the stop
arrives while compiled code has called back into Python (numba then raises ``SystemError``
with the stop as its cause: seen once when a web job was cancelled)."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from skyshield.cli import main as cli_main
from skyshield.engine.api import build_world
from skyshield.execution import Rep, Task, run_block, stopped_by
from skyshield.runs import Store
from skyshield.scenario import LoadedScenario
from skyshield.studies.runner import run_world


def _passed_on(stop: BaseException) -> SystemError:
    """What numba raises when ``stop`` was raised inside a Python function it called."""
    try:
        raise stop
    except BaseException as inner:
        try:
            raise SystemError("<function> returned a result with an exception set") from inner
        except SystemError as outer:
            return outer


def test_a_stop_and_what_it_directly_causes_are_stops() -> None:
    assert stopped_by(KeyboardInterrupt())
    assert stopped_by(SystemExit(143))
    assert stopped_by(_passed_on(KeyboardInterrupt()))
    assert stopped_by(_passed_on(_passed_on(SystemExit(143))))  # twice over, as in the log
    assert not stopped_by(ValueError("a bug"))
    assert not stopped_by(_passed_on(ValueError("a bug")))
    during = RuntimeError("failed while handling a stop")
    during.__context__ = KeyboardInterrupt()  # only a direct cause counts
    assert not stopped_by(during)


class _PassedOnAtSecondBlock:
    """An executor that runs the first block, then raises ``stop`` as compiled code would pass
    it on (:func:`_passed_on`)."""

    def __init__(self, stop: BaseException) -> None:
        self.stop = stop

    def describe(self) -> str:
        return "this process, stopped at its second block"

    def map_tasks(self, tasks: list[Task]) -> Generator[list[Rep], None, None]:
        for k, (world, block) in enumerate(tasks):
            if k == 1:
                raise _passed_on(self.stop)
            yield run_block(world, block)


@pytest.mark.parametrize(
    ("stop", "status"), [(KeyboardInterrupt(), "interrupted"), (ValueError("x"), "failed")]
)
def test_a_run_stopped_inside_compiled_code_is_interrupted_and_keeps_its_first_block(
    tmp_path: Path, small: LoadedScenario, stop: BaseException, status: str
) -> None:
    store = Store(tmp_path / "s.duckdb")
    world = build_world(small, "reference")
    with pytest.raises(SystemError):
        run_world(
            world,
            kind="mc",
            raid_ref="reference",
            night=1,
            base_seed=7,
            replications=10,
            store=store,
            executor=_PassedOnAtSecondBlock(stop),
        )
    run = store.runs().iloc[0]
    assert run["status"] == status
    assert len(store.run_metrics(run["run_id"])) == 5  # the first block is kept


def test_the_cli_says_interrupted_for_a_stop_passed_on_by_compiled_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def stopped(args: object) -> int:
        raise _passed_on(KeyboardInterrupt())

    monkeypatch.setitem(cli_main._COMMANDS, "forces", stopped)
    assert cli_main.main(["forces", "small"]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "internal error" not in err
