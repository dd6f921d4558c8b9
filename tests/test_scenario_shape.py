"""Scenarios a planner can shape: the coalition's size in a file (the sweep's rule), unavailable
bases, and list patches in extends (remove, patch, add by key) with errors at the right line."""

from __future__ import annotations

from pathlib import Path

import pytest

from skyshield.analysis.sweep import sweep_variant
from skyshield.errors import InputError, Problem
from skyshield.scenario import LoadedScenario, load_scenario, scenario_from_data
from skyshield.scenario.shaping import scale_pledges


def _file(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


def _pledges(ls: LoadedScenario) -> list[tuple[str, str, int, str]]:
    return [
        (m.iso_a3, p.type, p.count, p.base)
        for m in ls.scenario.coalition.members
        for p in m.pledges
    ]


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as exc:
        load_scenario(path)
    return exc.value.problems


# -- coalition.total_aircraft ------------------------------------------------------------------


def test_total_aircraft_scales_pledges_by_largest_remainder(tmp_path: Path) -> None:
    # small pledges 10, 4, 4; to 7: shares 3.89, 1.56, 1.56 -> floors 3, 1, 1 and the two
    # largest remainders (0.89, then the earlier of the two 0.56) get one more: 4, 2, 1
    ls = load_scenario(
        _file(tmp_path, "name: s\nextends: small\ncoalition:\n  total_aircraft: 7\n")
    )
    assert [c for _, _, c, _ in _pledges(ls)] == [4, 2, 1]
    assert ls.scenario.coalition.total_aircraft == 7 and ls.warnings == []


def test_total_aircraft_in_a_file_is_the_sweeps_rule(tmp_path: Path, small: LoadedScenario) -> None:
    for total in (3, 36, 120):
        body = f"name: small\nextends: small\ncoalition: {{total_aircraft: {total}}}\n"
        from_file = load_scenario(_file(tmp_path, body))
        swept = sweep_variant(small, {"coalition.total_aircraft": total})
        assert _pledges(from_file) == _pledges(swept)
        assert sum(c for _, _, c, _ in _pledges(from_file)) == total
    # pledges that round to 0 are dropped, and members left without pledges too
    assert [m.iso_a3 for m in from_file.scenario.coalition.members] == ["POL", "ROU", "SWE"]
    tiny = load_scenario(
        _file(tmp_path, "name: s\nextends: small\ncoalition: {total_aircraft: 1}\n")
    )
    assert _pledges(tiny) == [("POL", "F-16", 1, "EPRZ")]


def test_scaled_scenario_reloads_to_itself_and_sweeps_pledges_unscaled(tmp_path: Path) -> None:
    ls = load_scenario(
        _file(tmp_path, "name: s\nextends: small\ncoalition: {total_aircraft: 36}\n")
    )
    data = ls.scenario.to_data()
    assert "total_aircraft" not in data["coalition"]  # the pledges say it
    again = scenario_from_data(data, "<again>")
    assert _pledges(again) == _pledges(ls)
    # a later change to one pledge is not undone by the file's total
    varied = sweep_variant(ls, {"coalition.members[0].pledges[0].count": 5})
    assert _pledges(varied)[0][2] == 5 and varied.scenario.coalition.total_aircraft == 21


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "greater than or equal to 1"),
        ("1.5", "whole number"),
        ("'10'", "without quotes"),
        ("true", "not numbers"),
        ("9999", "less than or equal to 5000"),
    ],
)
def test_bad_total_aircraft_names_its_line(tmp_path: Path, value: str, expected: str) -> None:
    p = _file(tmp_path, f"name: s\nextends: small\ncoalition:\n  total_aircraft: {value}\n")
    [problem] = _problems(p)
    assert (problem.file, problem.line, problem.field) == (str(p), 4, "coalition.total_aircraft")
    assert expected in problem.message


def test_total_aircraft_with_nothing_to_scale_is_an_error(tmp_path: Path) -> None:
    p = _file(tmp_path, "name: s\ncoalition:\n  total_aircraft: 40\n")
    [problem] = _problems(p)
    assert (problem.line, problem.field) == (3, "coalition.total_aircraft")
    assert "no pledged aircraft" in problem.message


def test_scale_pledges_errors_name_the_set_option() -> None:
    with pytest.raises(InputError) as exc:
        scale_pledges({"coalition": {"members": []}}, 10)
    assert exc.value.problems[0].file == "sets"  # the sweep parameter; the command line says --set
    with pytest.raises(InputError, match="whole number"):
        scale_pledges({"coalition": {"members": []}}, 2.5)


# -- bases.unavailable ---------------------------------------------------------------------------


