"""Defect 6 (the scenario and raid parts): no size limits.  A raid count of 1e9 ended in a memory
error after 33 s and 8 GB, `launch_end_h: 1e300` ran on past 100 s, `.inf` and a night whose
groups all have count 0 gave internal errors, and a 50 MB scenario took 7.3 GB and 6 minutes.
Each is now refused at once with exit 2, a message stating the limit, and (where a user could
need more) the environment variable that raises it; docs/limits.md lists them."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_probes import VALID, raid_file, run_bounded

from skyshield.cli.main import main
from skyshield.errors import InputError
from skyshield.raids.load import parse_raid_text, pick_night
from skyshield.scenario import load_scenario

DOCS = Path(__file__).resolve().parents[2] / "docs" / "limits.md"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("count", "end", "expected"),
    [
        ("1000000000", "9", "count: Input should be less than or equal to"),
        ("10", "1.0e+300", "launch_end_h: Input should be less than or equal to"),
        ("10", ".inf", "launch_end_h: Input should be a finite number"),
        ("0", "9", "has no weapons"),
    ],
)
def test_huge_or_empty_raids_exit_2_quickly(
    tmp_path: Path, count: str, end: str, expected: str
) -> None:
    (tmp_path / "raid.yaml").write_text(raid_file(count, end), encoding="utf-8")
    done = run_bounded(["simulate", "small", "--raid", "raid.yaml"], cwd=tmp_path, timeout_s=90)
    assert done.returncode == 2, done.stderr[-2000:]
    assert expected in done.stderr and "Traceback" not in done.stderr


def test_a_night_without_groups_is_refused_before_the_engine(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = "nights:\n  - {name: quiet, start: 2025-06-07T20:00:00+03:00, groups: []}\n"
    nights = parse_raid_text(text, "r.yaml")  # a quiet night is a valid part of a raid file
    with pytest.raises(InputError, match="night quiet has no weapons"):
        pick_night(nights, 1, "r.yaml")


def test_weapons_per_night_limit_is_stated_and_can_be_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from skyshield.scenario.limits import RAID_WEAPONS  # inside: the module is new

    over = RAID_WEAPONS.count() // 2 + 1
    with pytest.raises(InputError) as exc:
        parse_raid_text(raid_file(str(over), "9", groups=2), "r.yaml")
    [problem] = exc.value.problems
    assert (problem.file, problem.field, problem.line) == ("r.yaml", "nights[0]", 2)
    assert f"{2 * over:,} weapons" in problem.message
    assert f"at most {RAID_WEAPONS.count():,} weapons" in problem.message
    assert "SKYSHIELD_MAX_RAID_WEAPONS" in problem.message
    monkeypatch.setenv("SKYSHIELD_MAX_RAID_WEAPONS", str(2 * over))
    assert parse_raid_text(raid_file(str(over), "9", groups=2), "r.yaml")[0].total == 2 * over


def test_night_length_limit_is_stated_and_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    from skyshield.scenario.limits import NIGHT_HOURS

    hours = NIGHT_HOURS.value() + 4
    with pytest.raises(InputError) as exc:
        parse_raid_text(raid_file("5", f"{hours:.1f}"), "r.yaml")
    [problem] = exc.value.problems
    assert problem.field == "nights[0].groups[0].launch_end_h" and problem.line == 5
    assert (
        "SKYSHIELD_MAX_NIGHT_H" in problem.message
        and f"at most {NIGHT_HOURS.value():g} h" in problem.message
    )
    monkeypatch.setenv("SKYSHIELD_MAX_NIGHT_H", str(hours))
    assert parse_raid_text(raid_file("5", f"{hours:.1f}"), "r.yaml")[0].last_launch_h == hours


@pytest.mark.slow
def test_the_record_fits_within_the_default_limits(record_rows: object) -> None:
    """The defaults refuse no night of the shipped record (its longest night launches until
    27.5 h, its largest has fewer than 1,000 weapons)."""
    import pandas as pd

    from skyshield.raids import raid_context
    from skyshield.raids.load import night_problems
    from skyshield.raids.replay import night_from_record

    assert isinstance(record_rows, pd.DataFrame)
    ctx = raid_context(load_scenario("small"))
    nights = sorted(set(record_rows.loc[record_rows["launched"] > 0, "night"]))
    every = [night_from_record(record_rows, d, ctx) for d in nights]
    assert [n.name for n in every if night_problems(n, "<record>", ())] == []


@pytest.mark.slow
def test_a_50_mb_scenario_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(50_000_000)  # sparse: 50 MB of NUL bytes on no disk
    done = run_bounded(["scenario", "validate", "big.yaml"], cwd=tmp_path, timeout_s=60)
    assert done.returncode == 2, done.stderr
    assert "big.yaml: the file is 50.0 MB: at most 2 MB in one YAML file" in done.stderr
    assert "SKYSHIELD_MAX_YAML_MB" in done.stderr


def test_the_size_limit_can_be_lowered_and_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(VALID + "description: " + "x" * 20_000 + "\n", encoding="utf-8")
    monkeypatch.setenv("SKYSHIELD_MAX_YAML_MB", "0.01")
    assert main(["scenario", "validate", str(p)]) == 2
    assert "the file is 0.0 MB: at most 0.01 MB" in capsys.readouterr().err
    monkeypatch.setenv("SKYSHIELD_MAX_YAML_MB", "0.1")
    assert main(["scenario", "validate", str(p)]) == 0
    monkeypatch.setenv("SKYSHIELD_MAX_YAML_MB", "-3")
    assert main(["scenario", "validate", str(p)]) == 2
    assert "error: SKYSHIELD_MAX_YAML_MB: expected a number above 0" in capsys.readouterr().err


def test_lists_beyond_any_real_plan_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    stations = "".join(f"    - {{id: s{i}, position: [24.3, 49.8]}}\n" for i in range(501))
    p.write_text(VALID + "cap:\n  stations:\n" + stations, encoding="utf-8")
    with pytest.raises(InputError, match="at most 500 items"):
        load_scenario(p)


def test_every_limit_is_in_docs_limits_md() -> None:
    from skyshield.scenario.limits import NIGHT_HOURS, RAID_WEAPONS, YAML_DEPTH, YAML_MB, YAML_NODES

    rows = [r for r in DOCS.read_text(encoding="utf-8").splitlines() if r.startswith("|")]
    for limit, default in (
        (YAML_MB, "2 MB"),
        (YAML_NODES, "100,000"),
        (YAML_DEPTH, "50"),
        (RAID_WEAPONS, "20,000"),
        (NIGHT_HOURS, "36 h"),
    ):
        key = limit.env or limit.what
        [row] = [r for r in rows if key in r] if limit.env else [r for r in rows if "nesting" in r]
        assert default in row, row
