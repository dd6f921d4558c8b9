"""The fighter layer against public cases (docs/validity.md): the drones over Poland on 9-10
September 2025 and Iran's raid on Israel of 13-14 April 2024, flown as analogues
(``scenarios/cases/``).

Each test asserts a fact of the reported engagement that the model must reproduce, with the
source that states it; the model's own figures are not copied.  Misfits (the model downs far
more of the Poland drones than the 3-8 reported) are written in docs/validity.md, not asserted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from skyshield.catalog import Catalog
from skyshield.catalog.policies import policy_name
from skyshield.engine.api import build_world
from skyshield.engine.sim import Outcome, run_replication
from skyshield.engine.world import World
from skyshield.scenario import load_scenario

CASES = Path(__file__).resolve().parents[1] / "scenarios" / "cases"

#: Price of one missile fired over Poland, "around EUR 400,000" (rbc-2025-dutch-f35-kill), in USD
#: at about 1.1-1.2 USD a euro: the order of magnitude 10^5.5..10^6.5 USD a kill allows for one or
#: a few missiles a kill and for the price's uncertainty.
MISSILE_PER_KILL_USD = (10**5.5, 10**6.5)

#: Israel's reported cost of the whole defence of 13-14 April 2024, lower end, USD
#: (4-5 bn shekels, 1.08-1.35 bn USD: ynet-2024-04-cost-leconomiste).
ISRAEL_DEFENCE_COST_USD = 1.08e9


def _runs(world: World, seeds: range) -> list[Outcome]:
    return [run_replication(world, s, ("shield",))["shield"] for s in seeds]


def _shots(runs: list[Outcome], catalog: Catalog) -> pd.DataFrame:
    shots = pd.concat([o.engagements for o in runs], ignore_index=True)
    kinds = {w: catalog.weapons[w].kind for w in shots["weapon"].unique()}
    return shots.assign(kind=shots["weapon"].map(kinds))


def _weapon_cost_per_kill(runs: list[Outcome], catalog: Catalog) -> float:
    summaries = [o.summary(catalog) for o in runs]
    return sum(s["weapon_cost_usd"] for s in summaries) / sum(
        s["killed_fighter"] for s in summaries
    )


@pytest.fixture(scope="module")
def poland() -> tuple[World, list[Outcome]]:
    world = build_world(CASES / "poland-2025-09.yaml")
    return world, _runs(world, range(1, 6))


@pytest.fixture(scope="module")
def poland_guns() -> tuple[World, list[Outcome]]:
    world = build_world(CASES / "poland-2025-09-guns.yaml")
    return world, _runs(world, range(1, 6))


@pytest.fixture(scope="module")
def israel() -> tuple[World, list[Outcome]]:
    world = build_world(CASES / "israel-2024-04.yaml")
    return world, _runs(world, range(1, 3))


@pytest.mark.parametrize(
    "path",
    sorted(p for p in CASES.glob("*.yaml") if not p.stem.endswith("-raid")),
    ids=lambda p: p.name,
)
def test_every_case_loads_with_its_raid_and_a_named_policy(path: Path) -> None:
    ls = load_scenario(path)
    assert ls.raid_ref is not None and Path(ls.raid_ref).is_file()
    policy = ls.scenario.model_dump(mode="json")["engine"]["weapon_policy"]
    assert policy == ("guns-first" if path.stem.endswith("-guns") else "missiles-only")


def test_the_cases_choose_their_weapon_policy(
    poland: tuple[World, list[Outcome]], poland_guns: tuple[World, list[Outcome]]
) -> None:
    assert policy_name(poland[0].params.weapon_policy) == "missiles-only"
    assert policy_name(poland_guns[0].params.weapon_policy) == "guns-first"
    # the raid of the case: 21 decoys, the middle of the 19-23 drones reported
    assert poland[0].night.total == 21
    assert {g.threat for g in poland[0].night.groups} == {"gerbera"}


def test_poland_the_fighters_fire_missiles_and_amraam_among_them(
    poland: tuple[World, list[Outcome]],
) -> None:
    """Reported: the drones shot down were engaged with AMRAAMs (meduza-2025-poland-yam,
    onet-2025-amraam-wyryki), missiles of about EUR 400,000 each (rbc-2025-dutch-f35-kill)."""
    world, runs = poland
    shots = _shots(runs, world.catalog)
    assert len(shots) > 0 and set(shots["kind"]) == {"missile"}
    assert "AIM-120" in set(shots["weapon"])


def test_poland_the_fighters_down_at_least_the_reported_three(
    poland: tuple[World, list[Outcome]],
) -> None:
    """Reported: at least 3 (vedomosti-2025-09-poland), 4 (rbc-2025-dutch-f35-kill) shot down."""
    world, runs = poland
    kills = [o.summary(world.catalog)["killed_fighter"] for o in runs]
    assert min(kills) >= 3


def test_poland_weapon_cost_per_kill_is_of_the_reported_order(
    poland: tuple[World, list[Outcome]],
) -> None:
    """At about EUR 400,000 a missile and at least one missile a kill, a kill cost the fighters
    of the order of 10^6 USD in weapons; the model's missiles-only night must too."""
    world, runs = poland
    low, high = MISSILE_PER_KILL_USD
    assert low <= _weapon_cost_per_kill(runs, world.catalog) <= high


