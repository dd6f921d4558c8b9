"""The attack-record importer: the shipped snapshot against sums computed here with the csv
module, hand-checked nights and places, and clear errors for malformed files."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from skyshield.catalog import load_catalog
from skyshield.errors import InputError
from skyshield.record import (
    ROW_COLUMNS,
    SCHEMA_COLUMNS,
    RecordImport,
    load_launch_areas,
    load_regions,
    read_record,
)

SNAPSHOT = Path(str(resources.files("skyshield.data.record").joinpath("missile_attacks_daily.csv")))


@pytest.fixture(scope="module")
def shipped() -> RecordImport:
    return read_record()


@pytest.fixture(scope="module")
def csv_rows() -> list[dict[str, str]]:
    """The snapshot read with the csv module only (independent of the importer)."""
    with SNAPSHOT.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(tmp_path: Path, rows: list[dict[str, str]], name: str = "record.csv") -> Path:
    """A record file with the full schema; cells not given are empty."""
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(SCHEMA_COLUMNS))
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in SCHEMA_COLUMNS})
    return path


def row(**cells: str) -> dict[str, str]:
    base = {
        "time_start": "2025-06-08 20:00",
        "time_end": "2025-06-09 10:30",
        "model": "Shahed-136/131",
        "launch_place": "Kursk oblast",
        "target": "Ukraine",
        "launched": "10",
        "destroyed": "8",
        "not_reach_goal": "1",
        "source": "kpszsu/posts/x",
    }
    base.update({k.replace("__", " "): v for k, v in cells.items()})
    return base


def problem_of(exc: pytest.ExceptionInfo[InputError]) -> tuple[str, str, int | None, str]:
    p = exc.value.problems[0]
    return p.file, p.field, p.line, p.message


# ---- the shipped snapshot ------------------------------------------------------------------


def test_every_csv_row_is_a_row(shipped: RecordImport, csv_rows: list[dict[str, str]]) -> None:
    rows = shipped.rows
    assert list(rows.columns) == list(ROW_COLUMNS)
    assert len(rows) == len(csv_rows) == shipped.report.rows_read == 2617
    # one physical line per record in this file: data rows are lines 2..2618
    assert rows["line"].tolist() == list(range(2, 2 + len(csv_rows)))
    assert rows["model"].tolist() == [r["model"] for r in csv_rows]


def test_sha256_and_path(shipped: RecordImport) -> None:
    assert shipped.sha256 == hashlib.sha256(SNAPSHOT.read_bytes()).hexdigest()
    assert shipped.report.sha256 == shipped.sha256
    assert Path(shipped.path).name == "missile_attacks_daily.csv"


def test_launched_by_class_equals_csv_sums(
    shipped: RecordImport, csv_rows: list[dict[str, str]]
) -> None:
    models = load_catalog().record_models
    expected: dict[str, float] = defaultdict(float)
    for r in csv_rows:
        n = float(r["launched"]) if r["launched"] else 0.0
        expected["+".join(models.get(r["model"], []))] += n
    got = shipped.report.launched_by_class
    assert set(got) == set(expected)
    for key, total in expected.items():
        assert got.get(key, 0.0) == pytest.approx(total), key
    assert shipped.report.launched_total == pytest.approx(sum(expected.values()))
    by_rows = shipped.rows.groupby("class_key")["launched"].sum()
    for key, total in by_rows.items():
        assert got[str(key)] == pytest.approx(total)
    assert got["shahed-136"] == 37192  # also in the catalog's record_models.yaml notes
    assert got["kh-101+kalibr"] == 643


def test_at_least_99_percent_of_launched_mapped(shipped: RecordImport) -> None:
    assert shipped.report.launched_mapped_fraction >= 0.99
    assert not shipped.report.unmapped_models


def test_at_least_95_percent_of_place_mentions_mapped(shipped: RecordImport) -> None:
    report = shipped.report
    assert report.launch_place_mentions > 2000
    assert report.launch_place_mapped_fraction >= 0.95
    # even without the direction words ("north", "south-east") it stays above 95 %
    directions = report.launch_place_mentions_by_kind.get("direction", 0)
    assert (report.launch_place_mentions_mapped - directions) / report.launch_place_mentions >= 0.95
    assert sum(report.launch_place_mentions_by_kind.values()) == report.launch_place_mentions_mapped


def test_missing_launched_kept_as_zero_and_reported(
    shipped: RecordImport, csv_rows: list[dict[str, str]]
) -> None:
    empty_lines = [i + 2 for i, r in enumerate(csv_rows) if r["launched"] == ""]
    assert shipped.report.rows_missing_launched == tuple(empty_lines)
    flagged = shipped.rows[shipped.rows["launched_missing"]]
    assert flagged["line"].tolist() == empty_lines
    assert (flagged["launched"] == 0).all()
    # destroyed stays NaN where the record gives none
    n_empty_destroyed = sum(1 for r in csv_rows if r["destroyed"] == "")
    assert int(shipped.rows["destroyed"].isna().sum()) == n_empty_destroyed


def test_night_of_2025_06_08(shipped: RecordImport) -> None:
    night = shipped.rows[shipped.rows["night"] == dt.date(2025, 6, 8)]
    launched = night.groupby("class_key")["launched"].sum()
    assert launched["shahed-136"] == 479
    for key, n in {"kinzhal": 4, "kh-35": 1, "kh-31p": 3, "kh-22": 3, "kh-101": 10}.items():
        assert launched[key] == n, key
    areas = {a for areas in night["launch_areas"] for a in areas}
    assert {"primorsko-akhtarsk", "kursk", "oryol", "millerovo", "shatalovo"} <= areas
    shahed = night[night["class_key"] == "shahed-136"].iloc[0]
    assert shahed["time_start"] == pd.Timestamp("2025-06-08 17:00", tz="UTC")  # 20:00 EEST
    assert str(shahed["time_start"].tz) == "Europe/Kyiv"
    assert shahed["destroyed"] == 277 and shahed["not_reach_goal"] == 183


def test_times_are_kyiv_local(shipped: RecordImport) -> None:
    rows = shipped.rows
    assert str(rows["time_start"].dt.tz) == "Europe/Kyiv"
    assert rows["time_start"].notna().all() and rows["time_end"].notna().all()
    assert (rows["time_end"] >= rows["time_start"]).all()
    date_only = rows[rows["date_only"]]
    assert ((date_only["time_start"].dt.hour == 0) & (date_only["time_start"].dt.minute == 0)).all()
    # winter time: 2024-12-25 05:00 local is 03:00 UTC
    xmas = rows[rows["line"] == 658].iloc[0]
    assert xmas["time_start"] == pd.Timestamp("2024-12-25 03:00", tz="UTC")


def test_night_invariant(shipped: RecordImport) -> None:
    """night = D with D 12:00 <= time_start < D+1 12:00, local."""
    for start, night in zip(shipped.rows["time_start"], shipped.rows["night"], strict=True):
        lo = pd.Timestamp(dt.datetime.combine(night, dt.time(12)), tz="Europe/Kyiv")
        assert lo <= start < lo + pd.Timedelta(days=1)


def test_every_launch_place_of_the_record_is_in_the_gazetteer(
    csv_rows: list[dict[str, str]],
) -> None:
    places = load_launch_areas()
    unknown = Counter(
        p for r in csv_rows if r["launch_place"] for p in places.resolve(r["launch_place"]).unmapped
    )
    assert not unknown


def test_combined_places_split_right(shipped: RecordImport) -> None:
    by_line = shipped.rows.set_index("line")
    # line 195: "... Shatalovo and Hvardiiske, Crimea and Zaporizhzhia oblast, Prymorsk"
    assert by_line.loc[195, "launch_areas"] == [
        "primorsko-akhtarsk",
        "bryansk",
        "millerovo",
        "shatalovo",
        "hvardiiske",
        "prymorsk",
    ]
    # launch_place empty, launch_place_details gives the places per model
    assert by_line.loc[473, "launch_areas"] == ["volgograd", "black-sea", "voronezh"]


def test_affected_regions_parsed(shipped: RecordImport) -> None:
    rows = shipped.rows
    with_list = rows[rows["affected_regions"].map(len) > 0]
    assert len(with_list) > 100
    regions = load_regions().regions
    assert all(r in regions for ids in rows["affected_regions"] for r in ids)
    assert set(shipped.report.unmapped_regions) == {"Kursk oblast"}  # a Russian oblast as target


# ---- gazetteers ----------------------------------------------------------------------------

GAZETTEER_LAUNCH = {  # launch areas the Air Force reports name most often: lat, lon (±0.02°)
    "primorsko-akhtarsk": (46.05, 38.17),
    "yeysk": (46.71, 38.27),
    "kursk": (51.73, 36.19),
    "belgorod": (50.60, 36.59),
    "bryansk": (53.24, 34.36),
    "voronezh": (51.67, 39.20),
    "oryol": (52.97, 36.07),
    "rostov": (47.22, 39.72),
    "millerovo": (48.92, 40.40),
    "volgodonsk": (47.51, 42.15),
    "shatalovo": (54.34, 32.47),
    "engels": (51.48, 46.21),
    "navlya": (52.83, 34.50),
    "caspian-sea": (45.5, 48.5),
    "hvardiiske": (45.12, 33.98),
    "chauda": (45.00, 35.84),
    "balaklava": (44.50, 33.60),
    "kacha": (44.78, 33.55),
    "taganrog": (47.21, 38.94),
    "dzhankoi": (45.71, 34.39),
    "tambov": (52.72, 41.45),
    "saratov": (51.53, 46.03),
}


def test_launch_areas_match_the_gazetteer_positions() -> None:
    areas = load_launch_areas().areas
    for ident, (lat, lon) in GAZETTEER_LAUNCH.items():
        area = areas[ident]
        assert area.lon == pytest.approx(lon, abs=0.02), ident
        assert area.lat == pytest.approx(lat, abs=0.02), ident
        # no source of the bibliography gives coordinates: the note says it is an assumption
        assert area.source.startswith("assumption: gazetteer position"), ident
    black_sea = areas["black-sea"]
    assert 44.0 <= black_sea.lat <= 44.7 and 33.0 <= black_sea.lon <= 37.8


def test_every_area_is_sourced_and_sane() -> None:
    areas = load_launch_areas().areas
    assert len(areas) >= 50
    for area in areas.values():
        assert area.source.startswith(("source:", "assumption:")), area.id
        assert 0 < area.radius_km <= 250, area.id
        assert 25.0 <= area.lon <= 50.0 and 43.0 <= area.lat <= 69.0, area.id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hvardiiske, Crimea", ["hvardiiske"]),
        ("Chauda, Crimea and Balaklava, Crimea", ["chauda", "balaklava"]),
        ("Caspian Sea, Engels-2", ["caspian-sea", "engels"]),
        ("Caspian Sea, Saratov oblast and Black Sea", ["caspian-sea", "saratov", "black-sea"]),
        ("Bryansk oblast, Seshcha", ["seshcha"]),
        ("Astrakhan oblast, Kapustin Yar", ["kapustin-yar"]),
        ("Kursk oblast and Oryol oblast and and Shatalovo", ["kursk", "oryol", "shatalovo"]),
        ("KURSK  Oblast", ["kursk"]),
        ("Kursk region", ["kursk"]),
        ("Курська область", ["kursk"]),
        ("Belgorod and Tokmak", ["belgorod", "tokmak"]),
        ("Crimea", ["crimea"]),
    ],
)
def test_place_splitting_and_lookup(text: str, expected: list[str]) -> None:
    match = load_launch_areas().resolve(text)
    assert list(match.areas) == expected
    assert match.unmapped == ()


def test_unknown_place_after_qualifier_stays_one_mention() -> None:
    match = load_launch_areas().resolve("Atlantis, Crimea and Kursk oblast")
    assert match.mentions == 2
    assert match.areas == ("kursk",)
    assert match.unmapped == ("Atlantis, Crimea",)


def test_regions_gazetteer() -> None:
    g = load_regions()
    assert len(g.regions) == 27  # 24 oblasts, Kyiv city, Crimea, Sevastopol
    for name, ident in {
        "Kyiv": "kyiv-city",
        "Kyiv oblast": "kyiv-oblast",
        "Kyiv region": "kyiv-oblast",
        "Kyivska": "kyiv-oblast",
        "Київська область": "kyiv-oblast",
        "kharkiv  OBLAST": "kharkiv",
        "Kryvyi Rih": "dnipropetrovsk",
        "Kyiv oblast (south)": "kyiv-oblast",
    }.items():
        found = g.lookup(name)
        assert found is not None and found.id == ident, name
    assert g.lookup("Kursk oblast") is None
    for word in ("west", "south", "north", "east", "center"):
        members = g.direction(word)
        assert members, word
        assert all(m in g.regions for m in members)
    assert "lviv" in (g.direction("west") or ())


# ---- synthetic files ------------------------------------------------------------------------


def test_night_boundaries_hand_checked(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(time_start="2025-06-08 12:00"),
            row(time_start="2025-06-08 11:59"),
            row(time_start="2025-06-09 04:00"),
            row(time_start="2025-06-09", time_end="2025-06-09"),
            row(time_start="2023-05-16 3:30 "),
        ],
    )
    rows = read_record(path).rows
    assert rows["night"].tolist() == [
        dt.date(2025, 6, 8),
        dt.date(2025, 6, 7),
        dt.date(2025, 6, 8),
        dt.date(2025, 6, 8),
        dt.date(2023, 5, 15),
    ]
    assert rows["date_only"].tolist() == [False, False, False, True, False]


def test_models_places_regions_mapped_and_unmapped_reported(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(model="Mystery-9", launched="5", destroyed="4", launch_place="Atlantis and Yeysk"),
            row(model="Kalibr and X-22", launched="15", launch_place="Black Sea"),
            row(
                model="x-101/x-555 ",
                launched="30",
                launch_place="",
                affected__region="['Kyiv', 'Kyiv oblast', 'Narnia']",
                target="Dnipropetrovsk oblast, Dnipro Raion and south",
            ),
        ],
    )
    imp = read_record(path)
    rows, report = imp.rows, imp.report
    assert rows["class_key"].tolist() == ["", "kalibr+kh-22", "kh-101"]
    assert rows["category"].tolist() == ["", "cruise", "cruise"]
    assert report.unmapped_models == {"Mystery-9": (2,)}
    assert report.launched_mapped_fraction == pytest.approx(45 / 50)
    assert report.unmapped_launch_places == {"Atlantis": (2,)}
    assert report.launch_place_mentions == 3 and report.launch_place_mentions_mapped == 2
    assert report.rows_without_launch_place == 1
    assert rows["launch_areas"].tolist() == [["yeysk"], ["black-sea"], []]
    assert rows["launch_places_unmapped"].tolist() == [["Atlantis"], [], []]
    assert rows["affected_regions"].tolist()[2] == ["kyiv-city", "kyiv-oblast"]
    assert rows["target_regions"].tolist()[2] == ["dnipropetrovsk"]
    assert report.unmapped_regions == {"Narnia": (4,)}
    text = report.to_text()
    assert "Mystery-9" in text and "Atlantis" in text and "90.00 %" in text


def test_newer_file_with_extra_column_imports(tmp_path: Path) -> None:
    path = tmp_path / "newer.csv"
    header = [*SCHEMA_COLUMNS, "interceptor_drones"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        values = row()
        w.writerow([values.get(c, "") for c in SCHEMA_COLUMNS] + ["12"])
    imp = read_record(path)
    assert len(imp.rows) == 1 and imp.rows["launched"].iloc[0] == 10
    assert imp.report.extra_columns == ("interceptor_drones",)


def test_only_required_columns_suffice(tmp_path: Path) -> None:
    path = tmp_path / "lean.csv"
    path.write_text(
        "time_start,time_end,model,launch_place,target,target_main,launched,destroyed,"
        "not_reach_goal,affected region,source\n"
        "2025-06-08 20:00,2025-06-09 10:30,Kalibr,Black Sea,Ukraine,,3,2,,,x\n",
        encoding="utf-8",
    )
    imp = read_record(path)
    assert imp.rows["class_key"].tolist() == ["kalibr"]
    assert "carrier" in imp.report.absent_optional_columns


def test_multiline_cell_keeps_line_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(source="first\nsecond"), row(launched="oops")])
    with pytest.raises(InputError) as exc:
        read_record(path, strict=True)
    assert problem_of(exc)[1:3] == ("launched", 4)  # row 1 spans lines 2-3
    # without strict the row is skipped, named by the line it starts on
    assert list(read_record(path, force=True).report.skipped_rows) == [4]


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "no_launched.csv"
    cols = [c for c in SCHEMA_COLUMNS if c != "launched"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        w.writerow(row())
    with pytest.raises(InputError) as exc:
        read_record(path)
    file, field, line, message = problem_of(exc)
    assert (file, field, line) == (str(path), "launched", 1)
    assert "required column missing" in message
    assert len(exc.value.problems) == 1


def test_wrong_type_names_line_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(), row(), row(launched="many")])
    with pytest.raises(InputError) as exc:
        read_record(path, strict=True)
    file, field, line, message = problem_of(exc)
    assert (file, field, line) == (str(path), "launched", 4)
    assert "'many'" in message
    assert f"{path}:4: launched:" in str(exc.value)


def test_negative_count_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(destroyed="-3")])
    with pytest.raises(InputError) as exc:
        read_record(path)  # the only row is impossible: nothing is left to import
    assert problem_of(exc)[1:3] == ("", 2) and "destroyed: expected a number" in problem_of(exc)[3]


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-40 20:00", "08.06.2025 20:00"])
def test_unreadable_time_names_line_and_column(tmp_path: Path, bad: str) -> None:
    path = write_csv(tmp_path, [row(), row(time_start=bad)])
    with pytest.raises(InputError) as exc:
        read_record(path, strict=True)
    file, field, line, _ = problem_of(exc)
    assert (file, field, line) == (str(path), "time_start", 3)
    skipped = read_record(path, force=True).report.skipped_rows
    assert list(skipped) == [3] and skipped[3].startswith("time_start: ")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError) as exc:
        read_record(path)
    file, _, line, message = problem_of(exc)
    assert file == str(path) and line == 1 and "empty" in message


def test_header_only(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [])
    with pytest.raises(InputError, match="no data rows"):
        read_record(path)


def test_latin1_bytes_name_line_and_column(tmp_path: Path) -> None:
    good = write_csv(tmp_path, [row(), row(target="Kherson oblast")])
    path = tmp_path / "latin1.csv"
    text = good.read_text(encoding="utf-8").replace("Kherson oblast", "Kherson oblast \u00e9")
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(InputError) as exc:
        read_record(path)
    file, field, line, message = problem_of(exc)
    assert (file, field, line) == (str(path), "target", 3)
    assert "UTF-8" in message


def test_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(InputError) as exc:
        read_record(path)
    assert problem_of(exc)[0] == str(path) and "not found" in problem_of(exc)[3]


def test_affected_region_is_never_evaluated(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(affected__region="[__import__('os').getcwd()]")])
    with pytest.raises(InputError) as exc:
        read_record(path, strict=True)
    assert problem_of(exc)[1:3] == ("affected region", 2)


def test_utf8_bom_and_cyrillic_accepted(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(model="Молнія", launch_place="Курська область")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    rows = read_record(path).rows
    assert rows["class_key"].tolist() == ["molniya"]
    assert rows["launch_areas"].tolist() == [["kursk"]]
    assert not math.isnan(rows["destroyed"].iloc[0])


def test_empty_time_end_is_nat_and_dst_is_local(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(time_end=""),
            row(time_start="2024-01-15 20:00", time_end="2024-01-16 08:00"),
            row(time_start="2023-10-29 03:30", time_end="2023-10-29 05:00"),
        ],
    )
    rows = read_record(path).rows
    assert pd.isna(rows["time_end"].iloc[0])
    # winter (EET, UTC+2) and the repeated autumn hour read as summer time (EEST, UTC+3)
    assert rows["time_start"].iloc[1] == pd.Timestamp("2024-01-15 18:00", tz="UTC")
    assert rows["time_start"].iloc[2] == pd.Timestamp("2023-10-29 00:30", tz="UTC")
