"""A night of the record replayed as a raid."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from skyshield.errors import InputError
from skyshield.raids import fly, night_from_record, raid_context
from skyshield.scenario import LoadedScenario


def test_night_of_2025_06_08(reference: LoadedScenario, record_rows: pd.DataFrame) -> None:
    ctx = raid_context(reference)
    night = night_from_record(record_rows, date(2025, 6, 8), ctx)
    counts: dict[str, int] = {}
    for g in night.groups:
        counts[g.threat] = counts.get(g.threat, 0) + g.count
    # the Air Force report: 479 Shahed/Geran drones and the missiles of that night
    assert counts["shahed-136"] == 479
    assert {k: counts[k] for k in ("kh-101", "kinzhal", "kh-22", "kh-31p", "kh-35")} == {
        "kh-101": 10,
        "kinzhal": 4,
        "kh-22": 3,
        "kh-31p": 3,
        "kh-35": 1,
    }
    drone_areas = {g.launch_area for g in night.groups if g.threat == "shahed-136"}
    assert drone_areas == {"primorsko-akhtarsk", "kursk", "oryol", "millerovo", "shatalovo"}
    # split evenly between the five areas the record names: 96, 96, 96, 96, 95
    assert sorted(g.count for g in night.groups if g.threat == "shahed-136") == [95, 96, 96, 96, 96]
    threats = fly(night, ctx, np.random.default_rng(1))
    assert len(threats) == night.total
    assert int(np.sum(threats.class_id == "shahed-136")) == 479


def test_night_without_launches_is_a_clear_error(
    reference: LoadedScenario, record_rows: pd.DataFrame
) -> None:
    with pytest.raises(InputError, match="no launches recorded on the night of 2021-01-01"):
        night_from_record(record_rows, date(2021, 1, 1), raid_context(reference))


def test_a_night_after_the_record_says_where_it_ends(
    reference: LoadedScenario, record_rows: pd.DataFrame
) -> None:
    with pytest.raises(InputError, match=r"the record runs from 2022-09-2\d to 2025-06-30"):
        night_from_record(record_rows, date(2026, 1, 1), raid_context(reference))
