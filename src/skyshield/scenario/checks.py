"""Cross-checks of a scenario against the catalog, the gazetteer and the theatre's zones."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from skyshield.errors import InputError, Problem

if TYPE_CHECKING:
    from skyshield.scenario.loader import LoadedScenario


def _dupes(ids: list[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


def cross_check(ls: LoadedScenario) -> tuple[list[Problem], list[Problem]]:
    """Errors and warnings of a scenario that parsed; errors make it unusable."""
    s, cat = ls.scenario, ls.catalog
    errors: list[Problem] = []
    warnings: list[Problem] = []

    def one_of(what: str, known: object) -> str:
        names = ", ".join(sorted(known))  # type: ignore[call-overload]
        return f"unknown {what}; expected one of: {names}"

    # theatre
    for i, name in enumerate(s.theatre.hostile):
        if name != "occupied" and name not in ls.theatre.countries:
            errors.append(
                ls.problem(
                    ("theatre", "hostile", i),
                    one_of(f"hostile area {name!r}", [*ls.theatre.countries, "occupied"]),
                )
            )
    if s.theatre.occupied_file is not None:
        try:
            _ = ls.theatre.occupied
        except InputError as exc:
            errors += [ls.problem(("theatre", "occupied_file"), str(p)) for p in exc.problems]

    # assets
    if isinstance(s.assets.builtin, list):
        for i, aid in enumerate(s.assets.builtin):
            if aid not in ls.builtin_assets:
                errors.append(
                    ls.problem(
                        ("assets", "builtin", i),
                        one_of(f"built-in asset {aid!r}", ls.builtin_assets),
                    )
                )
    for dup in _dupes([a.id for a in ls.assets]):
        idx = next(i for i, a in enumerate(s.assets.extra) if a.id == dup)
        errors.append(ls.problem(("assets", "extra", idx, "id"), f"asset id {dup!r} is used twice"))

    # coalition
    for dup in _dupes([m.iso_a3 for m in s.coalition.members]):
        idx = [i for i, m in enumerate(s.coalition.members) if m.iso_a3 == dup][1]
        errors.append(
            ls.problem(("coalition", "members", idx, "iso_a3"), f"member {dup} is listed twice")
        )
    for i, m in enumerate(s.coalition.members):
        per_type: Counter[str] = Counter()
        for j, p in enumerate(m.pledges):
            at = ("coalition", "members", i, "pledges", j)
            if p.type not in cat.fighters:
                errors.append(
                    ls.problem((*at, "type"), one_of(f"aircraft type {p.type!r}", cat.fighters))
                )
            if p.base not in ls.bases:
                errors.append(ls.problem((*at, "base"), one_of(f"base {p.base!r}", ls.bases)))
            elif ls.bases[p.base].role != "host":
                warnings.append(
                    ls.problem((*at, "base"), f"{p.base} is a diversion airfield, not a host base")
                )
            per_type[p.type] += p.count
        for ftype, count in per_type.items():
            fleet = cat.fleet_size(m.iso_a3, ftype)
            if ftype in cat.fighters and count > fleet:
                warnings.append(
                    ls.problem(
                        ("coalition", "members", i),
                        f"{m.nation} pledges {count} {ftype} but its real fleet is {fleet} (catalog fleets.yaml)",
                    )
                )

    # support
    for i, o in enumerate(s.aew_orbits):
        if o.type not in cat.aew:
            errors.append(
                ls.problem(("aew_orbits", i, "type"), one_of(f"AEW type {o.type!r}", cat.aew))
            )
        if ls.theatre.distance_to_hostile_km(o.position) <= 0:
            errors.append(
                ls.problem(("aew_orbits", i, "position"), "AEW orbit lies in hostile airspace")
            )
    for i, t in enumerate(s.tanker_tracks):
        if t.type not in cat.tankers:
            errors.append(
                ls.problem(
                    ("tanker_tracks", i, "type"), one_of(f"tanker type {t.type!r}", cat.tankers)
                )
            )
        for end in ("start", "end"):
            if ls.theatre.distance_to_hostile_km(getattr(t, end)) <= 0:
                errors.append(
                    ls.problem(
                        ("tanker_tracks", i, end), "tanker track point lies in hostile airspace"
                    )
                )

    # CAP stations
    for dup in _dupes([c.id for c in s.cap.stations]):
        idx = [i for i, c in enumerate(s.cap.stations) if c.id == dup][1]
        errors.append(
            ls.problem(("cap", "stations", idx, "id"), f"station id {dup!r} is used twice")
        )
    standoff = s.theatre.patrol_standoff_km
    for i, c in enumerate(s.cap.stations):
        if not ls.theatre.in_patrol_zone(c.position):
            d = ls.theatre.distance_to_hostile_km(c.position)
            errors.append(
                ls.problem(
                    ("cap", "stations", i, "position"),
                    f"CAP station {c.id!r} at {list(c.position)} is outside the patrol zone: expected"
                    f" a point in Ukraine at least {standoff:g} km from hostile areas"
                    f" ({', '.join(s.theatre.hostile)}); it is {d:.0f} km from them",
                )
            )
    if s.cap.stations and not s.coalition.members:
        warnings.append(ls.problem(("coalition",), "CAP stations but no coalition aircraft"))
    return errors, warnings
