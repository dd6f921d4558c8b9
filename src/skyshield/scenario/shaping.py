"""Reshaping a coalition: pledges moved off unavailable bases, pledges scaled to a total.

Both work on a scenario's plain data (as :meth:`Scenario.to_data` gives it), so that the loader
(``bases.unavailable``, ``coalition.total_aircraft`` in a file), sweeps (``--set
coalition.total_aircraft=N``) and the sensitivity analysis share one implementation.
"""

from __future__ import annotations

import math
from typing import Any

from skyshield.errors import InputError, Problem
from skyshield.scenario.yamlio import Path_

#: The field path that scales the coalition (in files and in ``--set``).
TOTAL_AIRCRAFT = "coalition.total_aircraft"


def scale_pledges(data: dict[str, Any], total: Any) -> dict[str, Any]:
    """Scale every pledge of ``data`` (in place, and returned) so that the coalition has
    ``total`` aircraft: each pledge gets its share of ``total`` rounded by largest remainder
    (ties to the earlier pledge), pledges that round to 0 are dropped, and members left without
    pledges too.  The mix of types, bases and nations stays as close as whole aircraft allow.

    Raises :class:`InputError` (naming ``sets``, the sweep parameter) if ``total`` is not a whole number of at least
    1 or the scenario pledges no aircraft.
    """
    if not isinstance(total, int) or isinstance(total, bool) or total < 1:
        raise InputError(
            [
                Problem(
                    "sets", TOTAL_AIRCRAFT, f"expected a whole number of at least 1, got {total!r}"
                )
            ]
        )
    coalition = data.setdefault("coalition", {})
    coalition.pop("total_aircraft", None)  # the pledges say it once scaled
    pledges = [p for m in coalition.get("members", []) for p in m["pledges"]]
    now = sum(p["count"] for p in pledges)
    if now == 0:
        raise InputError(
            [Problem("sets", TOTAL_AIRCRAFT, "the scenario pledges no aircraft to scale")]
        )
    share = [p["count"] * total / now for p in pledges]
    counts = [math.floor(x) for x in share]
    order = sorted(range(len(pledges)), key=lambda k: (-(share[k] - counts[k]), k))
    for k in order[: total - sum(counts)]:
        counts[k] += 1
    for p, c in zip(pledges, counts, strict=True):
        p["count"] = c
    for m in coalition["members"]:
        m["pledges"] = [p for p in m["pledges"] if p["count"] > 0]
    coalition["members"] = [m for m in coalition["members"] if m["pledges"]]
    return data


def close_bases(data: dict[str, Any]) -> list[tuple[Path_, str]]:
    """Move every pledge at a base of ``bases.unavailable`` to its ``alternate`` base, or drop it
    if it names none (in place); members left without pledges are dropped.

    Returns what happened, one note per pledge, at the pledge's path in ``data`` as given
    (before anything was dropped).
    """
    closed = set(data.get("bases", {}).get("unavailable", []))
    notes: list[tuple[Path_, str]] = []
    if not closed:
        return notes
    members = data.get("coalition", {}).get("members", [])
    left = []
    for i, m in enumerate(members):
        kept = []
        for j, p in enumerate(m["pledges"]):
            if p["base"] not in closed:
                kept.append(p)
                continue
            what = (
                f"base {p['base']} is unavailable (bases.unavailable):"
                f" {m['nation']}'s {p['count']} {p['type']}"
            )
            alternate = p.get("alternate")
            if alternate:
                notes.append(((*_AT, i, "pledges", j, "base"), f"{what} move to {alternate}"))
                kept.append({**p, "base": alternate})
            else:
                notes.append(
                    (
                        (*_AT, i, "pledges", j, "base"),
                        f"{what} are dropped (give the pledge an `alternate:` base to move them)",
                    )
                )
        if kept or not m["pledges"]:
            left.append({**m, "pledges": kept})
        else:
            notes.append(
                ((*_AT, i), f"{m['nation']} has no aircraft left and leaves the coalition")
            )
    data["coalition"]["members"] = left
    return notes


_AT: Path_ = ("coalition", "members")
