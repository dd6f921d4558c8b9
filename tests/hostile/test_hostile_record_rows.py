"""Defect 3: `record import` accepted impossible rows (1e12 launched, destroyed greater than
launched, fractional counts, the year 9999, an end before its start, a row of three fields),
and `record summary` then failed.  Now each such row is skipped and listed with its line and
reason, the rest imported; `--strict` refuses the file instead; a file of mostly impossible
rows is refused unless `--force`; a bad import can be set aside (`record use`, `record drop`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from skyshield.cli.main import main

SNAPSHOT = Path(str(resources.files("skyshield.data.record").joinpath("missile_attacks_daily.csv")))
LINES = SNAPSHOT.read_text(encoding="utf-8").splitlines()
HEADER = next(iter(__import__("csv").reader([LINES[0]])))


def _row(**values: str) -> str:
    """A row of the record's header with these fields (others empty), as CSV."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([values.get(h, "") for h in HEADER])
    return out.getvalue()


GOOD = {"time_start": "2025-06-07 20:00", "time_end": "2025-06-08 06:00", "model": "Shahed-136/131"}

#: (what, row, the reason the report gives)
IMPOSSIBLE = [
    ("huge", _row(**GOOD, launched="1e12"), "weapons in one row"),
    ("destroyed-above", _row(**GOOD, launched="10", destroyed="12"), "more than the 10 launched"),
    ("fraction", _row(**GOOD, launched="10.5"), "whole number"),
    ("year-9999", _row(**{**GOOD, "time_start": "9999-01-01 20:00"}, launched="3"), "year 9999"),
    (
        "end-first",
        _row(**{**GOOD, "time_end": "2025-06-06 06:00"}, launched="3"),
        "before it starts",
    ),
    ("three-fields", "2025-06-07 20:00,2025-06-08 06:00,Shahed-136/131", "row has 3 fields"),
    ("nan", _row(**GOOD, launched="10", destroyed="nan", not_reach_goal="-1"), ">= 0"),
]


def _file(tmp_path: Path, extra: list[str], name: str = "bad.csv") -> Path:
    """The snapshot's first 100 rows plus ``extra`` rows at its end."""
    path = tmp_path / name
    path.write_text("\n".join([*LINES[:101], *extra]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("what", "row", "why"), IMPOSSIBLE, ids=[i[0] for i in IMPOSSIBLE])
def test_an_impossible_row_is_skipped_with_its_line_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str, row: str, why: str
) -> None:
    store = tmp_path / "s.duckdb"
    bad = _file(tmp_path, [row])
    assert main(["record", "import", str(bad), "--store", str(store)]) == 0
    out, err = capsys.readouterr()
    assert "rows read: 100" in out and "impossible rows skipped: 1" in out
    assert "line 102: " in out and why in out
    assert "1 impossible row(s) skipped (lines 102)" in err
    # the rest is usable: the summary runs on the import
    assert main(["record", "summary", "--store", str(store)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    # --strict refuses the file, naming the line
    assert (
        main(["record", "import", str(bad), "--store", str(tmp_path / "t.duckdb"), "--strict"]) == 2
    )
    err = capsys.readouterr().err
    assert f"{bad}:102" in err and "Traceback" not in err


def test_a_file_of_mostly_impossible_rows_is_refused_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    bad = _file(tmp_path, [IMPOSSIBLE[0][1]] * 40)
    assert main(["record", "import", str(bad), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "40 of 140 rows are impossible" in err and "--force" in err
    assert not store.exists() or main(["record", "imports", "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["record", "import", str(bad), "--store", str(store), "--force"]) == 0
    assert "impossible rows skipped: 40" in capsys.readouterr().out


@pytest.mark.slow
def test_a_bad_import_can_be_set_aside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The previous import is used again when the newest is dropped."""
    store = tmp_path / "s.duckdb"
    assert main(["record", "import", str(SNAPSHOT), "--store", str(store)]) == 0
    bad = _file(tmp_path, [IMPOSSIBLE[1][1]])
    assert main(["record", "import", str(bad), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["record", "imports", "--store", str(store)]) == 0
    bad_id = next(
        line.split()[0] for line in capsys.readouterr().out.splitlines() if "bad.csv" in line
    )
    assert main(["record", "drop", bad_id, "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["record", "summary", "--store", str(store)]) == 0
    assert "missile_attacks_daily.csv" in capsys.readouterr().out


def test_strict_refuses_a_row_without_a_launched_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`nan` (or nothing) launched is kept and counted as 0, and listed; --strict refuses it."""
    bad = _file(tmp_path, [_row(**GOOD, launched="nan", destroyed="3")])
    assert main(["record", "import", str(bad), "--store", str(tmp_path / "s.duckdb")]) == 0
    assert "rows with 'launched' empty (counted as 0): 1 (lines 102)" in capsys.readouterr().out
    store = tmp_path / "t.duckdb"
    assert main(["record", "import", str(bad), "--store", str(store), "--strict"]) == 2
    assert f"{bad}:102: launched: empty or nan" in capsys.readouterr().err
    assert not store.exists() or main(["record", "imports", "--store", str(store)]) == 0
