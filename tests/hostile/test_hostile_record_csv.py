"""Defect 11: a CSV with an unclosed quote merged 500 rows into one, imported with 0 % of the
weapons mapped, exit 0, and became the record in use.  Now such a file is refused (exit 2)
naming the line where the runaway record starts, and so is a file whose weapons mostly name
models the tables do not know; `--force` imports either on purpose."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from skyshield.cli.main import main

SNAPSHOT = Path(str(resources.files("skyshield.data.record").joinpath("missile_attacks_daily.csv")))
LINES = SNAPSHOT.read_text(encoding="utf-8").splitlines()


def _in_use(store: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["record", "imports", "--store", str(store)]) == 0
    return next(
        (line for line in capsys.readouterr().out.splitlines() if line.rstrip().endswith("in use")),
        "",
    )


@pytest.mark.slow
def test_an_unclosed_quote_is_refused_and_the_record_in_use_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    assert main(["record", "import", str(SNAPSHOT), "--store", str(store)]) == 0
    # 600 rows without quoted fields; one field of line 51 opens a quote that never closes
    rows = [LINES[0], *[line for line in LINES[1:] if '"' not in line][:600]]
    fields = rows[50].split(",")
    fields[3] = '"' + fields[3]
    rows[50] = ",".join(fields)
    bad = tmp_path / "quote.csv"
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["record", "import", str(bad), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:51" in err and "unbalanced quote" in err and "Traceback" not in err
    assert "missile_attacks_daily.csv" in _in_use(store, capsys)
    capsys.readouterr()
    # forced on purpose: imported (the runaway record is one impossible row, skipped)
    assert main(["record", "import", str(bad), "--store", str(store), "--force"]) == 0
    out = capsys.readouterr().out
    assert "rows read: 49" in out and "impossible rows skipped: 1" in out


def test_a_file_of_unknown_models_is_refused_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    header, *body = LINES[:200]
    model = header.split(",").index("model")
    renamed = []
    for line in body:
        fields = line.split(",")
        if len(fields) > model and fields[model]:
            fields[model] = "Widget-" + str(len(renamed) % 3)
        renamed.append(",".join(fields))
    bad = tmp_path / "unknown.csv"
    bad.write_text("\n".join([header, *renamed]) + "\n", encoding="utf-8")
    assert main(["record", "import", str(bad), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "name a model the tables know" in err and "--aliases" in err and "--force" in err
    assert not store.exists() or _in_use(store, capsys) == ""
    assert main(["record", "import", str(bad), "--store", str(store), "--force"]) == 0
