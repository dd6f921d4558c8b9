"""The assumptions of an assessment as tables, each figure with its source note.

Scenario and raid rows come from the scenario file and the raid; catalog, engine and
ground-defence rows come from the entries the scenario uses, with the ``sources`` note each
number carries (``source: ...`` or ``assumption: ...``).  Rows marked ``key`` are the ones the
report shows in its body; every row goes to its appendix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from skyshield.catalog.models import Sourced
from skyshield.engine.world import World

#: Fields shown in the report's body, by kind of entry (the rest go to the appendix).
KEY_FIELDS: dict[str, frozenset[str]] = {
    "fighter": frozenset({"endurance_h", "cost_per_flight_hour_usd"}),
    "weapon": frozenset({"pk", "cost_usd"}),
    "threat": frozenset({"speed_kmh", "rcs_m2", "cost_usd"}),
    "aew": frozenset({"ref_range_km"}),
    "tanker": frozenset(),
    "refuelling": frozenset(),
    "engine": frozenset({"c2_cycle_s", "track_delay_s", "max_dash_km", "min_pk"}),
    "ground": frozenset({"ew_loss", "area_max"}),
    "terminal": frozenset(),
}


@dataclass(frozen=True)
class Assumption:
    """One figure: what it is about, its name and value (as text), its source note."""

    item: str
    parameter: str
    value: str
    source: str
    key: bool


@dataclass(frozen=True)
class AssumptionGroup:
    """A titled table of assumptions."""

    title: str
    rows: tuple[Assumption, ...]


def format_value(v: Any) -> str:
    """A catalog or parameter value as short text (maps as ``key value, ...``)."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float | int):
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,g}"
    if isinstance(v, dict):
        return ", ".join(f"{k} {format_value(x)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        return ", ".join(format_value(x) for x in v)
    return str(v)


def _sourced(item: str, entry: Sourced, kind: str) -> list[Assumption]:
    return [
        Assumption(
            item, f, format_value(getattr(entry, f)), entry.sources[f], f in KEY_FIELDS[kind]
        )
        for f in entry.noted_fields
    ]


def _group(title: str, rows: Iterable[Assumption]) -> AssumptionGroup | None:
    rows = tuple(rows)
    return AssumptionGroup(title, rows) if rows else None


def assumption_groups(world: World) -> list[AssumptionGroup]:
    """The assumptions of ``world``: scenario, raid, fighters, weapons, threats, AEW, tankers,
    air refuelling, engine parameters and ground defences (only what the scenario uses)."""
    ls, cat, night = world.ls, world.catalog, world.night
    s = ls.scenario
    where = f"the scenario ({ls.origin})"
    pledged: dict[str, int] = {}
    for m in s.coalition.members:
        for p in m.pledges:
            pledged[p.type] = pledged.get(p.type, 0) + p.count
    t = s.theatre
    scenario_rows = [
        (
            "coalition",
            "jets pledged",
            f"{s.coalition.total_aircraft} from {len(s.coalition.members)} states: "
            + ", ".join(f"{n} {k}" for k, n in sorted(pledged.items())),
        ),
        ("coalition", "states", ", ".join(m.nation for m in s.coalition.members)),
        (
            "CAP",
            "stations (aircraft on station 24/7)",
            ", ".join(f"{c.id} x{c.aircraft}" for c in s.cap.stations) or "none",
        ),
        ("CAP", "air refuelling", "on" if s.cap.use_tankers else "off"),
        ("support", "AEW orbits", ", ".join(f"{o.id} ({o.type})" for o in s.aew_orbits) or "none"),
        (
            "support",
            "tanker tracks",
            ", ".join(f"{x.id} ({x.type})" for x in s.tanker_tracks) or "none",
        ),
        ("theatre", "hostile", ", ".join(t.hostile)),
        ("theatre", "patrol standoff from hostile areas", f"{t.patrol_standoff_km:g} km"),
        ("theatre", "engagement standoff from hostile areas", f"{t.engage_standoff_km:g} km"),
        (
            "assets",
            "protected assets",
            f"{len(ls.assets)}: " + ", ".join(a.name for a in ls.assets),
        ),
    ]
    by_class: dict[str, int] = {}
    for g in night.groups:
        by_class[g.threat] = by_class.get(g.threat, 0) + g.count
    raid_rows = [
        Assumption(night.name, "weapons", f"{night.total:,}", night.source or "the raid", True),
        Assumption(
            night.name, "by class", format_value(by_class), night.source or "the raid", True
        ),
        Assumption(night.name, "start", night.start.isoformat(), night.source or "the raid", True),
    ]
    weapons = sorted({w for ft in pledged for w in cat.fighters[ft].loadout})
    classes = sorted({c for g in night.groups for c in g.threat.split("+") if c in cat.threats})
    tanker_types = sorted({x.type for x in s.tanker_tracks})
    ground = world.ground
    terminal = [
        *((f"terminal defence, every {k}", d) for k, d in ground.terminal_kinds.items()),
        *((f"terminal defence, {k}", d) for k, d in ground.terminal_sites.items()),
    ]
    engine_fields = [f for f in type(world.params).model_fields if f != "sources"]
    groups = [
        _group("Scenario", (Assumption(i, p, v, where, True) for i, p, v in scenario_rows)),
        _group("Raid", raid_rows),
        _group(
            "Fighter types",
            (r for ft in sorted(pledged) for r in _sourced(ft, cat.fighters[ft], "fighter")),
        ),
        _group("Weapons", (r for w in weapons for r in _sourced(w, cat.weapons[w], "weapon"))),
        _group("Threats", (r for c in classes for r in _sourced(c, cat.threats[c], "threat"))),
        _group(
            "AEW",
            (
                r
                for a in sorted({o.type for o in s.aew_orbits})
                for r in _sourced(a, cat.aew[a], "aew")
            ),
        ),
        _group("Tankers", (r for x in tanker_types for r in _sourced(x, cat.tankers[x], "tanker"))),
        _group(
            "Air refuelling",
            _sourced("one refuelling", cat.refuelling, "refuelling") if s.cap.use_tankers else (),
        ),
        _group(
            "Engine (C2, sensors, engagements)",
            (
                Assumption(
                    "engine",
                    f,
                    format_value(getattr(world.params, f)),
                    world.params.sources[f],
                    f in KEY_FIELDS["engine"],
                )
                for f in engine_fields
            ),
        ),
        _group(
            "Ukraine's ground defences (baseline)",
            [
                *_sourced("electronic warfare and area defences", ground, "ground"),
                *(r for name, d in terminal for r in _sourced(name, d, "terminal")),
            ],
        ),
    ]
    return [g for g in groups if g is not None]
