"""End-to-end runs of `skyshield record ...` and `skyshield raid ...`."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import duckdb
import pytest

from skyshield.cli.main import main

SNAPSHOT = Path(str(resources.files("skyshield.data.record").joinpath("missile_attacks_daily.csv")))


def store_counts(store: Path) -> tuple[int, int]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        imports = con.execute("SELECT count(*) FROM record.imports").fetchone()
        rows = con.execute("SELECT sum(rows) FROM record.imports").fetchone()
    finally:
        con.close()
    assert imports is not None and rows is not None
    return int(imports[0]), int(rows[0])


@pytest.mark.slow
def test_import_twice_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.duckdb"
    assert main(["record", "import", str(SNAPSHOT), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "rows read: 2617" in out and "launched mapped to a threat class: 100.00 %" in out
    assert store_counts(store) == (1, 2617)
    assert main(["record", "import", str(SNAPSHOT), "--store", str(store)]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert store_counts(store) == (1, 2617)


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.csv", b"", "empty"),
        ("latin1.csv", "time_start,model\n2025-06-08 20:00,Шахед\n".encode("cp1251"), "UTF-8"),
    ],
)
def test_malformed_csv_leaves_store_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, fragment: str
) -> None:
    store = tmp_path / "s.duckdb"
    assert main(["record", "import", str(SNAPSHOT), "--store", str(store)]) == 0
    bad = tmp_path / name
    bad.write_bytes(content)
    capsys.readouterr()
    assert main(["record", "import", str(bad), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and fragment in err and "Traceback" not in err
    assert store_counts(store) == (1, 2617)


def test_missing_column_and_wrong_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    no_model = tmp_path / "no_model.csv"
    no_model.write_text(
        ",".join(h if h != "model" else "weapon" for h in header) + "\n", encoding="utf-8"
    )
    assert main(["record", "import", str(no_model)]) == 2
    assert "model" in capsys.readouterr().err
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(
        lines[0] + "\n" + lines[1].replace(",52.0,", ",many,", 1) + "\n", encoding="utf-8"
    )
    assert main(["record", "import", str(wrong)]) == 2  # its only row is impossible
    err = capsys.readouterr().err
    assert f"{wrong}:2" in err and "launched" in err


@pytest.mark.slow
def test_summary_prints_rates_and_writes_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "monthly.png"
    args = [
        "record",
        "summary",
        "--from",
        "2025-01-01",
        "--to",
        "2025-06-30",
        "--chart",
        str(chart),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "shahed-136" in out and "destroyed_rate" in out and "shipped snapshot" in out
    assert chart.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_summary_uses_newest_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    newer = tmp_path / "newer.csv"
    shutil.copy(SNAPSHOT, newer)
    with newer.open("a", encoding="utf-8") as f:
        f.write(
            "2025-07-01 20:00,2025-07-02 08:00,Shahed-136/131,Kursk,Ukraine,,7.0,5.0,1.0,,{},,,,,,,,,,,test\n"
        )
    assert main(["record", "import", str(newer)]) == 0
    capsys.readouterr()
    assert (
        main(["record", "summary", "--from", "2025-07-01", "--chart", str(tmp_path / "c.png")]) == 0
    )
    out = capsys.readouterr().out
    assert "import in use" in out and "newer.csv" in out


@pytest.mark.slow
def test_raid_show_record_night(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "night.png"
    assert main(["raid", "show", "2025-06-08", "--map", str(png)]) == 0
    out = capsys.readouterr().out
    assert "shahed-136         drone    479" in out
    for area in ("primorsko-akhtarsk", "kursk", "oryol", "millerovo", "shatalovo"):
        assert area in out
    assert "Launch window (Kyiv time): 2025-06-08 20:00" in out
    assert png.stat().st_size > 10_000


@pytest.mark.slow
def test_raid_generate_then_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "june.yaml"
    args = [
        "raid",
        "generate",
        "--like",
        "2025-06",
        "--nights",
        "5",
        "--seed",
        "7",
        "--out",
        str(out_file),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert (
        "Model fitted on the nights 2025-06-01 .. 2025-06-30" in text and "wrote 5 nights" in text
    )
    assert (
        main(["raid", "show", str(out_file), "--night", "2", "--map", str(tmp_path / "n2.png")])
        == 0
    )
    assert "synthetic-2025-06-002" in capsys.readouterr().out
    assert main(["raid", "show", str(out_file), "--night", "9"]) == 2


@pytest.mark.slow
def test_raid_show_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["raid", "show", "reference", "--map", str(tmp_path / "r.png")]) == 0
    out = capsys.readouterr().out
    assert "860 weapons" in out


@pytest.mark.slow
def test_scenario_uses_its_raid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a generated raid file that a scenario beside it names is what `simulate` flies by default
    raid = tmp_path / "june.yaml"
    assert (
        main(
            [
                "raid",
                "generate",
                "--like",
                "2025-06",
                "--nights",
                "3",
                "--seed",
                "5",
                "--out",
                str(raid),
            ]
        )
        == 0
    )
    scenario = tmp_path / "mine.yaml"
    scenario.write_text("name: mine\nextends: small\nraid: june.yaml\n", encoding="utf-8")
    capsys.readouterr()
    assert (
        main(["simulate", str(scenario), "--night", "2", "--seed", "1", "--defence", "baseline"])
        == 0
    )
    assert "night synthetic-2025-06-002" in capsys.readouterr().out
    # an explicit --raid wins
    assert (
        main(
            [
                "simulate",
                str(scenario),
                "--raid",
                "2025-06-08",
                "--seed",
                "1",
                "--defence",
                "baseline",
            ]
        )
        == 0
    )
    assert "night 2025-06-08: 503 weapons" in capsys.readouterr().out


@pytest.mark.slow
def test_imports_are_listed_chosen_and_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two imports: the newest is in use; `record use` picks the older one (summary says so);
    `record drop` of the one in use goes back to the newest left, and of the last one to the
    shipped snapshot."""
    store = tmp_path / "s.duckdb"
    older = tmp_path / "older.csv"
    text = SNAPSHOT.read_text(encoding="utf-8").splitlines(keepends=True)
    older.write_text("".join(text[:-40]), encoding="utf-8")  # the snapshot less its last rows
    for f in (older, SNAPSHOT):
        assert main(["record", "import", str(f), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["record", "imports", "--store", str(store)]) == 0
    listing = capsys.readouterr().out.splitlines()
    in_use = [line for line in listing if line.rstrip().endswith("in use")]
    assert len(in_use) == 1 and "missile_attacks_daily.csv" in in_use[0]
    older_id = next(line.split()[0] for line in listing if "older.csv" in line)
    assert main(["record", "use", older_id[:8], "--store", str(store)]) == 0
    assert f"the record in use is now import {older_id}" in capsys.readouterr().out
    assert main(["record", "summary", "--store", str(store)]) == 0
    assert "older.csv" in capsys.readouterr().out
    assert main(["record", "drop", older_id, "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert f"dropped import {older_id}" in out and "is in use" in out
    newest = store_counts(store)
    assert newest == (1, 2617)
    assert main(["record", "drop", "abcdef", "--store", str(store)]) == 2
    assert "abcdef" in capsys.readouterr().err
    only = next(line.split()[0] for line in _listing(store, capsys) if "in use" in line)
    assert main(["record", "drop", only, "--store", str(store)]) == 0
    assert "commands use the shipped snapshot" in capsys.readouterr().out


def _listing(store: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["record", "imports", "--store", str(store)]) == 0
    return capsys.readouterr().out.splitlines()
