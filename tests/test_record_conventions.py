"""The record's conventions on small hand-made CSVs: the did-not-get-through measure in both
conventions and its detection per month, still-attacking weapons out of the denominator, names
unknown to the tables (kept, counted, warned, mapped by an aliases file) and composite launch
places."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from skyshield.catalog import load_catalog
from skyshield.errors import InputError
from skyshield.raids import night_from_record, raid_context
from skyshield.raids.replay import split_count
from skyshield.record import (
    SCHEMA_COLUMNS,
    apply_aliases,
    class_group,
    got_through_table,
    load_aliases,
    load_launch_areas,
    month_conventions,
    read_record,
    row_outcomes,
    row_warnings,
    summarise,
)
from skyshield.scenario import LoadedScenario

MAY, JUNE = dt.date(2025, 5, 1), dt.date(2025, 6, 1)


def write(tmp_path: Path, rows: list[dict[str, str]], name: str = "tiny.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(SCHEMA_COLUMNS))
        w.writeheader()
        for r in rows:
            w.writerow({c: "" for c in SCHEMA_COLUMNS} | {"target": "Ukraine"} | r)
    return path


def row(
    start: str,
    model: str,
    launched: str,
    destroyed: str,
    not_reached: str = "",
    still: str = "",
    place: str = "",
) -> dict[str, str]:
    return {
        "time_start": start,
        "time_end": start,
        "model": model,
        "launched": launched,
        "destroyed": destroyed,
        "not_reach_goal": not_reached,
        "still_attacking": still,
        "launch_place": place,
    }


#: May is folded (no not_reach_goal above 0 all month); June is separate.
ROWS = [
    row("2025-05-10 20:00", "Shahed-136/131", "100", "90", "", "4"),
    row("2025-05-11 20:00", "Shahed-136/131", "50", "45", "0"),
    row("2025-05-12 20:00", "X-101/X-555", "10", "7"),
    row("2025-06-01 20:00", "Shahed-136/131", "200", "120", "70", "5"),
    row("2025-06-02 20:00", "Shahed-136/131", "40", "", ""),  # fate not reported
    row("2025-06-03 20:00", "Iskander-M", "6", "2", "1"),
    row("2025-06-04 20:00", "X-101/X-555 and Kalibr and Iskander-M/KN-23", "14", "5"),
]


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return read_record(write(tmp_path_factory.mktemp("rec"), ROWS)).rows


def test_conventions_detected_per_month(rows: pd.DataFrame) -> None:
    conv = month_conventions(rows)
    assert conv["month"].tolist() == [MAY, JUNE]
    assert conv["convention"].tolist() == ["folded", "separate"]
    assert conv["rows_not_reached"].tolist() == [0, 2]


def test_measure_by_hand_in_both_conventions(rows: pd.DataFrame) -> None:
    out = row_outcomes(rows)
    # May (folded): destroyed alone; 4 still attacking out of the denominator
    assert out["at_risk"].tolist()[:3] == [96.0, 50.0, 10.0]
    assert out["did_not_get_through"].tolist()[:3] == [90.0, 45.0, 7.0]
    assert out["got_through"].tolist()[:3] == [6.0, 5.0, 3.0]
    # June (separate): destroyed + not reached; the row without a fate counts nowhere
    assert out["at_risk"].tolist()[3:] == [195.0, 0.0, 6.0, 14.0]
    assert out["did_not_get_through"].tolist()[3:] == [190.0, 0.0, 3.0, 5.0]
    assert out["not_reached"].tolist()[3:] == [70.0, 0.0, 1.0, 0.0]
    assert out["got_through"].tolist()[3:] == [5.0, 0.0, 3.0, 9.0]
    assert not out["inconsistent"].any()
    table = got_through_table(out, by="month").set_index(["period", "key"])
    assert table.loc[(MAY, "drones"), "share"] == pytest.approx(11 / 146)
    assert table.loc[(JUNE, "drones"), "share"] == pytest.approx(5 / 195)
    assert table.loc[(JUNE, "drones"), "still_attacking"] == 5
    assert table.loc[(JUNE, "ballistic"), "got_through"] == 3
    assert table.loc[(MAY, "cruise"), "convention"] == "folded"
    # a combined row whose parts fall in different groups is in none
    assert (JUNE, "") not in table.index and len(table) == 4


def test_summary_shows_the_measure_and_the_convention(rows: pd.DataFrame) -> None:
    s = summarise(rows, by="month").set_index(["period", "class_key"])
    may, june = s.loc[(MAY, "shahed-136")], s.loc[(JUNE, "shahed-136")]
    assert may["convention"] == "folded" and june["convention"] == "separate"
    assert may["still_attacking"] == 4 and may["at_risk"] == 146
    assert may["got_through_share"] == pytest.approx(11 / 146)
    assert june["did_not_get_through"] == 190 and june["got_through"] == 5
    # the destroyed rate keeps its old meaning (destroyed over rows that give it)
    assert june["destroyed_rate"] == pytest.approx(120 / 200)


def test_a_newer_file_that_stops_reporting_not_reached_is_folded(tmp_path: Path) -> None:
    later = [
        row("2025-07-01 20:00", "Shahed-136/131", "100", "95"),
        row("2025-07-02 20:00", "Shahed-136/131", "100", "97", "0"),
    ]
    rows = read_record(write(tmp_path, ROWS + later)).rows
    conv = month_conventions(rows).set_index("month")["convention"]
    assert conv[dt.date(2025, 7, 1)] == "folded"
    out = row_outcomes(rows)
    assert out["got_through"].tolist()[-2:] == [5.0, 3.0]


def test_inconsistent_row_gets_through_nothing(tmp_path: Path) -> None:
    rows = read_record(write(tmp_path, [row("2025-06-01 20:00", "Shahed-136/131", "10", "8", "5")]))
    out = row_outcomes(rows.rows)
    assert out["got_through"].tolist() == [0.0] and out["did_not_get_through"].tolist() == [10.0]
    assert out["inconsistent"].tolist() == [True]


def test_groups_of_record_classes() -> None:
    cat = load_catalog()
    assert class_group("shahed-136", cat) == "drones"
    assert class_group("shahed-136+lancet", cat) == "drones"
    assert class_group("kh-101+kalibr", cat) == "cruise"
    assert class_group("kinzhal+iskander-m", cat) == "ballistic"
    assert class_group("kh-101+kalibr+iskander-m", cat) == ""
    assert class_group("recon-uav", cat) == ""
    assert class_group("", cat) == ""


# ----------------------------------------------------------------------------- unknown names


UNKNOWN = [
    row("2025-06-01 20:00", "Shahed-238", "12", "10", "", "", "Kursk oblast and Khalino"),
    row("2025-06-02 20:00", "Shahed-238", "3", "3", "", "", "Khalino"),
    row("2025-06-02 21:00", "Shahed-136/131", "20", "15", "2", "", "Kursk oblast"),
]


def test_unknown_names_are_kept_counted_and_warned(tmp_path: Path) -> None:
    imp = read_record(write(tmp_path, UNKNOWN))
    assert len(imp.rows) == 3
    assert imp.rows["class_key"].tolist() == ["", "", "shahed-136"]
    assert imp.report.unmapped_models == {"Shahed-238": (2, 3)}
    assert imp.report.unmapped_model_launched == {"Shahed-238": 15.0}
    assert imp.report.unmapped_launch_places == {"Khalino": (2, 3)}
    warnings = imp.report.warnings
    assert len(warnings) == 2
    assert "1 model name(s)" in warnings[0] and "2 rows, 15 weapons" in warnings[0]
    assert "'Shahed-238'" in warnings[0] and "--aliases" in warnings[0]
    assert "1 launch place(s)" in warnings[1] and "'Khalino'" in warnings[1]
    assert row_warnings(imp.rows) == warnings  # the same from rows read earlier
    assert imp.rows["launch_areas"].tolist()[0] == ["kursk"]


def test_unknown_models_are_not_flown_and_the_night_says_so(
    tmp_path: Path, reference: LoadedScenario
) -> None:
    rows = read_record(write(tmp_path, UNKNOWN)).rows
    night = night_from_record(rows, dt.date(2025, 6, 2), raid_context(reference))
    assert night.total == 20
    assert "3 weapons of models unknown to the tables not flown" in night.source


ALIASES = """\
# my aliases
models:
  "Shahed-238": [geran-3]
