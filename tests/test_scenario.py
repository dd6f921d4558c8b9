"""Scenario loading: built-ins, the reference's promises, extends/overrides, examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
