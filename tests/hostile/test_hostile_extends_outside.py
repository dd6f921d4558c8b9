"""Defect 9 (the scenario part): `extends: /etc/<file>` or `../../x` loaded files outside the
scenario's folder and printed their lines and values in the error message.  A scenario's file
references (extends, raid, theatre.occupied_file) now resolve inside the folder of the scenario
given (or a folder of SKYSHIELD_SCENARIO_PATH); anything else is refused unread, and a file
reached by extends that is not a scenario is refused without echoing what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from skyshield.cli.main import main
from skyshield.errors import InputError
from skyshield.scenario import load_scenario

SECRET = "password: hunter2\napi_token: s3cr3t-value\n"


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """``inside/`` (the user's folder, with a valid parent) and ``outside/`` (a secret)."""
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (outside / "secret.yaml").write_text(SECRET, encoding="utf-8")
    (outside / "parent.yaml").write_text("name: parent\nextends: small\n", encoding="utf-8")
    return inside, outside


def _refused(inside: Path, body: str, capsys: pytest.CaptureFixture[str]) -> str:
    p = inside / "s.yaml"
    p.write_text(body, encoding="utf-8")
    assert main(["scenario", "validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert "hunter2" not in err and "password" not in err and "s3cr3t" not in err, err
    assert "lies outside the scenario's folder" in err and f"allowed: {inside.resolve()}" in err
    return err


@pytest.mark.parametrize("how", ["absolute", "dotdot"])
def test_extends_outside_the_folder_is_refused_unread(
    layout: tuple[Path, Path], capsys: pytest.CaptureFixture[str], how: str
) -> None:
    inside, outside = layout
    ref = str(outside / "secret.yaml") if how == "absolute" else "../outside/secret.yaml"
    err = _refused(inside, f"name: s\nextends: {ref}\n", capsys)
    assert f"s.yaml:2: extends: {ref}: lies outside" in err


def test_etc_passwd_is_refused(
    layout: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(layout[0], "name: s\nextends: /etc/passwd\n", capsys)
    assert "root:" not in err


def test_a_symbolic_link_out_of_the_folder_is_refused(
    layout: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    inside, outside = layout
    (inside / "link.yaml").symlink_to(outside / "secret.yaml")
    _refused(inside, "name: s\nextends: link.yaml\n", capsys)


def test_raid_and_occupied_file_outside_are_refused(
    layout: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    inside, _ = layout
    err = _refused(
        inside,
        "name: s\nextends: small\nraid: ../outside/secret.yaml\n"
        "theatre:\n  occupied_file: /etc/passwd\n",
        capsys,
    )
    assert "s.yaml:3: raid: ../outside/secret.yaml: lies outside" in err
    assert "s.yaml:5: theatre.occupied_file: /etc/passwd: lies outside" in err


def test_the_search_path_allows_a_shared_folder(
    layout: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inside, outside = layout
    p = inside / "s.yaml"
    p.write_text("name: s\nextends: parent.yaml\n", encoding="utf-8")  # found in the search path
    with pytest.raises(InputError, match="no such scenario file"):
        load_scenario(p)
    monkeypatch.setenv("SKYSHIELD_SCENARIO_PATH", str(outside))
    ls = load_scenario(p)
    assert [src.origin for src in ls.chain] == [
        str(p),
        str(outside / "parent.yaml"),
        "<builtin small>",
    ]
    p.write_text("name: s\nextends: ../outside/parent.yaml\n", encoding="utf-8")
    assert load_scenario(p).scenario.name == "s"


def test_a_parent_that_is_not_a_scenario_is_not_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.yaml").write_text(SECRET, encoding="utf-8")
    p = tmp_path / "s.yaml"
    p.write_text("name: s\nextends: notes.yaml\n", encoding="utf-8")
    assert main(["scenario", "validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'notes.yaml'}:1: not a scenario file" in err
    assert "hunter2" not in err and "password" not in err and "api_token" not in err


def test_echoed_values_are_cut_short(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("name: s\nextends: small\ncap: {use_tankers: " + "y" * 500 + "}\n")
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    [problem] = exc.value.problems
    assert len(problem.message) < 200 and "yyyy…" in problem.message


def test_a_parent_that_is_not_yaml_is_not_echoed(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("name: x\nwhen: 2025-13-45 hunter2\nwhen: s3cr3t\n")
    p = tmp_path / "s.yaml"
    p.write_text("name: s\nextends: notes.yaml\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    [problem] = exc.value.problems
    assert problem.line == 3 and "hunter2" not in str(problem) and "when" not in str(problem)