launch_places:
  Khalino: kursk
"""


def test_aliases_file_maps_unknown_names(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(ALIASES, encoding="utf-8")
    aliases = load_aliases(path, load_catalog(), load_launch_areas())
    imp = read_record(write(tmp_path, UNKNOWN), aliases=aliases)
    assert imp.rows["class_key"].tolist() == ["geran-3", "geran-3", "shahed-136"]
    assert imp.rows["category"].tolist()[0] == "jet_drone"
    assert imp.rows["launch_areas"].tolist()[:2] == [["kursk"], ["kursk"]]
    assert imp.report.warnings == () and imp.report.aliases == str(path)
    # rows read earlier (a store's) get the same mapping
    plain = read_record(write(tmp_path, UNKNOWN)).rows
    mapped = apply_aliases(plain, aliases)
    assert mapped["class_key"].tolist() == imp.rows["class_key"].tolist()
    assert mapped["launch_areas"].tolist() == imp.rows["launch_areas"].tolist()
    assert mapped["launch_places_unmapped"].map(len).sum() == 0
    assert plain["class_key"].tolist()[0] == ""  # the input is not changed


@pytest.mark.parametrize(
    ("text", "field", "line", "words"),
    [
        ('models:\n  "X": [no-such-class]\n', "models.X", 2, "unknown threat class"),
        ('models:\n  "X": []\n', "models.X", 2, "list of catalog class ids"),
        ("launch_places:\n  Here: atlantis\n", "launch_places.Here", 2, "unknown launch area"),
        ("places:\n  Here: kursk\n", "places", 1, "unknown section"),
        ("models: [1, 2]\n", "models", 1, "dictionary"),
    ],
)
def test_bad_aliases_name_file_line_and_field(
    tmp_path: Path, text: str, field: str, line: int, words: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_aliases(path, load_catalog(), load_launch_areas())
    problems = exc.value.problems
    assert any(
        p.file == str(path) and p.field == field and p.line == line and words in p.message
        for p in problems
    ), problems


# ----------------------------------------------------------------------------- composite places


def test_split_count_spreads_the_remainder() -> None:
    assert split_count(90, 3) == [30, 30, 30]
    assert split_count(7, 3) == [3, 2, 2]
    assert split_count(7, 3, first=1) == [2, 3, 2]
    assert split_count(1, 3, first=2) == [0, 0, 1]
    assert split_count(2, 3, first=2) == [1, 0, 1]
    assert sum(split_count(11, 4, first=5)) == 11


def test_composite_place_does_not_put_every_weapon_at_the_first_name(
    tmp_path: Path, reference: LoadedScenario
) -> None:
    place = "Kursk oblast and Oryol oblast and Millerovo"
    rows = read_record(
        write(
            tmp_path,
            [
                row("2025-06-01 20:00", "Shahed-136/131", "90", "80", "5", "", place),
                row("2025-06-01 21:00", "Iskander-M", "1", "0", "", "", place),
                row("2025-06-01 22:00", "Iskander-M", "1", "0", "", "", place),
                row("2025-06-01 23:00", "Iskander-M", "1", "0", "", "", place),
            ],
        )
    ).rows
    assert rows["launch_areas"].tolist()[0] == ["kursk", "oryol", "millerovo"]
    night = night_from_record(rows, dt.date(2025, 6, 1), raid_context(reference))
    shahed = {g.launch_area: g.count for g in night.groups if g.threat == "shahed-136"}
    assert shahed == {"kursk": 30, "oryol": 30, "millerovo": 30}
    # three rows of one weapon each: one from each place, not three from Kursk
    single = sorted(g.launch_area for g in night.groups if g.threat == "iskander-m")
    assert single == ["kursk", "millerovo", "oryol"]
