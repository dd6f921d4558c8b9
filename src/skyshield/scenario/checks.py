"""Cross-checks of a scenario against the catalog, the gazetteer and the theatre's zones.

Every problem is collected.  Checks that need the hostile zones (bases, AEW orbits, tanker
tracks and CAP stations against hostile territory) are left out when the hostile areas
themselves are wrong (an unknown name, a bad ``occupied_file``): that problem is reported once,
and the others (types, bases, assets, duplicates) still are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from shapely.geometry import LineString

from skyshield.catalog import Catalog
from skyshield.errors import InputError, Problem
from skyshield.geo import Theatre, geodesic_km
from skyshield.geo.theatre import DEFENDED
from skyshield.scenario.models import Asset, Base, Scenario
from skyshield.scenario.yamlio import Path_


class CheckedScenario(Protocol):
    """What the checks need of a loaded scenario (the loader's ``LoadedScenario``)."""

    @property
    def scenario(self) -> Scenario:
        """The validated scenario."""
        ...

    @property
    def catalog(self) -> Catalog:
        """The catalog with the scenario's overrides."""
        ...

    @property
    def theatre(self) -> Theatre:
        """The scenario's theatre and zones."""
        ...

    @property
    def bases(self) -> dict[str, Base]:
        """Bases by ICAO code (the gazetteer's and the scenario's own)."""
        ...

    @property
    def builtin_bases(self) -> dict[str, Base]:
        """The gazetteer's bases by ICAO code."""
        ...

    @property
    def builtin_assets(self) -> dict[str, Asset]:
        """The shipped protected assets by id."""
        ...

    def problem(self, path: Path_, message: str) -> Problem:
        """A problem at ``path`` of the scenario, with its file and line."""
        ...


#: A user's base this far (km) from the gazetteer's base of the same ICAO code is a different place.
_SAME_PLACE_KM = 1.0


def _repeats(ids: Iterable[str]) -> list[tuple[int, str]]:
    """Index and id of every item whose id an earlier item already has."""
    seen: set[str] = set()
    out = []
    for i, x in enumerate(ids):
        if x in seen:
            out.append((i, x))
        seen.add(x)
    return out


def _one_of(what: str, known: Iterable[str]) -> str:
    return f"unknown {what}; expected one of: {', '.join(sorted(known))}"


def _fmt(lonlat: tuple[float, float]) -> str:
    return f"[{lonlat[0]:g}, {lonlat[1]:g}]"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems ordered by file, then line (problems without a line first)."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0))


class _Checks:
    """The checks of one scenario, collecting errors and warnings."""

    def __init__(self, ls: CheckedScenario) -> None:
        self.ls = ls
        self.s = ls.scenario
        self.cat = ls.catalog
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, path: Path_, message: str) -> None:
        self.errors.append(self.ls.problem(path, message))

    def warn(self, path: Path_, message: str) -> None:
        self.warnings.append(self.ls.problem(path, message))

    def ids_unique(self, section: Path_, what: str, ids: list[str]) -> None:
        for i, x in _repeats(ids):
            self.error((*section, i, "id"), f"{what} id {x!r} is used twice")

    # -- theatre ---------------------------------------------------------------------------

    def theatre(self) -> bool:
        """Check the hostile areas; True if the zones can be computed from them."""
        th, spec = self.ls.theatre, self.s.theatre
        ok = True
        for i, name in enumerate(spec.hostile):
            if name in th.hostile_names:
                continue
            ok = False
            msg = _one_of(f"hostile area {name!r}", th.hostile_names)
            if name == DEFENDED:
                msg = f"{name} is Ukraine, the defended country, not a hostile area"
            else:
                near = [h for h in th.hostile_names if h.lower() == name.lower()]
                if near:
                    msg += f" (names are case-sensitive: did you mean {near[0]!r}?)"
            self.error(("theatre", "hostile", i), msg)
        if spec.occupied_file is not None:
            try:
                _ = th.occupied
            except InputError as exc:
                ok = False
                for p in exc.problems:
                    self.error(("theatre", "occupied_file"), str(p))
        return ok

    def hostile_names(self) -> str:
        return ", ".join(self.s.theatre.hostile) or "none"

    # -- assets ----------------------------------------------------------------------------

    def assets(self) -> None:
        spec = self.s.assets
        kept: set[str] = set()
        if isinstance(spec.builtin, list):
            for i, aid in enumerate(spec.builtin):
                if aid not in self.ls.builtin_assets:
                    self.error(
                        ("assets", "builtin", i),
                        _one_of(f"built-in asset {aid!r}", self.ls.builtin_assets),
                    )
                elif aid in kept:
                    self.error(("assets", "builtin", i), f"built-in asset {aid!r} is listed twice")
                kept.add(aid)
        elif spec.builtin == "all":
            kept = set(self.ls.builtin_assets)
        for i, a in enumerate(spec.extra):
            if a.id in kept:
                self.error(("assets", "extra", i, "id"), f"asset id {a.id!r} is used twice")
            kept.add(a.id)

    # -- bases -----------------------------------------------------------------------------

    def bases(self, zones: bool) -> None:
        builtin = self.ls.builtin_bases
        extra = self.s.bases.extra
        for i, icao in _repeats(b.icao for b in extra):
            self.error(("bases", "extra", i, "icao"), f"base {icao} is listed twice")
        closed = self.s.bases.unavailable
        for i, icao in _repeats(closed):
            self.error(("bases", "unavailable", i), f"base {icao} is listed twice")
        for i, icao in enumerate(closed):
            if icao not in self.ls.bases:
                self.error(("bases", "unavailable", i), _one_of(f"base {icao!r}", self.ls.bases))
        for i, b in enumerate(extra):
            at = ("bases", "extra", i, "position")
            known = builtin.get(b.icao)
            if known is not None:
                d = float(geodesic_km(*known.position, *b.position))
                if d > _SAME_PLACE_KM:
                    self.warn(
                        at,
                        f"{b.icao} overrides the built-in base {known.name} at"
                        f" {_fmt(known.position)} with a position {d:.0f} km away",
                    )
            if zones and self.ls.theatre.distance_to_hostile_km(b.position) <= 0:
                self.error(
                    at,
                    f"base {b.icao} at {_fmt(b.position)} lies in hostile territory"
                    f" ({self.hostile_names()}): expected a base outside it",
                )

    # -- coalition -------------------------------------------------------------------------

    def coalition(self) -> None:
        s, cat, bases = self.s, self.cat, self.ls.bases
        closed = set(s.bases.unavailable)
        for i, iso in _repeats(m.iso_a3 for m in s.coalition.members):
            self.error(("coalition", "members", i, "iso_a3"), f"member {iso} is listed twice")
        left = 0
        for i, m in enumerate(s.coalition.members):
            for j, p in enumerate(m.pledges):
                at = ("coalition", "members", i, "pledges", j)
                if p.type not in cat.fighters:
                    self.error((*at, "type"), _one_of(f"aircraft type {p.type!r}", cat.fighters))
                for name, icao in (("base", p.base), ("alternate", p.alternate)):
                    if icao is None:
                        continue
                    if icao not in bases:
                        self.error((*at, name), _one_of(f"base {icao!r}", bases))
                    elif bases[icao].role != "host":
                        self.warn((*at, name), f"{icao} is a diversion airfield, not a host base")
                if p.alternate is not None and p.alternate in closed:
                    self.error(
                        (*at, "alternate"),
                        f"the alternate base {p.alternate} is unavailable too (bases.unavailable):"
                        " expected an available base",
                    )
                if p.base not in closed or p.alternate is not None:
                    left += p.count
        if s.coalition.scales and left == 0:
            self.error(
                ("coalition", "total_aircraft"),
                "there are no pledged aircraft (at available bases) to scale: expected pledges",
            )

    # -- support ---------------------------------------------------------------------------

    def aew(self, zones: bool) -> None:
        th, standoff = self.ls.theatre, self.s.theatre.patrol_standoff_km
        self.ids_unique(("aew_orbits",), "AEW orbit", [o.id for o in self.s.aew_orbits])
        for i, o in enumerate(self.s.aew_orbits):
            if o.type not in self.cat.aew:
                self.error(("aew_orbits", i, "type"), _one_of(f"AEW type {o.type!r}", self.cat.aew))
            if o.base is not None and o.base not in self.ls.bases:
                self.error(("aew_orbits", i, "base"), _one_of(f"base {o.base!r}", self.ls.bases))
            elif o.base is not None and o.base in self.s.bases.unavailable:
                self.error(
                    ("aew_orbits", i, "base"),
                    f"AEW orbit {o.id!r} flies from {o.base}, which is unavailable"
                    " (bases.unavailable): expected another base",
                )
            if not zones:
                continue
            circle = th.point_km(o.position).buffer(o.radius_km)
            d = th.distance_km(circle)
            what = f"AEW orbit {o.id!r} (radius {o.radius_km:g} km around {_fmt(o.position)})"
            if d <= 0:
                self.error(
                    ("aew_orbits", i, "position"),
                    f"{what} reaches into hostile territory ({self.hostile_names()})",
                )
            elif d < standoff:
                self.warn(
                    ("aew_orbits", i, "position"),
                    f"{what} comes within {d:.0f} km of hostile territory, inside the patrol"
                    f" standoff of {standoff:g} km",
                )

    def tankers(self, zones: bool) -> None:
        th, standoff = self.ls.theatre, self.s.theatre.patrol_standoff_km
        self.ids_unique(("tanker_tracks",), "tanker track", [t.id for t in self.s.tanker_tracks])
        for i, t in enumerate(self.s.tanker_tracks):
            at = ("tanker_tracks", i)
            ttype = self.cat.tankers.get(t.type)
            if ttype is None:
                self.error((*at, "type"), _one_of(f"tanker type {t.type!r}", self.cat.tankers))
            elif 2 * t.transit_h >= ttype.endurance_h:
                self.error(
                    (*at, "transit_h"),
                    f"transit there and back ({2 * t.transit_h:g} h) leaves no time on the track:"
                    f" expected 2 x transit_h below the {t.type} endurance of"
                    f" {ttype.endurance_h:g} h (catalog support.yaml)",
                )
            if not zones:
                continue
            track = LineString([th.projection.point_km(t.start), th.projection.point_km(t.end)])
            d = th.distance_km(track)
            where = f"tanker track {t.id!r} from {_fmt(t.start)} to {_fmt(t.end)}"
            if d <= 0:
                inside = [
                    e for e in ("start", "end") if th.distance_to_hostile_km(getattr(t, e)) <= 0
                ]
                self.error(
                    (*at, inside[0]) if inside else at,
                    f"{where} {'lies in' if inside else 'crosses'} hostile territory"
                    f" ({self.hostile_names()})",
                )
            elif d < standoff:
                self.warn(
                    at,
                    f"{where} comes within {d:.0f} km of hostile territory, inside the patrol"
                    f" standoff of {standoff:g} km",
                )

    def refuelling(self) -> None:
        if not self.s.cap.use_tankers:
            return
        cat = self.cat
        systems = {
            sys
            for t in self.s.tanker_tracks
            if t.type in cat.tankers
            for sys in cat.tankers[t.type].refuel_systems
        }
        pledged = sorted(
            {p.type for m in self.s.coalition.members for p in m.pledges if p.type in cat.fighters}
        )
        dry = [f for f in pledged if cat.fighters[f].refuel_system not in systems]
        if not dry:
            return
        names = ", ".join(f"{f} ({cat.fighters[f].refuel_system})" for f in dry)
        if systems:
            why = f"no tanker track serves {names} (the tracks serve {', '.join(sorted(systems))})"
        else:
            why = f"there is no tanker track for {names}"
        self.warn(
            ("cap", "use_tankers"),
            f"use_tankers is true but {why}: these types cannot refuel and fly without it",
        )

    # -- CAP stations ----------------------------------------------------------------------

    def stations(self, zones: bool) -> None:
        s, th = self.s, self.ls.theatre
        self.ids_unique(("cap", "stations"), "station", [c.id for c in s.cap.stations])
        standoff = s.theatre.patrol_standoff_km
        for i, c in enumerate(s.cap.stations if zones else []):
            if th.in_patrol_zone(c.position):
                continue
            expected = (
                f"expected a point in Ukraine at least {standoff:g} km from hostile areas"
                f" ({self.hostile_names()})"
            )
            what = f"CAP station {c.id!r} at {_fmt(c.position)}"
            if not th.in_ukraine(c.position):
                msg = f"{what} is not in Ukraine: {expected}"
            else:
                d = th.distance_to_hostile_km(c.position)
                where = "it lies in hostile territory" if d <= 0 else f"it is {d:.0f} km from them"
                msg = f"{what} is outside the patrol zone: {expected}; {where}"
            self.error(("cap", "stations", i, "position"), msg)
        if s.cap.stations and not s.coalition.members:
            self.warn(("coalition",), "CAP stations but no coalition aircraft")


