"""Sensitivity: factor files, variants of a scenario, paired statistics, the tornado end to end."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from skyshield.analysis.sensitivity import (
    LEVELS,
    TIMES,
    Change,
    base_text,
    expand,
    level_text,
    load_factors,
    make_variant,
    metric_values,
    new_value,
    paired,
    parameter_tree,
    scenario_data,
)
from skyshield.cli.main import main
from skyshield.engine.api import build_world
from skyshield.errors import InputError
from skyshield.scenario import LoadedScenario, scenario_from_data

#: Two cheap factors: fighters' Pk against drones cut to 0.3 of its value (or kept), and one
#: whose low and high are its base value (its variants must equal the base case exactly).
FACTORS = """\
factors:
  - id: pk-drones
    label: Pk against drones
    changes:
      - {path: "catalog.weapons.*.pk.drone", how: scale, low: 0.3, high: 1.0}
    note: "assumption: a test range"
  - id: same
    label: C2 cycle at its base value
    changes:
      - {path: engine.c2_cycle_s, low: 20, high: 20}
    note: "assumption: the base value"
"""


def test_wildcards_expand_to_the_values_that_exist(small: LoadedScenario) -> None:
    tree = parameter_tree(small)
    with pytest.raises(ValueError, match="no value"):
        expand(tree, "catalog.weapons.*.pk.ballistic")
    drone = dict(expand(tree, "catalog.weapons.*.pk.drone"))
    assert drone[("catalog", "weapons", "AIM-9X", "pk", "drone")] == 0.7
    assert len(drone) == len([w for w in small.catalog.weapons.values() if "drone" in w.pk])
    assert dict(expand(tree, "cap.stations[1].aircraft")) == {("cap", "stations", 1, "aircraft"): 1}
    # engine and ground values as the engine uses them (catalog defaults under the scenario's)
    assert dict(expand(tree, "engine.c2_cycle_s")) == {("engine", "c2_cycle_s"): 20}
    assert dict(expand(tree, "ground_defences.ew_loss.drone")) == {
        ("ground_defences", "ew_loss", "drone"): 0.39
    }
    assert dict(expand(tree, "coalition.total_aircraft")) == {("coalition", "total_aircraft"): 18}


def test_new_values_by_hand() -> None:
    scale = Change(path="x", how="scale", low=0.7, high=1.1, max=0.99)
    assert new_value(scale, 0.5, "low") == pytest.approx(0.35)
    assert new_value(scale, 0.95, "high") == 0.99  # 1.045 clamped
    assert new_value(Change(path="x", how="scale", low=0.7, high=1), 18, "low") == 13  # 12.6
    halves = Change(path="x", how="scale", low=0.75, high=1.25)
    assert (new_value(halves, 18, "low"), new_value(halves, 18, "high")) == (14, 23)  # 13.5, 22.5
    assert new_value(Change(path="x", low=10, high=40), 20, "high") == 40
    with pytest.raises(ValueError, match="not a number"):
        new_value(scale, "gun", "low")
    with pytest.raises(ValueError, match="positive number"):
        Change(path="x", how="scale", low=0, high=1)


def test_variants_change_only_their_values(small: LoadedScenario, tmp_path: Path) -> None:
    p = tmp_path / "f.yaml"
    p.write_text(FACTORS, encoding="utf-8")
    [pk, _], origin = load_factors(p)
    data, tree = scenario_data(small), parameter_tree(small)
    low = make_variant(data, tree, pk, "low", origin)
    ls = scenario_from_data(low.data, "<low>")
    assert ls.catalog.weapons["AIM-120"].pk["drone"] == pytest.approx(0.3 * 0.85)
    assert ls.catalog.weapons["AIM-120"].pk["cruise"] == 0.75  # other categories kept
    assert small.catalog.weapons["AIM-120"].pk["drone"] == 0.85  # the base is untouched
    assert data["catalog_overrides"]["weapons"] == {}  # the variant's data is a copy
    # total aircraft scales every pledge (largest remainder), as in sweeps
    scaled = make_variant(
        data,
        tree,
        pk.model_copy(
            update={
                "changes": [Change(path="coalition.total_aircraft", how="scale", low=0.5, high=1)]
            }
        ),
        "low",
        origin,
    )
    assert scenario_from_data(scaled.data, "<9>").scenario.coalition.total_aircraft == 9


@pytest.mark.slow
def test_shipped_factors_apply_to_the_reference(reference: LoadedScenario) -> None:
    factors, origin = load_factors(None)
    ids = {f.id for f in factors}
    assert {
        "pk-drones",
        "pk-cruise",
        "aew-range",
        "c2-cycle",
        "mission-capable",
        "drone-speed",
        "ew-loss",
    } <= ids
    data, tree = scenario_data(reference), parameter_tree(reference)
    for f in factors:
        assert f.note.startswith(("source:", "assumption:"))
        changed = []
        for lv in LEVELS:
            v = make_variant(data, tree, f, lv, origin)
            assert v.values, f.id
            changed.append(any(b != n for _, _, b, n in v.values))
            scenario_from_data(v.data, f"<{f.id} {lv}>")  # valid
        # a numeric range moves both ways; a choice (the weapon policy) may have the base as a level
        choice = all(isinstance(c.low, str) for c in f.changes)
        assert any(changed) if choice else all(changed), f.id
    speed = next(f for f in factors if f.id == "drone-speed")
    low = make_variant(data, tree, speed, "low", origin)
    assert dict((p, n) for _, p, _, n in low.values)["catalog.threats.shahed-136.speed_kmh"] == (
        pytest.approx(175 * 0.85)
    )


def test_weapon_policy_factor_is_a_choice_of_named_policies(reference: LoadedScenario) -> None:
    factors, origin = load_factors(None)
    policy = next(f for f in factors if f.id == "weapon-policy")
    data, tree = scenario_data(reference), parameter_tree(reference)
    assert tree["engine"]["weapon_policy"] == "guns-first"  # the reference uses the default
    low = make_variant(data, tree, policy, "low", origin)
    high = make_variant(data, tree, policy, "high", origin)
    assert (base_text(low), level_text(low), level_text(high)) == (
        "guns-first",
        "guns-first",
        "missiles-only",
    )
    params = build_world(scenario_from_data(high.data, "<high>"), "reference").params
    assert all(kinds == ["missile"] for kinds in params.weapon_policy.values())
    assert params.sources["weapon_policy"].endswith("named policy missiles-only")


def test_paired_differences_by_hand() -> None:
    reps, seeds = list(range(10)), [7 + k for k in range(10)]
    base = pd.DataFrame({"rep": reps, "seed": seeds, "m": [1.0, 2.0, 3.0] * 3 + [2.0]})
    var = pd.DataFrame(
        {"rep": reps[::-1], "seed": seeds[::-1], "m": ([2.0, 4.0, 3.0] * 3 + [3.0])[::-1]}
    )
    at, delta = paired(base, var, "m")
    assert at.mean == pytest.approx(3.0)
    # differences 1, 2, 0 (three times) and 1: mean 1, s = sqrt(6 / 9); t(0.975, 9) = 2.262157
    assert delta.mean == pytest.approx(1.0)
    half = 2.262157 * math.sqrt(6 / 9) / math.sqrt(10)
    assert delta.high - delta.mean == pytest.approx(half, rel=1e-5)
    with pytest.raises(ValueError, match="seeds"):
        paired(base, var.assign(seed=range(10)), "m")
    # an asset never hit in any replication has no column: 0 hits, not missing
    assert metric_values(base, "shield.hits.kyiv").tolist() == [0.0] * 10


@pytest.mark.parametrize(
    ("text", "fragment", "line"),
    [
        (FACTORS.replace('"assumption: a test range"', "a guess"), "must begin 'source:", 6),
        (
            FACTORS.replace('"assumption: a test range"', '"source: my-notes; a range"'),
            "'my-notes', not a key of the package bibliography",
            6,
        ),
        (FACTORS.replace("how: scale", "how: times"), "'set' or 'scale'", 5),
        (FACTORS.replace("id: same", "id: pk-drones"), "given before", 7),
    ],
)
def test_bad_factor_files_name_the_line(
    tmp_path: Path, text: str, fragment: str, line: int
) -> None:
    p = tmp_path / "f.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_factors(p)
    [problem] = exc.value.problems
    assert problem.file == str(p) and problem.line == line and fragment in problem.message


def test_a_path_that_names_nothing_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "f.yaml"
    p.write_text(FACTORS.replace("engine.c2_cycle_s", "engine.c2_cycle"), encoding="utf-8")
    code = main(
        ["sensitivity", "small", "--runs", "1", "--factors", str(p), "--out", str(tmp_path / "o")]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert (
        f"{p}: factors[same].changes[0].path: the scenario has no value at 'engine.c2_cycle'" in err
    )
    assert not (tmp_path / "o").exists()  # nothing ran


@pytest.mark.slow
def test_tornado_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    factors = tmp_path / "f.yaml"
    factors.write_text(FACTORS, encoding="utf-8")
    store = tmp_path / "s.duckdb"
    chart = tmp_path / "charts" / "t.png"
    args = [
        "sensitivity",
        "small",
        "--raid",
        "2025-06-08",
        "--runs",
        "2",
        "--factors",
        str(factors),
        "--out",
        str(tmp_path / "out"),
        "--chart",
        str(chart),
        "--store",
        str(store),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "pk-drones" in out and "Δ low" in out
    table = pd.read_csv(tmp_path / "out" / "sensitivity.csv")
    assert table["factor"].tolist() == ["pk-drones", "same"]  # by swing
    same = table.set_index("factor").loc["same"]
    # common random numbers: a variant equal to the base case gives exactly the base's numbers
    for col in ("delta_low", "delta_high", "swing"):
        assert same[col] == 0.0
    assert pd.isna(same["delta_low.low"])  # two replications: no interval
    assert same["low"] == same["base"] == same["high"]
    pk = table.set_index("factor").loc["pk-drones"]
    assert pk["delta_low"] > 0 and pk["delta_high"] == 0.0  # weaker Pk: more hits; x1: the base
    assert pk["low_value"] == f"{TIMES}0.3" and same["base_value"] == "20"
    assert chart.read_bytes()[:4] == b"\x89PNG"
    # one stored run per variant and one for the base, all on the same seeds
    with duckdb.connect(str(store)) as con:
        runs = con.execute("SELECT run_id, kind FROM runs.runs").df()
        seeds = con.execute(
            "SELECT run_id, list(DISTINCT seed ORDER BY seed) AS s FROM runs.metrics"
            " GROUP BY run_id"
        ).df()
    assert len(runs) == 5 and set(runs["kind"]) == {"sensitivity"}
    assert seeds["s"].map(tuple).nunique() == 1
    assert {table.loc[0, "base_run"], *table["low_run"], *table["high_run"]} == set(runs["run_id"])
