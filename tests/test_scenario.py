"""Scenario loading: built-ins, the reference's promises, extends/overrides, examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skyshield.catalog import load_catalog
from skyshield.catalog.overrides import OVERRIDE_NOTE
from skyshield.errors import InputError
from skyshield.geo import Theatre
from skyshield.geo.theatre import OCCUPIED
from skyshield.scenario import LoadedScenario, load_scenario
from skyshield.scenario.yamlio import load_yaml

EXAMPLES = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))


def test_reference_is_design_section_7(reference: LoadedScenario) -> None:
    s = reference.scenario
    assert s.coalition.total_aircraft == 120
    assert len(s.coalition.members) >= 18
    bases = {reference.bases[p.base].country for m in s.coalition.members for p in m.pledges}
    assert bases <= {"POL", "ROU", "SVK", "CZE"} and {"POL", "ROU"} <= bases
    assert len(s.aew_orbits) == 2 and len(s.tanker_tracks) == 1
    assert s.theatre.patrol_standoff_km == 200 and s.theatre.engage_standoff_km == 150
    ids = {a.id for a in reference.assets}
    assert {"kyiv", "lviv", "odesa", "rivne-npp", "khmelnytskyi-npp", "south-ukraine-npp"} <= ids
    assert any(a.kind == "energy" for a in reference.assets)


def test_reference_pledges_within_real_fleets(reference: LoadedScenario) -> None:
    cat = reference.catalog
    for m in reference.scenario.coalition.members:
        for ftype in {p.type for p in m.pledges}:
            pledged = sum(p.count for p in m.pledges if p.type == ftype)
            fleet = cat.fleet_size(m.iso_a3, ftype)
            assert pledged <= fleet, f"{m.nation} pledges {pledged} {ftype}, fleet {fleet}"
    assert reference.warnings == []


def test_small_loads(small: LoadedScenario) -> None:
    assert small.scenario.coalition.total_aircraft == 18
    assert [c.id for c in small.scenario.cap.stations] == ["lviv", "rivne-npp"]


def test_extends_overrides_key_by_key(tmp_path: Path) -> None:
    p = tmp_path / "wider.yaml"
    p.write_text(
        "name: wider\nextends: reference\ntheatre:\n  patrol_standoff_km: 150\n"
        "assets:\n  extra:\n    - {id: my-plant, name: My plant, kind: energy,"
        " position: [25.0, 50.0], value: 2, radius_km: 2}\n",
        encoding="utf-8",
    )
    ls = load_scenario(p)
    assert ls.scenario.theatre.patrol_standoff_km == 150
    assert ls.scenario.theatre.engage_standoff_km == 150  # kept from the reference
    assert ls.scenario.coalition.total_aircraft == 120
    assert "my-plant" in {a.id for a in ls.assets} and "kyiv" in {a.id for a in ls.assets}


def test_extends_cycle_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: a\nextends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("name: b\nextends: a.yaml\n", encoding="utf-8")
    with pytest.raises(InputError, match="circular"):
        load_scenario(tmp_path / "a.yaml")


def test_error_in_parent_points_at_parent(tmp_path: Path) -> None:
    (tmp_path / "parent.yaml").write_text(
        "name: p\ncoalition:\n  members:\n    - nation: X\n      iso_a3: POL\n"
        "      pledges: [{type: F-22, count: 1, base: EPRZ}]\n",
        encoding="utf-8",
    )
    (tmp_path / "child.yaml").write_text("name: c\nextends: parent.yaml\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_scenario(tmp_path / "child.yaml")
    [problem] = exc.value.problems
    assert problem.file.endswith("parent.yaml") and problem.line == 6


def test_engage_standoff_beyond_patrol_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("name: s\ntheatre:\n  patrol_standoff_km: 100\n  engage_standoff_km: 150\n")
    with pytest.raises(InputError, match="engage_standoff_km must not exceed"):
        load_scenario(p)


def test_overpledge_is_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(
        "name: s\ncoalition:\n  members:\n    - nation: Croatia\n      iso_a3: HRV\n"
        "      pledges: [{type: Rafale, count: 90, base: LRCK}]\n"
    )
    ls = load_scenario(p)
    assert any("real fleet" in w.message for w in ls.warnings)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_scenarios_validate(path: Path) -> None:
    load_scenario(path)


def test_relative_occupied_file_resolves_against_the_file_that_wrote_it(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    ring = [[35.0, 47.0], [38.0, 47.0], [38.0, 49.0], [35.0, 49.0], [35.0, 47.0]]
    geometry = {"type": "Polygon", "coordinates": [ring]}
    feature = {"type": "Feature", "properties": {"as_of": "2025-01-01"}, "geometry": geometry}
    (sub / "occ.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]})
    )
    (sub / "parent.yaml").write_text(
        "name: p\nextends: small\ntheatre:\n  occupied_file: occ.geojson\n"
    )
    (tmp_path / "child.yaml").write_text("name: c\nextends: sub/parent.yaml\n")
    ls = load_scenario(tmp_path / "child.yaml")
    assert ls.theatre.config.occupied_file == sub / "occ.geojson"
    assert ls.theatre.occupied.properties["as_of"] == "2025-01-01"


def test_missing_extends_target_points_at_the_extends_line(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text("name: c\nextends: nothere.yaml\n")
    with pytest.raises(InputError) as exc:
        load_scenario(tmp_path / "child.yaml")
    [problem] = exc.value.problems
    assert problem.file.endswith("child.yaml") and problem.line == 2
    assert problem.field == "extends" and "no such scenario file" in problem.message


def test_cross_check_errors_are_all_reported(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(
        "name: s\ncoalition:\n  members:\n    - nation: X\n      iso_a3: POL\n"
        "      pledges: [{type: F-22, count: 1, base: EPWA}]\n"
        "cap:\n  stations:\n    - {id: a, position: [24.3, 49.8]}\n"
        "    - {id: a, position: [24.4, 49.8]}\n"
    )
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    found = [(pr.line, pr.field) for pr in exc.value.problems]
    assert found == [
        (6, "coalition.members[0].pledges[0].type"),
        (6, "coalition.members[0].pledges[0].base"),
        (10, "cap.stations[1].id"),
    ]


def test_duplicate_keys_name_the_second_line() -> None:
    with pytest.raises(InputError) as exc:
        load_yaml("a: 1\nb:\n  c: 2\n  c: 3\n", "f.yaml")
    [problem] = exc.value.problems
    assert (problem.file, problem.line, problem.field) == ("f.yaml", 4, "b.c")
    assert "given twice" in problem.message and "line 3" in problem.message


def test_yaml_merge_keys_are_not_duplicates() -> None:
    data, _ = load_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 5\n", "f.yaml")
    assert data["c"] == {"x": 5, "y": 2}


def test_unreadable_value_names_the_line() -> None:
    with pytest.raises(InputError) as exc:
        load_yaml("name: s\nstart: 2025-13-45T00:00:00Z\n", "f.yaml")
    [problem] = exc.value.problems
    assert (problem.line, problem.field) == (2, "start")
    assert "month must be in 1..12" in problem.message


def test_theatre_knows_the_hostile_names() -> None:
    th = Theatre()
    assert "RUS" in th.hostile_names and "BLR" in th.hostile_names
    assert OCCUPIED in th.hostile_names and "UKR" not in th.hostile_names
    with pytest.raises(KeyError):
        th.hostile_feature("XXX")


def _with_overrides(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "over.yaml"
    p.write_text("name: over\nextends: small\ncatalog_overrides:\n" + body, encoding="utf-8")
    return p


def test_catalog_override_patches_a_copy_not_the_shipped_catalog(
    tmp_path: Path, small: LoadedScenario
) -> None:
    shipped = load_catalog()
    ls = load_scenario(
        _with_overrides(
            tmp_path,
            "  weapons:\n    AIM-9X: {pk: {drone: 0.8}}\n"
            "  threats:\n    shahed-136: {speed_kmh: 160, sources: {speed_kmh: 'assumption: mine'}}\n",
        )
    )
    pk = ls.catalog.weapons["AIM-9X"].pk
    assert pk["drone"] == 0.8
    assert pk["decoy"] == shipped.weapons["AIM-9X"].pk["decoy"] == 0.5  # the map merged
    assert ls.catalog.weapons["AIM-9X"].sources["pk"] == OVERRIDE_NOTE
    assert ls.catalog.threats["shahed-136"].speed_kmh == 160
    assert ls.catalog.threats["shahed-136"].sources["speed_kmh"] == "assumption: mine"
    # the shipped catalog (cached, shared) is untouched; a scenario without overrides shares it
    assert load_catalog() is shipped and shipped.weapons["AIM-9X"].pk["drone"] == 0.7
    assert shipped.threats["shahed-136"].speed_kmh == 175
    assert small.catalog is shipped


def test_mission_capable_override_changes_the_force_plan(
    tmp_path: Path, small: LoadedScenario
) -> None:
    from skyshield.forces import plan_forces

    base = plan_forces(small).totals()
    # the closed form needs aircraft in proportion to 1 / mission-capable rate: halving every
    # type's rate doubles the 15.7 aircraft that hold both stations, more than the 18 pledged
    assert 2 * base["aircraft_for_held_stations"] > 18 and base["stations_held"] == 2
    ls = load_scenario(
        _with_overrides(
            tmp_path,
            "  fighters:\n    F-16: {mission_capable_rate: 0.35}\n"
            "    Gripen-C: {mission_capable_rate: 0.375}\n",
        )
    )
    assert ls.catalog.fighters["F-16"].mission_capable_rate == 0.35
    half = plan_forces(ls).totals()
    assert half["stations_held"] < 2
    assert half["fighter_sorties_per_day"] < base["fighter_sorties_per_day"]


@pytest.mark.parametrize(
    ("body", "line", "field", "fragment"),
    [
        (
            "  weapons:\n    aim-9x: {pk: {drone: 0.8}}\n",
            5,
            "catalog_overrides.weapons.aim-9x",
            "unknown weapon 'aim-9x'; expected one of: AIM-120, AIM-9X",
        ),
        (
            "  fighters:\n    F-16:\n      mission_capable: 0.6\n",
            6,
            "catalog_overrides.fighters.F-16.mission_capable",
            "unknown field of a fighter type",
        ),
        (
            "  threats:\n    shahed-136:\n      speed_kmh: fast\n",
            6,
            "catalog_overrides.threats.shahed-136.speed_kmh",
            "valid number",
        ),
        (
            "  fighters:\n    F-16: {mission_capable_rate: 1.5}\n",
            5,
            "catalog_overrides.fighters.F-16.mission_capable_rate",
            "less than or equal to 1",
        ),
        (
            "  weapons:\n    AIM-9X: {pk: {drones: 0.8}}\n",
            5,
            "catalog_overrides.weapons.AIM-9X.pk.drones",
            "'drone'",
        ),
        ("  tankerz: {KC-135: {offload_t: 50}}\n", 4, "catalog_overrides.tankerz", "unknown field"),
    ],
)
def test_bad_catalog_overrides_name_file_line_and_field(
    tmp_path: Path, body: str, line: int, field: str, fragment: str
) -> None:
    p = _with_overrides(tmp_path, body)
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    [problem] = exc.value.problems
    assert (problem.file, problem.line, problem.field) == (str(p), line, field)
    assert fragment in problem.message


def test_bad_catalog_override_exits_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from skyshield.cli.main import main

    p = _with_overrides(tmp_path, "  aew:\n    E-3: {ref_range_km: -5}\n")
    assert main(["scenario", "validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert f"{p}:5: catalog_overrides.aew.E-3.ref_range_km: Input should be greater than 0" in err


def test_files_below_the_folder_are_allowed(tmp_path: Path) -> None:
    sub = tmp_path / "common"
    sub.mkdir()
    (sub / "base.yaml").write_text("name: base\nextends: small\n", encoding="utf-8")
    ring = [[35.0, 47.0], [38.0, 47.0], [38.0, 49.0], [35.0, 49.0], [35.0, 47.0]]
    feature = {
        "type": "Feature",
        "properties": {"as_of": "2025-01-01"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    (sub / "occ.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]})
    )
    p = tmp_path / "s.yaml"
    p.write_text(
        "name: s\nextends: common/base.yaml\ntheatre:\n  occupied_file: common/occ.geojson\n",
        encoding="utf-8",
    )
    ls = load_scenario(p)
    assert ls.theatre.config.occupied_file == sub / "occ.geojson"


def test_a_scenario_using_anchors_sensibly_loads(tmp_path: Path) -> None:
    p = tmp_path / "anchors.yaml"
    p.write_text(
        "name: anchors\nextends: small\ncap:\n  stations:\n"
        "    - &st {id: a, position: [24.3, 49.8], aircraft: 1}\n"
        "    - {<<: *st, id: b, aircraft: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:  # an error in the merged item names its own line
        load_scenario(p)
    assert [(q.line, q.field) for q in exc.value.problems] == [(6, "cap.stations[1].aircraft")]
    p.write_text(p.read_text().replace("aircraft: x", "aircraft: 2"), encoding="utf-8")
    stations = load_scenario(p).scenario.cap.stations
    assert [(c.id, c.position, c.aircraft) for c in stations] == [
        ("a", (24.3, 49.8), 1),
        ("b", (24.3, 49.8), 2),
    ]


#: Bad YAML that was always an input error (the hostile cases are in tests/hostile/).
BAD_YAML = [
    ("year-0", b"name: y\nstart: 0000-01-01T00:00:00Z\n", 2, "cannot read"),
    ("feb-30", b"name: y\nstart: 2025-02-30T00:00:00Z\n", 2, "cannot read"),
    (
        "huge-int",
        b"name: y\ncap: {min_time_on_station_h: 1" + b"0" * 5000 + b"}\n",
        2,
        "cannot read",
    ),
    ("not-utf8", b"name: \xff\xfe\n", 1, "not a UTF-8 text file"),
    ("tab-indent", b"name: t\ncap:\n\tstations: []\n", 3, "not valid YAML"),
    ("two-documents", b"name: a\n---\nname: b\n", 2, "not valid YAML"),
]


@pytest.mark.parametrize(
    ("name", "content", "line", "expected"), BAD_YAML, ids=[b[0] for b in BAD_YAML]
)
def test_bad_yaml_names_file_and_line(
    tmp_path: Path, name: str, content: bytes, line: int, expected: str
) -> None:
    p = tmp_path / f"{name}.yaml"
    p.write_bytes(content)
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    [problem] = exc.value.problems
    assert (problem.file, problem.line) == (str(p), line) and expected in problem.message


@pytest.mark.parametrize(
    ("body", "field", "expected"),
    [
        (
            "catalog_overrides:\n  threats:\n    shahed-136: {cost_usd: -1}\n",
            "catalog_overrides.threats.shahed-136.cost_usd",
            "greater than or equal to 0",
        ),
        (
            "theatre:\n  patrol_standoff_km: 1.0e+300\n",
            "theatre.patrol_standoff_km",
            "less than or equal to 1000",
        ),
        (
            "aew_orbits:\n  - {id: a, type: E-3, position: [22.9, 50.6], hours_covered: .nan}\n",
            "aew_orbits[0].hours_covered",
            "finite number",
        ),
    ],
)
def test_numbers_out_of_bounds_name_the_field(
    tmp_path: Path, body: str, field: str, expected: str
) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("name: s\nextends: small\n" + body, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    [problem] = exc.value.problems
    assert problem.field == field and expected in problem.message


def test_a_bare_occupied_file_name_is_looked_for_next_to_the_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "occ").write_text("{}")
    p = tmp_path / "s.yaml"
    p.write_text("name: s\nextends: small\ntheatre: {occupied_file: occ}\n")
    monkeypatch.chdir(tmp_path / "elsewhere")  # never the working folder
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    [problem] = exc.value.problems
    assert problem.field == "theatre.occupied_file" and str(tmp_path / "occ") in problem.message