def fleet_warnings(ls: CheckedScenario, members_at: dict[str, int]) -> list[Problem]:
    """A warning for each member that pledges more aircraft of a type than its real fleet has,
    located at the member's index in ``members_at`` (by ISO code; as the files wrote it)."""
    out = []
    cat = ls.catalog
    for m in ls.scenario.coalition.members:
        per_type: Counter[str] = Counter()
        for p in m.pledges:
            per_type[p.type] += p.count
        for ftype, count in per_type.items():
            fleet = cat.fleet_size(m.iso_a3, ftype)
            if ftype in cat.fighters and count > fleet:
                out.append(
                    ls.problem(
                        ("coalition", "members", members_at.get(m.iso_a3, 0)),
                        f"{m.nation} pledges {count} {ftype} but its real fleet is {fleet}"
                        " (catalog fleets.yaml)",
                    )
                )
    return out


def cross_check(ls: CheckedScenario) -> tuple[list[Problem], list[Problem]]:
    """Errors and warnings of a scenario that parsed, each sorted by file and line; errors make
    it unusable."""
    c = _Checks(ls)
    zones = c.theatre()
    c.assets()
    c.bases(zones)
    c.coalition()
    c.aew(zones)
    c.tankers(zones)
    c.refuelling()
    c.stations(zones)
    return sort_problems(c.errors), sort_problems(c.warnings)
