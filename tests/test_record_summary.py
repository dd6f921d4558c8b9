"""Record summaries: a tiny synthetic record checked by hand, invariants on the snapshot, the
monthly plot."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from skyshield.errors import InputError
from skyshield.record import SCHEMA_COLUMNS, SUMMARY_COLUMNS, read_record, summarise
from skyshield.record.summary import monthly_by_category, plot_monthly

#  time_start, time_end, model, launched, destroyed, not_reach_goal  -> night
ROWS = [
    ("2025-05-31 20:00", "2025-06-01 08:00", "Shahed-136/131", "100", "60", "30"),  # 05-31
    ("2025-06-01 03:00", "2025-06-01 05:00", "X-101/X-555", "10", "8", ""),  # 05-31
    ("2025-06-01", "2025-06-01", "Shahed-136/131", "5", "", ""),  # 05-31, destroyed unknown
    ("2025-06-02 21:00", "2025-06-03 07:00", "Shahed-136/131", "200", "150", "40"),  # 06-02
    ("2025-06-03 13:00", "2025-06-03 15:00", "X-101/X-555 and Kalibr", "30", "27", "1"),  # 06-03
    ("2025-06-08 20:00", "2025-06-09 06:00", "Shahed-136/131", "", "0", ""),  # 06-08, launched ?
]
MAY, JUNE = dt.date(2025, 5, 1), dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("record") / "tiny.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(SCHEMA_COLUMNS))
        w.writeheader()
        for start, end, model, launched, destroyed, not_reached in ROWS:
            w.writerow(
                {c: "" for c in SCHEMA_COLUMNS}
                | {
                    "time_start": start,
                    "time_end": end,
                    "model": model,
                    "launched": launched,
                    "destroyed": destroyed,
                    "not_reach_goal": not_reached,
                    "target": "Ukraine",
                }
            )
    return read_record(path).rows


#: The summary's counts and the destroyed rate (the measure's columns follow them).
COUNTS = SUMMARY_COLUMNS[3 : SUMMARY_COLUMNS.index("destroyed_rate") + 1]


def records(table: pd.DataFrame) -> dict[tuple[dt.date, str], dict[str, float]]:
    return {(r["period"], r["class_key"]): {c: r[c] for c in COUNTS} for _, r in table.iterrows()}


def test_monthly_by_hand(rows: pd.DataFrame) -> None:
    table = summarise(rows, by="month")
    assert list(table.columns) == list(SUMMARY_COLUMNS)
    got = records(table)
    assert set(got) == {
        (MAY, "shahed-136"),
        (MAY, "kh-101"),
        (JUNE, "shahed-136"),
        (JUNE, "kh-101+kalibr"),
    }
    # May: rows 1 and 3 (row 3 gives no destroyed: out of the rate), row 2
    assert got[MAY, "shahed-136"] == pytest.approx(
        {
            "rows": 2,
            "launched": 105,
            "destroyed": 60,
            "not_reached": 30,
            "launched_destroyed_known": 100,
            "destroyed_rate": 0.6,
        }
    )
    assert got[MAY, "kh-101"] == pytest.approx(
        {
            "rows": 1,
            "launched": 10,
            "destroyed": 8,
            "not_reached": 0,
            "launched_destroyed_known": 10,
            "destroyed_rate": 0.8,
        }
    )
    # June: rows 4 and 6 (row 6: launched empty -> 0), row 5
    assert got[JUNE, "shahed-136"] == pytest.approx(
        {
            "rows": 2,
            "launched": 200,
            "destroyed": 150,
            "not_reached": 40,
            "launched_destroyed_known": 200,
            "destroyed_rate": 0.75,
        }
    )
    assert got[JUNE, "kh-101+kalibr"]["destroyed_rate"] == pytest.approx(0.9)
    assert table["category"].tolist() == ["drone", "cruise", "drone", "cruise"]
    # sorted by period, then launched (largest first)
    assert table["period"].tolist() == [MAY, MAY, JUNE, JUNE]


def test_weekly_and_nightly_by_hand(rows: pd.DataFrame) -> None:
    weeks = records(summarise(rows, by="week"))
    monday_may, monday_june = dt.date(2025, 5, 26), dt.date(2025, 6, 2)
    assert weeks[monday_may, "shahed-136"]["launched"] == 105
    assert weeks[monday_june, "shahed-136"]["launched"] == 200  # 06-08 is that week's Sunday
    nights = records(summarise(rows, by="night"))
    assert sorted({p for p, _ in nights}) == [
        dt.date(2025, 5, 31),
        dt.date(2025, 6, 2),
        dt.date(2025, 6, 3),
        dt.date(2025, 6, 8),
    ]
    last = nights[dt.date(2025, 6, 8), "shahed-136"]
    assert last["launched"] == 0 and last["launched_destroyed_known"] == 0
    assert math.isnan(last["destroyed_rate"])


def test_start_and_end_bound_nights_inclusive(rows: pd.DataFrame) -> None:
    table = summarise(rows, start="2025-06-01", end=dt.date(2025, 6, 3), by="night")
    assert table["launched"].sum() == 230  # rows 4 and 5 only
    assert summarise(rows, start="2025-05-31", end="2025-05-31")["launched"].sum() == 115


def test_empty_selection_and_bad_arguments(rows: pd.DataFrame) -> None:
    empty = summarise(rows, start="2030-01-01")
    assert empty.empty and list(empty.columns) == list(SUMMARY_COLUMNS)
    with pytest.raises(InputError, match="month, week or night"):
        summarise(rows, by="year")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="start"):
        summarise(rows, start="June")


def test_monthly_by_category_by_hand(rows: pd.DataFrame) -> None:
    launched, rate = monthly_by_category(rows)
    assert launched.loc[MAY].to_dict() == {"drone": 105, "cruise": 10}
    assert launched.loc[JUNE].to_dict() == {"drone": 200, "cruise": 30}
    assert rate[MAY] == pytest.approx(68 / 110)
    assert rate[JUNE] == pytest.approx(177 / 230)


def test_plot_writes_png(rows: pd.DataFrame, tmp_path: Path) -> None:
    out = plot_monthly(rows, tmp_path / "plots" / "monthly.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 10_000


@pytest.mark.slow
def test_snapshot_totals_agree_across_periods() -> None:
    imp = read_record()
    total = imp.report.launched_total
    for by in ("month", "week", "night"):
        table = summarise(imp.rows, by=by)
        assert table["launched"].sum() == pytest.approx(total), by
        assert (
            ((table["destroyed_rate"] >= 0) & (table["destroyed_rate"] <= 1.0 + 1e-9))
            .where(table["destroyed_rate"].notna(), True)
            .all()
        ), by
    june_8 = summarise(imp.rows, start="2025-06-08", end="2025-06-08", by="night")
    assert june_8.set_index("class_key").loc["shahed-136", "launched"] == 479