def test_pledges_at_an_unavailable_base_drop_with_a_warning(tmp_path: Path) -> None:
    p = _file(tmp_path, "name: s\nextends: small\nbases:\n  unavailable: [EPRZ]\n")
    ls = load_scenario(p)
    assert _pledges(ls) == [("ROU", "F-16", 4, "LRBC"), ("SWE", "Gripen-C", 4, "LZSL")]
    gone, dropped = ls.warnings  # sorted by line: the member (8), then its pledge (10)
    assert dropped.field == "coalition.members[0].pledges[0].base"
    assert (
        "base EPRZ is unavailable" in dropped.message and "10 F-16 are dropped" in dropped.message
    )
    assert dropped.file == "<builtin small>" and dropped.line == 10  # where the pledge is written
    assert "Poland has no aircraft left" in gone.message and gone.line == 8


def test_a_pledge_with_an_alternate_moves_there(tmp_path: Path) -> None:
    p = _file(
        tmp_path,
        "name: s\nextends: small\nbases: {unavailable: [EPRZ]}\ncoalition:\n  members:\n"
        "    patch:\n      POL: {pledges: [{type: F-16, count: 10, base: EPRZ, alternate: EPLK}]}\n",
    )
    ls = load_scenario(p)
    assert _pledges(ls)[0] == ("POL", "F-16", 10, "EPLK")
    [moved] = ls.warnings
    assert (moved.file, moved.line) == (str(p), 7)
    assert moved.message.endswith("Poland's 10 F-16 move to EPLK")
    assert scenario_from_data(ls.scenario.to_data(), "<again>").warnings == []


def test_closing_then_scaling_keeps_the_total(tmp_path: Path) -> None:
    p = _file(
        tmp_path,
        "name: s\nextends: small\nbases: {unavailable: [EPRZ]}\ncoalition: {total_aircraft: 18}\n",
    )
    ls = load_scenario(p)
    assert _pledges(ls) == [("ROU", "F-16", 9, "LRBC"), ("SWE", "Gripen-C", 9, "LZSL")]


@pytest.mark.parametrize(
    ("body", "line", "field", "expected"),
    [
        ("bases: {unavailable: [XXXX]}\n", 3, "bases.unavailable[0]", "unknown base 'XXXX'"),
        ("bases: {unavailable: [EPRZ, EPRZ]}\n", 3, "bases.unavailable[1]", "listed twice"),
        ("bases: {unavailable: [eprz]}\n", 3, "bases.unavailable[0]", "should match pattern"),
        (
            "bases: {unavailable: [EPRZ]}\ncoalition:\n  members:\n    patch:\n"
            "      POL: {pledges: [{type: F-16, count: 2, base: EPRZ, alternate: LRBC}]}\n"
            "bases_: 1\n",
            8,
            "bases_",
            "unknown field",
        ),
        (
            "bases: {unavailable: [EPRZ, EPLK]}\ncoalition:\n  members:\n    patch:\n"
            "      POL: {pledges: [{type: F-16, count: 2, base: EPRZ, alternate: EPLK}]}\n",
            7,
            "coalition.members.patch.POL.pledges[0].alternate",
            "unavailable too",
        ),
        (
            "bases: {unavailable: [EPRZ]}\ncoalition:\n  members:\n    patch:\n"
            "      POL: {pledges: [{type: F-16, count: 2, base: EPRZ, alternate: ABCD}]}\n",
            7,
            "coalition.members.patch.POL.pledges[0].alternate",
            "unknown base 'ABCD'",
        ),
        (
            "bases: {unavailable: [EPRZ]}\naew_orbits:\n"
            "  - {id: a, type: E-3, position: [22.9, 50.6], base: EPRZ}\n",
            5,
            "aew_orbits[0].base",
            "flies from EPRZ, which is unavailable",
        ),
    ],
)
def test_bad_base_availability_is_an_error(
    tmp_path: Path, body: str, line: int, field: str, expected: str
) -> None:
    p = _file(tmp_path, "name: s\nextends: small\n" + body)
    [problem] = _problems(p)
    assert (problem.file, problem.line, problem.field) == (str(p), line, field)
    assert expected in problem.message


# -- list patches in extends ---------------------------------------------------------------------


