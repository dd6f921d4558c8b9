"""The studies as a library: the same numbers as the command line, results without a store,
progress reports, domain errors that name parameters (not flags), and the record a user
imported."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import skyshield
from skyshield.cli.main import main
from skyshield.errors import InputError
from skyshield.report.briefing import assessment_summary
from skyshield.runs import Store
from skyshield.studies import Progress, assess, montecarlo, simulate, sweep

SNAPSHOT = Path(str(resources.files("skyshield.data.record").joinpath("missile_attacks_daily.csv")))


@pytest.mark.slow
def test_assess_from_python_reproduces_the_cli_headline(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [
        "assess",
        "small",
        "--raid",
        "reference",
        "--runs",
        "4",
        "--sweep-runs",
        "2",
        "--sweep-jets",
        "6,18",
        "--no-record",
        "--no-uncertainty",
        "--out",
        str(out),
        "--store",
        str(tmp_path / "s.duckdb"),
    ]
    assert main(args) == 0
    cli = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    lib = assessment_summary(
        assess(
            "small",
            raid="reference",
            runs=4,
            sweep_runs=2,
            sweep_jets=[6, 18],
            recent_runs=0,
            uncertainty=False,
        )
    )
    assert lib["headline"] == cli["headline"]
    assert lib["hits_by_asset"] == cli["hits_by_asset"]
    points = [[p["metrics"] for p in s["sweep"]["points"]] for s in (lib, cli)]
    assert points[0] == points[1]
    assert lib["run_id"] is None and lib["store"] is None  # nothing stored without a store


@pytest.mark.slow
def test_the_python_example_runs_in_a_fresh_interpreter(tmp_path: Path) -> None:
    code = (
        "from skyshield.studies import assess\n"
        "from skyshield.report.briefing import assessment_summary\n"
        "a = assess('small', raid='reference', runs=2, sweep_jets=[], recent_runs=0, uncertainty=False)\n"
        "h = assessment_summary(a)['headline']\n"
        "print(round(h['hits_on_assets_shield']['mean'], 3))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert float(done.stdout.strip()) >= 0


@pytest.mark.slow
def test_montecarlo_reports_progress_and_stores(tmp_path: Path) -> None:
    seen: list[Progress] = []
    store = Store(tmp_path / "s.duckdb")
    mc = montecarlo("small", raid="reference", runs=7, store=store, progress=seen.append)
    assert [p.done for p in seen] == [0, 5, 7]  # before, then after each block of 5
    assert {p.total for p in seen} == {7} and seen[-1].run_id == mc.run_id
    assert store.run(str(mc.run_id))["status"] == "done"
    table = mc.table.set_index("metric")
    assert table.loc["shield.hits_on_assets", "n"] == 7


def test_library_errors_name_parameters_and_the_cli_names_flags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(InputError) as exc:
        montecarlo("small", runs=0)
    assert exc.value.problems[0].file == "runs"
    with pytest.raises(InputError) as exc:
        sweep("small", [("cap.stations[9].aircraft", [1, 2])], runs=1)
    assert exc.value.problems[0].file == "sets"
    assert main(["mc", "small", "--runs", "0"]) == 2
    assert capsys.readouterr().err.startswith("error: --runs:")


@pytest.mark.slow
def test_simulate_reads_the_users_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A night only in the user's newest import: `skyshield.simulate` finds it, as the CLI
    does (it read the shipped snapshot only, before)."""
    store = tmp_path / "s.duckdb"
    monkeypatch.setenv("SKYSHIELD_STORE", str(store))
    newer = tmp_path / "newer.csv"
    shutil.copy(SNAPSHOT, newer)
    with newer.open("a", encoding="utf-8") as f:
        f.write(
            "2025-07-01 20:00,2025-07-02 08:00,Shahed-136/131,Kursk,Ukraine,,7.0,5.0,1.0,,{},,,,,,"
            ",,,,,test\n"
        )
    assert main(["record", "import", str(newer)]) == 0
    result = skyshield.simulate("small", "2025-07-01", seed=3)
    assert len(result.threats) == 7
    explicit = simulate("small", "2025-07-01", seed=3, store=Store(store))
    assert explicit.threats["fate"].tolist() == result.threats["fate"].tolist()
