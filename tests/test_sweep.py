"""Sweeps: field paths, pledge scaling by hand, the grid, and an end-to-end run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from skyshield.analysis.sweep import grid, parse_set, scale_pledges, set_path, sweep_variant
from skyshield.cli.main import main
from skyshield.errors import InputError
from skyshield.runs import Store
from skyshield.scenario import load_scenario, scenario_from_data


def small_data() -> dict[str, object]:
    return load_scenario("small").scenario.model_dump(mode="json", exclude={"extends"})


def test_parse_and_grid() -> None:
    assert parse_set("theatre.patrol_standoff_km=100, 150") == (
        "theatre.patrol_standoff_km",
        [100, 150],
    )
    g = grid([("a", [1, 2]), ("b", ["x", "y"])])
    assert g == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"}, {"a": 2, "b": "y"}]
    with pytest.raises(InputError):
        parse_set("no-equals-sign")


def test_set_path_with_list_index() -> None:
    d = set_path(small_data(), "cap.stations[1].aircraft", 2)
    assert d["cap"]["stations"][1]["aircraft"] == 2  # type: ignore[index]
    assert small_data()["cap"]["stations"][1]["aircraft"] == 1  # type: ignore[index]  # a copy
    with pytest.raises(InputError, match="no field"):
        set_path(small_data(), "cap.nonsense.x", 1)
    with pytest.raises(InputError, match="no such list element"):
        set_path(small_data(), "cap.stations[9]", 1)


def test_scale_pledges_by_hand() -> None:
    # small: Poland 10, Romania 4, Sweden 4 (18).  To 9: shares 5, 2, 2 exactly.
    d = scale_pledges(small_data(), 9)
    counts = [p["count"] for m in d["coalition"]["members"] for p in m["pledges"]]  # type: ignore[index]
    assert counts == [5, 2, 2]
    # to 10: shares 5.556, 2.222, 2.222 -> floors 5, 2, 2 and one more to the largest remainder
    d = scale_pledges(small_data(), 10)
    assert [p["count"] for m in d["coalition"]["members"] for p in m["pledges"]] == [6, 2, 2]  # type: ignore[index]
    # to 2: 1.11, 0.44, 0.44 -> 1, 0, 0 and one more to Romania (first of the equal remainders);
    # the member whose pledge rounds to 0 is dropped, and the result is a valid scenario
    d = scale_pledges(small_data(), 2)
    assert [m["iso_a3"] for m in d["coalition"]["members"]] == ["POL", "ROU"]  # type: ignore[index]
    assert scenario_from_data(d, "<scaled>").scenario.coalition.total_aircraft == 2
    with pytest.raises(InputError):
        scale_pledges(small_data(), 0)


@pytest.mark.slow
def test_sweep_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep"
    args = [
        "sweep",
        "small",
        "--raid",
        "2025-06-08",
        "--set",
        "coalition.total_aircraft=6,18",
        "--runs",
        "2",
        "--out",
        str(out),
        "--store",
        str(tmp_path / "s.duckdb"),
    ]
    assert main(args) == 0
    table = pd.read_csv(out / "sweep.csv")
    assert table["set:coalition.total_aircraft"].tolist() == [6, 18]
    # the same replication seeds at every point: the baseline does not depend on the jets
    assert table["baseline.hits_on_assets"].nunique() == 1
    assert (out / "sizing.png").read_bytes()[:4] == b"\x89PNG"
    assert "shield.hits_on_assets" in capsys.readouterr().out


@pytest.mark.slow
def test_set_path_into_catalog_overrides_and_sweep_of_a_pk(tmp_path: Path) -> None:
    """A path into an override section may name ids not overridden yet (with hyphens); the
    variant's catalog then has the value, and a sweep over a Pk runs end to end."""
    d = set_path(small_data(), "catalog_overrides.weapons.AIM-9X.pk.drone", 0.5)
    assert d["catalog_overrides"]["weapons"] == {"AIM-9X": {"pk": {"drone": 0.5}}}  # type: ignore[index]
    variant = sweep_variant(
        load_scenario("small"), {"catalog_overrides.weapons.AIM-9X.pk.drone": 0.5}
    )
    assert variant.catalog.weapons["AIM-9X"].pk["drone"] == 0.5  # type: ignore[index]
    with pytest.raises(InputError):
        sweep_variant(load_scenario("small"), {"catalog_overrides.weapons.NOPE.pk.drone": 0.5})
    out = tmp_path / "sweep"
    args = [
        "sweep",
        "small",
        "--raid",
        "2025-06-08",
        "--set",
        "catalog_overrides.weapons.gun-20mm.pk.drone=0.35,0.9",
        "--runs",
        "2",
        "--out",
        str(out),
        "--store",
        str(tmp_path / "s.duckdb"),
    ]
    assert main(args) == 0
    table = pd.read_csv(out / "sweep.csv")
    assert table["set:catalog_overrides.weapons.gun-20mm.pk.drone"].tolist() == [0.35, 0.9]


