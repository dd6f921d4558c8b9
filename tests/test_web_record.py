"""The record explorer's API: what the record holds, summaries and largest nights as the
library computes them (filters by dates, classes and categories), columns passed through
whatever they are, and the errors (bad dates, unknown classes, ranges over the limits)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from skyshield.record import summarise
from skyshield.runs import choose_record
from skyshield.web import Limits
from web_helpers import client, make_config


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return choose_record(None, Path("/nonexistent/store.duckdb")).rows


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with client(make_config(tmp_path_factory.mktemp("record-server"))) as c:
        yield c


def test_the_record_says_what_it_holds(api, rows) -> None:  # type: ignore[no-untyped-def]
    info = api.get("/api/record").json()
    assert info["description"].startswith("record: the shipped snapshot")
    assert info["rows"] == len(rows)
    nights = rows["night"].dropna()
    assert info["first"] == nights.min().isoformat() and info["last"] == nights.max().isoformat()
    assert info["nights"] == nights.nunique()
    launched = {c["class_key"]: c["launched"] for c in info["classes"]}
    assert launched["shahed-136"] == rows.loc[rows["class_key"] == "shahed-136", "launched"].sum()
    assert [c["launched"] for c in info["classes"]] == sorted(launched.values(), reverse=True)


def test_a_summary_is_the_librarys_for_the_same_question(api, rows) -> None:  # type: ignore[no-untyped-def]
    r = api.get("/api/record/summary?start=2025-01-01&end=2025-03-31&classes=shahed-136,kh-101")
    assert r.status_code == 200, r.text
    got = r.json()
    chosen = rows[rows["class_key"].isin(["shahed-136", "kh-101"])]
    expected = summarise(chosen, "2025-01-01", "2025-03-31", by="month")
    assert [c["name"] for c in got["columns"]] == list(expected.columns)
    kinds = {c["name"]: c["kind"] for c in got["columns"]}
    assert kinds["period"] == kinds["class_key"] == "key"
    assert kinds["launched"] == kinds["destroyed"] == "count"
    assert kinds["destroyed_rate"] == "rate"
    assert got["data"]["period"] == [d.isoformat() for d in expected["period"]]
    assert set(got["data"]["period"]) == {"2025-01-01", "2025-02-01", "2025-03-01"}
    assert got["data"]["launched"] == pytest.approx(list(expected["launched"]))
    assert set(got["data"]["class_key"]) == {"shahed-136", "kh-101"}


def test_largest_nights_add_up_the_classes(api, rows) -> None:  # type: ignore[no-untyped-def]
    got = api.get("/api/record/nights?top=5&categories=drone").json()
    nightly = summarise(rows[rows["category"] == "drone"], by="night")
    totals = nightly.groupby("period")["launched"].sum().sort_values(ascending=False)
    assert [r["night"] for r in got["rows"]] == [d.isoformat() for d in totals.index[:5]]
    assert [r["launched"] for r in got["rows"]] == pytest.approx(list(totals.iloc[:5]))
    first = got["rows"][0]
    mine = nightly[nightly["period"] == totals.index[0]]
    assert first["destroyed"] == pytest.approx(mine["destroyed"].sum())
    assert first["classes"].startswith(
        f"{mine.iloc[0]['class_key']} {int(mine.iloc[0]['launched'])}"
    )


def test_columns_the_summary_adds_are_shown(api, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The explorer charts whatever the summary counts (a new measure needs no change here)."""
    import skyshield.web.record_view as record_view

    def with_more(rows: pd.DataFrame, start=None, end=None, by="month"):  # type: ignore[no-untyped-def]
        out = summarise(rows, start, end, by=by)
        out.insert(6, "not_destroyed", out["launched"] - out["destroyed"])
        return out

    monkeypatch.setattr(record_view, "summarise", with_more)
    got = api.get("/api/record/summary?start=2024-01-01&end=2024-01-31&by=week").json()
    kinds = {c["name"]: c["kind"] for c in got["columns"]}
    assert kinds["not_destroyed"] == "count"
    assert got["data"]["not_destroyed"] == pytest.approx(
        [a - b for a, b in zip(got["data"]["launched"], got["data"]["destroyed"], strict=True)]
    )
    nights = api.get("/api/record/nights?start=2024-01-01&end=2024-01-31&top=3").json()
    assert {"night", "launched", "not_destroyed", "classes"} <= {
        c["name"] for c in nights["columns"]
    }


def test_record_errors_are_4xx_with_a_message(api) -> None:  # type: ignore[no-untyped-def]
    bad = api.get("/api/record/summary?start=2025-02-30")
    assert bad.status_code == 422 and "day value is outside expected range" in bad.text
    assert api.get("/api/record/summary?end=June").status_code == 422
    order = api.get("/api/record/summary?start=2025-03-01&end=2025-02-01")
    assert order.status_code == 422
    assert (
        order.json()["detail"] == "start 2025-03-01 is after end 2025-02-01: expected start <= end"
    )
    unknown = api.get("/api/record/summary?classes=shahed-136,nope")
    assert unknown.status_code == 422 and unknown.json()["detail"].startswith("unknown class nope:")
    assert api.get("/api/record/summary?classes=../x").status_code == 422
    long = api.get("/api/record/summary?by=night")
    assert long.status_code == 422 and "at most 400" in long.json()["detail"]
    ok = api.get("/api/record/summary?by=night&start=2025-06-01&end=2025-06-30")
    assert ok.status_code == 200
    assert set(ok.json()["data"]["period"]) <= {
        (dt.date(2025, 6, 1) + dt.timedelta(days=k)).isoformat() for k in range(30)
    }
    assert api.get("/api/record/nights?top=101").status_code == 422
    assert api.get("/api/record/nights?top=0").status_code == 422
    assert api.get("/api/record/summary?by=year").status_code == 422


def test_an_empty_choice_gives_empty_tables(api) -> None:  # type: ignore[no-untyped-def]
    got = api.get("/api/record/summary?start=2030-01-01").json()
    assert all(v == [] for v in got["data"].values())
    assert api.get("/api/record/nights?start=2030-01-01").json()["rows"] == []


def test_a_record_night_job_needs_a_night_of_the_record(tmp_path: Path) -> None:
    config = make_config(tmp_path, job_targets={"mc": "nowhere:never"}, limits=Limits())
    with client(config) as api:
        body = {"kind": "mc", "ref": "small", "text": "name: x\n", "runs": 1}
        missing = api.post("/api/jobs", json={**body, "raid": "2021-01-01"})
        assert missing.status_code == 422
        assert missing.json()["detail"].startswith("the record has no night 2021-01-01")
        bad = api.post("/api/jobs", json={**body, "raid": "2025-13-40"})
        assert bad.status_code == 422 and "is not a date" in bad.json()["detail"]
        assert api.get("/api/jobs").json() == []
