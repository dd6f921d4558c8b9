"""Fuzzing the record importer (defects 3 and 11): rows of random counts, times and quotes.
Whatever a row holds, reading ends in rows that satisfy the record's invariants or in an
InputError naming the file; never another exception."""

from __future__ import annotations

import csv
import io
import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skyshield.errors import InputError
from skyshield.record import SCHEMA_COLUMNS, read_record
from skyshield.record.importer import MAX_WEAPONS_A_ROW

COUNT = st.one_of(
    st.integers(-5, 10**13).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "nan", "many", "1e12", "10.5", " 7 ", "0"]),
)
TIME = st.one_of(
    st.datetimes().map(lambda t: t.strftime("%Y-%m-%d %H:%M")),
    st.sampled_from(["", "9999-01-01 20:00", "2025-02-30", "yesterday", "2025-06-08"]),
)
ROW = st.fixed_dictionaries(
    {
        "time_start": TIME,
        "time_end": TIME,
        "model": st.sampled_from(["Shahed-136/131", "Kalibr", "Mystery", ""]),
        "launched": COUNT,
        "destroyed": COUNT,
        "not_reach_goal": COUNT,
        "still_attacking": COUNT,
        "source": st.text(max_size=20),
    }
)


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(SCHEMA_COLUMNS))
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in SCHEMA_COLUMNS})
    return out.getvalue().encode("utf-8")


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=8), force=st.booleans())
def test_random_rows_end_in_valid_rows_or_an_input_error(
    rows: list[dict[str, str]], force: bool
) -> None:
    path = Path(tempfile.gettempdir()) / "fuzz.csv"
    try:
        imp = read_record(path, data=_csv(rows), force=force)
    except InputError as exc:
        refused: InputError | None = exc
    else:
        refused = None
    if refused is not None:
        assert all(p.file == str(path) for p in refused.problems)
        return
    kept = imp.rows
    assert len(kept) + len(imp.report.skipped_rows) == len(rows)
    for c in ("launched", "destroyed", "not_reach_goal", "still_attacking"):
        v = kept[c].dropna()
        assert ((v >= 0) & (v <= MAX_WEAPONS_A_ROW) & (v == v.round())).all()
    for c in ("destroyed", "not_reach_goal", "still_attacking"):
        known = kept[c].notna() & ~kept["launched_missing"]
        assert (kept.loc[known, c] <= kept.loc[known, "launched"]).all()
    both = kept["time_end"].notna()
    assert (kept.loc[both, "time_end"] >= kept.loc[both, "time_start"]).all()
    assert kept["time_start"].map(lambda t: 2014 <= t.year < 2100).all()
    assert not any(isinstance(x, float) and math.isnan(x) for x in kept["line"])
    assert isinstance(kept, pd.DataFrame)


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list('ab,"\n\r 1')), max_size=400))
def test_random_csv_text_is_read_or_refused_cleanly(text: str) -> None:
    header = ",".join(SCHEMA_COLUMNS) + "\n"
    refused: InputError | None = None
    try:
        read_record(Path("fuzz.csv"), data=(header + text).encode())
    except InputError as exc:
        refused = exc
    assert refused is None or all(p.file == "fuzz.csv" for p in refused.problems)
