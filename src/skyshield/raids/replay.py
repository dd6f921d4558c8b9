"""A night of the Air Force record as a raid.

The night of date ``D`` holds the reports whose window starts between ``D`` 12:00 and ``D+1``
12:00, Kyiv time (the importer assigns ``night``).  Each report row with weapons launched
becomes one group per launch area it names ("X and Y and Z" names three); its count is split
evenly between them (the record does not say how many came from each).  The remainder of the
split (fewer weapons than areas) goes to consecutive areas starting at a different one for each
row of the night (the row's position in the night, modulo the number of areas), so that a
composite place does not send every odd weapon to the place named first.  A row that names no
launch place takes the direction area of its ``target`` field (``south``, ``east``, ``north``)
or, failing that, the east.  Rows whose model maps to no threat class are not flown; the
night's ``source`` says how many weapons that leaves out.

Launch times: the record gives only the window of the whole attack (first launch to last
report), so launches are spread uniformly over the first ``launch_fraction`` of each row's
window.  Aim points: the row's affected regions where it names them (else the regions its
``target`` names), the asset whose name is the row's ``target_main`` where there is one,
otherwise the default target model.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from skyshield.errors import InputError, Problem
from skyshield.raids.fly import RaidContext
from skyshield.raids.spec import Aim, Night, ThreatGroup

#: Fraction of a report's window over which its weapons are launched (assumption).
LAUNCH_FRACTION = 0.5

_DIRECTIONS = {"south": "direction-south", "east": "direction-east", "north": "direction-north"}


def split_count(n: int, k: int, first: int = 0) -> list[int]:
    """``n`` weapons over ``k`` areas: ``n // k`` each, and one more for ``n % k`` consecutive
    areas starting at area ``first % k`` (wrapping round)."""
    base, rest = divmod(n, k)
    return [base + (1 if (i - first) % k < rest else 0) for i in range(k)]


def _aim(row: Any, ctx: RaidContext) -> Aim:
    named = list(row.affected_regions or []) or list(getattr(row, "target_regions", None) or [])
    regions = [r for r in named if r in ctx.regions]
    by_name = {a.name.lower(): a.id for a in ctx.assets}
    main = str(row.target_main or "").strip().lower()
    assets = [by_name[main]] if main in by_name else []
    return Aim(assets=assets, regions=regions)


def night_from_record(rows: pd.DataFrame, night: date, ctx: RaidContext) -> Night:
    """The raid of one night of the record (``rows`` as made by the record importer)."""
    launched = rows[(rows["night"] == night) & (rows["launched"] > 0)]
    mine = launched[launched["class_key"] != ""]
    unknown = int(launched.loc[launched["class_key"] == "", "launched"].sum())
    if mine.empty:
        known = sorted(set(rows.loc[rows["launched"] > 0, "night"]))
        near = [d.isoformat() for d in known if abs((d - night).days) <= 3]
        hint = f"; nights with launches near it: {', '.join(near)}" if near else ""
        if known and not known[0] <= night <= known[-1]:
            hint += (
                f"; the record runs from {known[0]} to {known[-1]} (import a newer file with"
                " `skyshield record import`)"
            )
        raise InputError(
            [Problem("<record>", "night", f"no launches recorded on the night of {night}{hint}")]
        )
    start: datetime = mine["time_start"].min().to_pydatetime()
    groups: list[ThreatGroup] = []
    fallback = 0
    for position, row in enumerate(mine.itertuples(index=False)):
        areas = [a for a in row.launch_areas if a in ctx.launch_areas]
        if not areas:
            areas = [_DIRECTIONS.get(str(row.target).strip().lower(), "direction-east")]
            fallback += int(row.launched)
        t0 = (row.time_start.to_pydatetime() - start) / timedelta(hours=1)
        window = max((row.time_end - row.time_start) / timedelta(hours=1), 1.0)
        aim = _aim(row, ctx)
        counts = split_count(int(row.launched), len(areas), position)
        for area, n in zip(areas, counts, strict=True):
            if n:
                groups.append(
                    ThreatGroup(
                        threat=row.class_key,
                        count=n,
                        launch_area=area,
                        launch_start_h=t0,
                        launch_end_h=t0 + LAUNCH_FRACTION * window,
                        aim=aim,
                    )
                )
    note = f"; {fallback} weapons with no launch place took a direction area" if fallback else ""
    if unknown:
        note += f"; {unknown} weapons of models unknown to the tables not flown"
    return Night(
        name=night.isoformat(),
        start=start,
        source=f"Air Force record, night of {night.isoformat()} ({len(mine)} report rows){note}",
        groups=groups,
    )
