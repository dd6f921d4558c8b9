"""Scenario loading: built-ins, the reference's promises, extends/overrides, examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from skyshield.errors import InputError
from skyshield.scenario import LoadedScenario, load_scenario

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
    assert small.scenario.coalition.total_aircraft == 16
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