@pytest.mark.slow
def test_a_sweep_whose_points_change_nothing_the_engine_uses_stops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under the default weapon policy fighters fire guns and rockets at drones, never the
    AIM-9X: sweeping its Pk against drones would give identical rows, so nothing is run."""
    store = tmp_path / "s.duckdb"
    args = [
        "sweep",
        "small",
        "--raid",
        "reference",
        "--set",
        "catalog_overrides.weapons.AIM-9X.pk.drone=0.5,0.9",
        "--runs",
        "2",
        "--out",
        str(tmp_path / "o"),
        "--store",
        str(store),
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --set: point 1") and "same effective inputs" in err
    assert "weapon policy" in err and not (tmp_path / "o").exists()
    # a Pk below the engine's min_pk (0.3) is never used either: 0.1 and 0.2 are the same world
    gun = "catalog_overrides.weapons.gun-20mm.pk.drone=0.1,0.2"
    assert main([*args[:5], gun, *args[6:]]) == 2


@pytest.mark.slow
def test_a_sweep_over_nights_flies_each_night(tmp_path: Path) -> None:
    """``raid`` is a field like any other: each point flies its own night, and stores it."""
    out = tmp_path / "o"
    args = [
        "sweep",
        "small",
        "--set",
        "raid=2025-06-05,2025-06-08",
        "--runs",
        "2",
        "--out",
        str(out),
        "--store",
        str(tmp_path / "s.duckdb"),
    ]
    assert main(args) == 0
    table = pd.read_csv(out / "sweep.csv")
    assert table["set:raid"].tolist() == ["2025-06-05", "2025-06-08"]
    b = table["baseline.hits_on_assets"].tolist()
    assert b[0] != b[1]
    with Store(tmp_path / "s.duckdb") as s:
        assert sorted(s.runs()["raid"]) == ["2025-06-05", "2025-06-08"]


@pytest.mark.slow
def test_linked_fields_zipped(tmp_path: Path) -> None:
    """Two standoffs that must move together are swept side by side with --zip."""
    out = tmp_path / "o"
    args = [
        "sweep",
        "small",
        "--raid",
        "reference",
        "--set",
        "theatre.patrol_standoff_km=150,200",
        "--set",
        "theatre.engage_standoff_km=100,150",
        "--zip",
        "--runs",
        "2",
        "--out",
        str(out),
        "--store",
        str(tmp_path / "s.duckdb"),
    ]
    assert main(args) == 0
    table = pd.read_csv(out / "sweep.csv")
    assert table["set:theatre.patrol_standoff_km"].tolist() == [150, 200]
    assert table["set:theatre.engage_standoff_km"].tolist() == [100, 150]
    bad = [*args[:-4], "--set", "cap.use_tankers=true,false,true", *args[-4:]]
    assert main(bad) == 2


def test_a_bad_point_of_a_built_in_names_the_built_in_and_the_point(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The error of a sweep point of a built-in scenario gives the built-in's name and how to
    print it, with the point's setting beside it (not run together into one name)."""
    argv = ["sweep", "small", "--set", "theatre.patrol_standoff_km=100,150", "--runs", "1"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "built-in scenario 'small' (with theatre.patrol_standoff_km=100)" in err
    assert "`skyshield scenario show small --yaml`" in err