def test_patches_remove_change_and_add_items_by_key(tmp_path: Path) -> None:
    p = _file(
        tmp_path,
        "name: s\nextends: reference\ncoalition:\n  members:\n    remove: [NOR, DNK]\n"
        "    patch:\n      POL: {pledges: [{type: F-16, count: 8, base: EPRZ}]}\n"
        "    add:\n      - {nation: Hungary, iso_a3: HUN, pledges: [{type: Gripen-C, count: 4,"
        " base: LHKE}]}\n"
        "cap:\n  stations:\n    remove: [odesa-west]\n    patch: {kyiv-west: {aircraft: 2}}\n"
        "    add:\n      - {id: ternopil, position: [25.6, 49.55], aircraft: 2}\n"
        "theatre:\n  hostile: {remove: [occupied]}\n"
        "assets:\n  builtin: {remove: [izmail-port]}\n",
    )
    ls, ref = load_scenario(p), load_scenario("reference")
    members = [m.iso_a3 for m in ls.scenario.coalition.members]
    ref_members = [m.iso_a3 for m in ref.scenario.coalition.members]
    assert members == [m for m in ref_members if m not in ("NOR", "DNK")] + ["HUN"]
    assert _pledges(ls)[0] == ("POL", "F-16", 8, "EPRZ")
    stations = [(c.id, c.aircraft) for c in ls.scenario.cap.stations]
    assert stations[0] == ("kyiv-west", 2) and stations[-1] == ("ternopil", 2)
    assert "odesa-west" not in dict(stations) and len(stations) == 8
    assert ls.scenario.theatre.hostile == ["RUS"]
    assert {a.id for a in ls.assets} == {a.id for a in ref.assets} - {"izmail-port"}


def test_a_patch_of_a_list_no_file_sets_patches_its_default(tmp_path: Path) -> None:
    ls = load_scenario(
        _file(
            tmp_path,
            "name: s\nextends: small\ntheatre:\n  hostile: {add: [BLR]}\n"
            "  patrol_standoff_km: 100\n  engage_standoff_km: 75\n"
            "cap:\n  stations: {remove: [rivne-npp]}\n",
        )
    )
    assert ls.scenario.theatre.hostile == ["RUS", "occupied", "BLR"]  # small sets no hostile
    assert [c.id for c in ls.scenario.cap.stations] == ["lviv"]


def test_a_plain_list_still_replaces(tmp_path: Path) -> None:
    ls = load_scenario(
        _file(
            tmp_path,
            "name: s\nextends: small\ncap:\n  stations:\n"
            "    - {id: only, position: [24.3, 49.8], aircraft: 1}\n",
        )
    )
    assert [c.id for c in ls.scenario.cap.stations] == ["only"]


@pytest.mark.parametrize(
    ("body", "line", "field", "expected"),
    [
        (
            "cap:\n  stations: {remove: [kyiv]}\n",
            4,
            "cap.stations.remove[0]",
            "no item 'kyiv' to remove; the list has: lviv, rivne-npp",
        ),
        (
            "cap:\n  stations: {patch: {kyiv: {aircraft: 2}}}\n",
            4,
            "cap.stations.patch.kyiv",
            "no item 'kyiv' to patch",
        ),
        (
            "cap:\n  stations:\n    add: [{id: lviv, position: [24.3, 49.8]}]\n",
            5,
            "cap.stations.add[0]",
            "'lviv' is already in the list: use patch",
        ),
        (
            "theatre:\n  hostile: {patch: {RUS: {}}}\n",
            4,
            "theatre.hostile.patch",
            "cannot be patched",
        ),
        ("cap:\n  stations: {remove: lviv}\n", 4, "cap.stations.remove", "expected a list"),
        (
            "cap:\n  stations: {patch: {lviv: {id: kyiv}}}\n",
            4,
            "cap.stations.patch.lviv.id",
            "cannot be patched",
        ),
        (
            "cap:\n  stations: {lviv: {aircraft: 2}}\n",
            4,
            "cap.stations",
            "{remove: [KEY, ...], patch: {KEY: {field: value}}, add: [ITEM, ...]}",
        ),
        (
            "cap:\n  stations:\n    add:\n      - {id: far, position: [36.2, 50.0]}\n",
            6,
            "cap.stations.add[0].position",
            "is outside the patrol zone",
        ),
        (
            "cap:\n  stations:\n    patch: {lviv: {aircraft: 0}}\n",
            5,
            "cap.stations.patch.lviv.aircraft",
            "greater than or equal to 1",
        ),
    ],
)
def test_patch_errors_name_the_patch_line(
    tmp_path: Path, body: str, line: int, field: str, expected: str
) -> None:
    p = _file(tmp_path, "name: s\nextends: small\n" + body)
    [problem] = _problems(p)
    assert (problem.file, problem.line, problem.field) == (str(p), line, field)
    assert expected in problem.message


def test_errors_in_a_patched_item_keep_the_file_that_wrote_each_field(tmp_path: Path) -> None:
    _file(
        tmp_path,
        "name: p\nextends: small\ncap:\n  stations:\n"
        "    - {id: a, position: [36.2, 50.0], aircraft: 1}\n",
        "parent.yaml",
    )
    child = _file(
        tmp_path,
        "name: c\nextends: parent.yaml\ncap:\n  stations:\n    patch: {a: {aircraft: 3}}\n",
    )
    [problem] = _problems(child)  # the position comes from the parent, not the patch
    assert problem.file == str(tmp_path / "parent.yaml") and problem.line == 5
    assert problem.field == "cap.stations[0].position"
