"""Scenario documents edited by the page: comments, key order and ``extends:`` kept; the check
is the loader of ``scenario validate``; files outside the scenario folder are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from skyshield.errors import InputError
from skyshield.runs.store import text_sha256
from skyshield.scenario import load_scenario
from skyshield.web.documents import (
    Edit,
    EditError,
    apply_edits,
    check_text,
    guess_indent,
    inherited_data,
    outside_files,
)

REPO = Path(__file__).resolve().parents[1]
SCENARIO_FILES = sorted((REPO / "scenarios").glob("*.yaml"))


def _nothing() -> dict[str, object]:
    raise AssertionError("inherited data asked for without need")


def set_(path: list[str | int], value: object) -> Edit:
    return Edit(op="set", path=path, value=value)


@pytest.mark.parametrize("ref", ["reference", "small", *SCENARIO_FILES], ids=str)
def test_no_edit_keeps_the_text_byte_for_byte(ref: str | Path) -> None:
    text = load_scenario(ref).text
    assert apply_edits(text, [], _nothing) == text
    # and a round trip through the YAML library also gives the same bytes (the slow path)
    edited = apply_edits(
        text, [set_(["name"], "x"), set_(["name"], load_scenario(ref).scenario.name)], _nothing
    )
    assert edited == text


def test_moving_a_station_changes_only_its_position(tmp_path: Path) -> None:
    text = load_scenario("reference").text
    edited = apply_edits(text, [set_(["cap", "stations", 0, "position"], [29.25, 50.3])], _nothing)
    old_lines, new_lines = text.splitlines(), edited.splitlines()
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [
        (
            "    - {id: kyiv-west, position: [29.6, 50.35], aircraft: 4}",
            "    - {id: kyiv-west, position: [29.25, 50.3], aircraft: 4}",
        )
    ]
    loaded = check_text(edited, tmp_path, "edited").loaded
    assert loaded is not None
    assert loaded.scenario.cap.stations[0].position == (29.25, 50.3)


def test_structural_edits_keep_comments_and_order(tmp_path: Path) -> None:
    text = load_scenario("reference").text
    edits = [
        Edit(
            op="append",
            path=["cap", "stations"],
            value={"id": "extra", "position": [27.0, 49.5], "aircraft": 2},
        ),
        Edit(op="remove", path=["coalition", "members", 18]),
        set_(["coalition", "members", 0, "pledges", 0, "base"], "LRBC"),
        set_(["catalog_overrides", "fighters", "F-16", "mission_capable_rate"], 0.6),
    ]
    edited = apply_edits(text, edits, _nothing)
    assert "# ordered by priority: the capital first" in edited
    assert edited.startswith(text.split("name: reference")[0])  # the header comment
    assert "    - {id: extra, position: [27.0, 49.5], aircraft: 2}\n" in edited
    assert "Turkey" not in edited
    keys = [ln.split(":")[0] for ln in edited.splitlines() if ln and ln[0].isalpha()]
    assert keys[:8] == [
        "name",
        "description",
        "start",
        "theatre",
        "assets",
        "coalition",
        "aew_orbits",
        "tanker_tracks",
    ]
    s = check_text(edited, tmp_path, "x").loaded
    assert s is not None
    assert s.scenario.coalition.members[0].pledges[0].base == "LRBC"
    assert s.catalog.fighters["F-16"].mission_capable_rate == 0.6
    assert [st.id for st in s.scenario.cap.stations][-1] == "extra"


def test_an_inherited_list_is_copied_before_it_is_edited(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(load_scenario("small").text, encoding="utf-8")
    child = "# my variant\nname: variant\nextends: base.yaml\n"
    edit = set_(["cap", "stations", 0, "aircraft"], 3)
    edited = apply_edits(child, [edit], lambda: inherited_data(child, tmp_path, "child"))
    assert edited.startswith("# my variant\nname: variant\nextends: base.yaml\n")
    loaded = check_text(edited, tmp_path, "child").loaded
    assert loaded is not None
    assert loaded.scenario.cap.stations[0].aircraft == 3
    assert loaded.scenario.cap.stations[0].id == "lviv"
    assert len(loaded.chain) == 2  # still extends the base file


def test_edits_that_do_not_fit_are_refused() -> None:
    text = load_scenario("small").text
    with pytest.raises(EditError, match=r"cap.stations\[9\]"):
        apply_edits(text, [set_(["cap", "stations", 9, "aircraft"], 1)], dict)
    with pytest.raises(EditError):
        apply_edits(text, [Edit(op="remove", path=["nothing_here"])], dict)
    with pytest.raises(InputError):
        apply_edits("- a list\n", [set_(["name"], "x")], dict)


def test_the_check_is_the_validate_check(tmp_path: Path) -> None:
    bad = (
        load_scenario("small")
        .text.replace("count: 10", "count: 0")
        .replace("type: F-16", "type: F-22", 1)
    )
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as cli:
        load_scenario(path)
    web = check_text(bad, tmp_path, str(path))
    assert web.loaded is None
    assert web.problems == cli.value.problems
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".skyshield-check")]


def test_the_checked_scenario_has_the_text_and_its_hash(tmp_path: Path) -> None:
    text = load_scenario("reference").text
    loaded = check_text(text, tmp_path, "web:reference").loaded
    assert loaded is not None
    assert loaded.text == text and loaded.origin == "web:reference"
    assert text_sha256(loaded.text) == text_sha256(load_scenario("reference").text)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("extends", "../outside.yaml"),
        ("extends", "/etc/passwd"),
        ("raid", "../../raid.yaml"),
        ("theatre:\n  occupied_file", "/tmp/occupied.geojson"),
    ],
)
def test_files_outside_the_folder_are_refused_before_reading(
    tmp_path: Path, field: str, value: str
) -> None:
    text = f"name: x\n{field}: {value!r}\n"
    problems = outside_files(text, tmp_path, "mine.yaml")
    assert len(problems) == 1 and "outside the scenario folder" in problems[0].message
    assert check_text(text, tmp_path, "mine.yaml").problems == problems


def test_a_symlink_leading_out_is_outside(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "link.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    assert outside_files("name: x\nextends: link.yaml\n", folder, "x")
    assert not outside_files("name: x\nextends: reference\nraid: 2025-06-08\n", folder, "x")


@pytest.mark.parametrize(
    ("text", "indent"),
    [
        ("a:\n  b: 1\n  c:\n    - 1\n", (2, 4, 2)),
        ("a:\n- x: 1\n  y: 2\nb:\n  c: 1\n", (2, 2, 0)),
        ("a:\n    b:\n        - 1\n", (4, 6, 4)),
        ("name: x\n", (2, 2, 0)),
    ],
)
def test_guess_indent(text: str, indent: tuple[int, int, int]) -> None:
    assert guess_indent(text) == indent
