"""End-to-end runs of `skyshield truce` on the shipped snapshot, and its input errors."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import pytest

from skyshield.cli.main import main


@pytest.fixture(scope="module")
def easter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The output folder and the printed text of one run (shared by the tests below)."""
    out = tmp_path_factory.mktemp("truce") / "easter"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["truce", "--window", "easter-2025", "--draws", "1000", "--out", str(out)])
    assert code == 0
    return out, buf.getvalue()


@pytest.mark.slow
def test_easter_writes_chart_table_and_json(easter: tuple[Path, str]) -> None:
    out, stdout = easter
    assert sorted(p.name for p in out.iterdir()) == ["chart.png", "nights.csv", "truce.json"]
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Verdict" in stdout and "launches stopped" in stdout
    assert "p (drop)" in stdout and "ratio [90 %]" in stdout


@pytest.mark.slow
def test_the_json_agrees_with_the_csv(easter: tuple[Path, str]) -> None:
    out, _ = easter
    doc = json.loads((out / "truce.json").read_text(encoding="utf-8"))
    for key in ("window", "record", "fit", "settings", "classes", "total", "breaks", "verdict"):
        assert key in doc
    assert doc["window"]["name"] == "easter-2025"
    assert doc["window"]["held_nights"] == ["2025-04-19"]
    assert doc["window"]["partial_nights"] == ["2025-04-20"]
    assert doc["settings"] == {"level": 0.9, "draws": 1000, "seed": 1, "threshold": 0.0}
    with (out / "nights.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    held = [
        r for r in rows if r["period"] == "truce" and r["night"] in doc["window"]["held_nights"]
    ]
    for c in doc["classes"]:
        mine = [r for r in held if r["class"] == c["name"]]
        assert sum(float(r["observed"]) for r in mine) == c["observed"]
        assert sum(float(r["expected"]) for r in mine) == pytest.approx(c["expected"])
        assert c["fit"]["model"] in ("trend+weekday", "trend", "constant", "rate")
    total = [r for r in held if r["class"] == "total"]
    assert sum(float(r["observed"]) for r in total) == doc["total"]["observed"] == 0
    assert doc["total"]["p_drop"] < 0.01 and doc["total"]["ratio_high"] < 1
    fit_nights = {r["night"] for r in rows if r["period"] == "fit"}
    assert len(fit_nights) == 56 and min(fit_nights) == doc["fit"]["first_night"]
    # the night of 20 April: every launch reported after the truce ended at 00:00
    night20 = next(r for r in rows if r["night"] == "2025-04-20" and r["class"] == "total")
    assert float(night20["outside_hours"]) == float(night20["observed"]) > 0
    assert doc["breaks"] == []


def test_list_shows_the_builtin_windows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["truce", "--list"]) == 0
    out = capsys.readouterr().out
    for name in ("energy-moratorium-2025", "easter-2025", "may-2025", "source: politico"):
        assert name in out


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["--window", "christmas"], ["unknown window 'christmas'", "easter-2025"]),
        (
            ["--from", "2021-01-01", "--to", "2021-01-03"],
            ["outside the record's dates", "from 2022-09-27 to 2025-06-30"],
        ),
        (["--from", "2022-10-10", "--to", "2022-10-12"], ["too few nights to fit"]),
        (["--window", "easter-2025", "--fit-weeks", "2"], ["too few nights to fit"]),
        (
            ["--from", "2025-04-19", "--to", "2025-04-20", "--classes", "drones"],
            ["unknown class 'drones'"],
        ),
        (["--window", "easter-2025", "--from", "2025-04-19"], ["not both"]),
        ([], ["name a window"]),
        (["--from", "2025-04-20", "--to", "2025-04-19"], ["before 'from'"]),
    ],
)
def test_bad_input_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragments: list[str]
) -> None:
    assert main(["truce", *argv, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error:")
    for fragment in fragments:
        assert fragment in err
    assert not (tmp_path / "o").exists()
