"""Truce windows, and nightly counts from record rows on a small hand-made table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from skyshield.catalog import load_catalog
from skyshield.errors import InputError
from skyshield.record import load_regions
from skyshield.record.importer import KYIV
from skyshield.truce.counts import covered_rows, launches_by_timing, nightly_counts, row_timing
from skyshield.truce.windows import (
    TruceWindow,
    check_window,
    class_categories,
    custom_window,
    launch_truce_nights,
    load_windows,
)

CATS = class_categories(load_catalog())
D = dt.date


def t(day: int, hour: int, minute: int = 0, month: int = 4) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(2025, month, day, hour, minute, tzinfo=KYIV))


def row(
    start: pd.Timestamp,
    end: pd.Timestamp | None,
    class_key: str,
    category: str,
    launched: float,
    *,
    date_only: bool = False,
    regions: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "night": (start - pd.Timedelta(hours=12)).date(),
        "time_start": start,
        "time_end": end if end is not None else pd.NaT,
        "date_only": date_only,
        "class_key": class_key,
        "category": category,
        "launched": launched,
        "target": "Ukraine",
        "target_main": "",
        "target_regions": regions or [],
        "affected_regions": [],
    }


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for c in ("time_start", "time_end"):
        df[c] = pd.to_datetime(df[c]).dt.tz_convert("Europe/Kyiv")
    return df


def window(**fields: Any) -> TruceWindow:
    base: dict[str, Any] = {
        "name": "w",
        "title": "W",
        "kind": "launches",
        "from": "2025-04-19",
        "to": "2025-04-20",
        "classes": ("shahed-136", "cruise"),
        "notes": ("assumption: test",),
    }
    return custom_window(base | fields)


# rows of four nights, 18 to 21 April 2025
ROWS = frame(
    [
        row(t(18, 21), t(19, 9), "shahed-136", "drone", 87),
        row(t(18, 21), t(19, 9), "kh-101+kalibr", "cruise", 5),
        row(t(18, 21), t(19, 9), "iskander-m", "ballistic", 3),  # not covered
        row(t(19, 0), None, "lancet", "drone", 4, date_only=True),  # night of 18: not covered
        # night of 19: nothing at all
        row(t(21, 2), t(21, 9), "shahed-136", "drone", 96),  # night of 20, after 00:00 on 21
        row(t(20, 22), t(21, 1), "kh-101+iskander-m", "mixed", 2),  # night of 20, spans 00:00
        row(t(21, 0), None, "shahed-136", "drone", 1, date_only=True),  # night of 20, hours unknown
        row(t(21, 20), t(22, 8), "shahed-136", "drone", 54, regions=["odesa"]),  # night of 21
    ]
)


def test_rows_count_on_their_night_and_a_night_without_rows_counts_zero() -> None:
    w = window()
    covered = covered_rows(ROWS, w, CATS)
    counts = nightly_counts(covered, w.classes, D(2025, 4, 18), D(2025, 4, 21))
    assert list(counts.index) == [D(2025, 4, 18), D(2025, 4, 19), D(2025, 4, 20), D(2025, 4, 21)]
    assert counts["shahed-136"].tolist() == [87.0, 0.0, 97.0, 54.0]
    # "kh-101+kalibr" is cruise; "kh-101+iskander-m" (mixed) holds a cruise class
    assert counts["cruise"].tolist() == [5.0, 0.0, 2.0, 0.0]


def test_a_class_id_and_a_category_pick_their_rows() -> None:
    w = window(classes=("lancet", "ballistic"))
    counts = nightly_counts(covered_rows(ROWS, w, CATS), w.classes, D(2025, 4, 18), D(2025, 4, 21))
    assert counts["lancet"].tolist() == [4.0, 0.0, 0.0, 0.0]
    # the mixed row counts under the first class of the window it matches: none here is cruise
    assert counts["ballistic"].tolist() == [3.0, 0.0, 2.0, 0.0]


def test_regions_keep_only_rows_that_name_them() -> None:
    w = window(regions=("odesa",))
    counts = nightly_counts(covered_rows(ROWS, w, CATS), w.classes, D(2025, 4, 18), D(2025, 4, 21))
    assert counts["shahed-136"].tolist() == [0.0, 0.0, 0.0, 54.0]


def test_reports_are_placed_against_the_truce_hours() -> None:
    w = window(starts="2025-04-19T18:00:00+03:00", ends="2025-04-21T00:00:00+03:00")
    assert [w.coverage(n) for n in w.nights] == ["full", "partial"]
    night20 = ROWS[ROWS["night"] == D(2025, 4, 20)]
    assert row_timing(night20, w).tolist() == ["outside", "overlaps", "overlaps"]
    split = launches_by_timing(covered_rows(ROWS, w, CATS), w)
    assert split.loc[(D(2025, 4, 20), "shahed-136")].tolist() == [0.0, 1.0, 96.0]
    assert split.loc[(D(2025, 4, 20), "cruise")].tolist() == [0.0, 2.0, 0.0]
    assert split.loc[(D(2025, 4, 19), "shahed-136")].tolist() == [0.0, 0.0, 0.0]


def test_without_hours_every_row_of_the_window_is_inside() -> None:
    w = window()
    assert row_timing(ROWS, w).eq("inside").all()
    assert w.held_nights == w.nights


def test_builtin_windows_carry_sources_and_consistent_hours() -> None:
    windows = load_windows()
    assert set(windows) == {"energy-moratorium-2025", "easter-2025", "may-2025"}
    easter = windows["easter-2025"]
    assert easter.held_nights == [D(2025, 4, 19)]
    assert easter.starts is not None and easter.starts.hour == 18
    may = windows["may-2025"]
    assert may.held_nights == [D(2025, 5, 8), D(2025, 5, 9)]
    energy = windows["energy-moratorium-2025"]
    assert energy.kind == "targets" and len(energy.nights) == 30 and energy.target_words
    for w in windows.values():
        assert all(n.startswith(("source:", "assumption:")) for n in w.notes)
    left = launch_truce_nights(windows.values(), may)
    assert left == {D(2025, 4, 19): "easter-2025", D(2025, 4, 20): "easter-2025"}


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"to": "2025-04-18"}, "before 'from'"),
        ({"starts": "2025-04-19T18:00"}, "give both"),
        ({"starts": "2025-04-19T18:00", "ends": "2025-04-22T06:00"}, "fall on the nights"),
        ({"notes": ("from a friend",)}, "source:"),
        ({"kind": "targets"}, "target_words"),
        ({"from": "19 April"}, "date"),
    ],
)
def test_bad_windows_are_domain_errors(fields: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        window(**fields)


def test_unknown_and_overlapping_classes_and_regions_are_refused() -> None:
    catalog, regions = load_catalog(), load_regions()
    with pytest.raises(InputError, match="unknown class 'drones'"):
        check_window(window(classes=("drones",)), catalog, regions, "<test>")
    with pytest.raises(InputError, match="already in its category"):
        check_window(window(classes=("shahed-136", "drone")), catalog, regions, "<test>")
    with pytest.raises(InputError, match="unknown region"):
        check_window(window(regions=("Atlantis",)), catalog, regions, "<test>")
    named = check_window(window(regions=("Odesa oblast",)), catalog, regions, "<test>")
    assert named.regions == ("odesa",)