def test_poland_with_guns_first_the_cost_falls_far_below_the_public_case(
    poland: tuple[World, list[Outcome]], poland_guns: tuple[World, list[Outcome]]
) -> None:
    """The default policy cannot reproduce the cost of the public case: with guns the same night
    costs two orders of magnitude less in weapons per kill, and no missile is fired."""
    (world, runs), (gworld, gruns) = poland, poland_guns
    guns = _weapon_cost_per_kill(gruns, gworld.catalog)
    assert set(_shots(gruns, gworld.catalog)["kind"]) == {"gun"}
    assert guns < MISSILE_PER_KILL_USD[0] / 10
    assert guns < _weapon_cost_per_kill(runs, world.catalog) / 20


def test_israel_fighters_engage_drones_and_cruise_missiles_only_with_missiles(
    israel: tuple[World, list[Outcome]],
) -> None:
    """Reported: fighters downed drones (US forces more than 70: upi-2024-04-us-share) and cruise
    missiles were intercepted (ynet-2024-04-cost-leconomiste); the ballistic missiles were left to
    missile defences such as Arrow (ynet-2024-04-cost-leconomiste)."""
    world, runs = israel
    shots = _shots(runs, world.catalog)
    assert set(shots["kind"]) == {"missile"}
    shot_at = {world.catalog.threats[c].category for c in shots["class_id"].unique()}
    assert shot_at == {"drone", "cruise"}
    for o in runs:
        th = o.threats
        assert not ((th["category"] == "ballistic") & (th["fate"] == "killed_fighter")).any()


def test_israel_the_fighters_down_more_drones_than_us_forces_alone_did(
    israel: tuple[World, list[Outcome]],
) -> None:
    """Reported: US forces alone shot down more than 70 of the 170 drones (upi-2024-04-us-share);
    the whole fighter layer of the analogue must down at least as many."""
    _, runs = israel
    for o in runs:
        th = o.threats
        assert ((th["category"] == "drone") & (th["fate"] == "killed_fighter")).sum() >= 70


def test_israel_most_cruise_missiles_are_intercepted(
    israel: tuple[World, list[Outcome]],
) -> None:
    """Reported: 25 of the 30 cruise missiles intercepted (ynet-2024-04-cost-leconomiste)."""
    _, runs = israel
    for o in runs:
        cruise = o.threats[o.threats["category"] == "cruise"]
        assert len(cruise) == 30
        stopped = cruise["fate"].isin(["killed_fighter", "killed_ground"]).sum()
        assert stopped >= 20  # two thirds or more, as 25 of 30


def test_israel_fighter_weapons_cost_less_than_the_whole_defence(
    israel: tuple[World, list[Outcome]],
) -> None:
    """Reported: the whole defence cost 1.08-1.35 bn USD, most of it in interceptors such as Arrow
    (3.5M USD each), fighter sorties extra (ynet-2024-04-cost-leconomiste): the fighters' weapons
    are a part of it, at the order of magnitude of a missile a kill."""
    world, runs = israel
    for o in runs:
        assert o.summary(world.catalog)["weapon_cost_usd"] < ISRAEL_DEFENCE_COST_USD
    low, high = MISSILE_PER_KILL_USD
    assert low <= _weapon_cost_per_kill(runs, world.catalog) <= high
