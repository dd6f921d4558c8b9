"""Resolve a raid reference: a built-in name, a night of the record (``YYYY-MM-DD``) or a file."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from skyshield.catalog.overrides import describe_error
from skyshield.errors import InputError, Problem
from skyshield.files import write_atomic
from skyshield.raids.fly import RaidContext
from skyshield.raids.replay import night_from_record
from skyshield.raids.spec import Night, RaidFile
from skyshield.record.gazetteer import load_launch_areas, load_regions
from skyshield.scenario import LoadedScenario
from skyshield.scenario.limits import NIGHT_HOURS, RAID_WEAPONS
from skyshield.scenario.yamlio import Path_, dotted, line_of, load_yaml, read_text_file

#: Raids shipped in the package, by name.
BUILTIN_RAIDS = ("reference",)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def raid_context(ls: LoadedScenario) -> RaidContext:
    """The context for flying raids against a scenario: its assets and theatre, the gazetteers."""
    return RaidContext(
        catalog=ls.catalog,
        theatre=ls.theatre,
        assets=ls.assets,
        launch_areas=dict(load_launch_areas().areas),
        regions=dict(load_regions().regions),
        asset_share=ls.scenario.targets.asset_share,
        by_value=ls.scenario.targets.weighting == "value",
    )


def night_problems(
    night: Night, origin: str, at: Path_, lines: dict[Path_, int] | None = None
) -> list[Problem]:
    """Problems of a night beyond the limits in force (weapons in the night, hours to its last
    launch); ``at`` is the night's path in its file, ``lines`` the file's lines if known."""

    def problem(path: Path_, message: str) -> Problem:
        line, _ = line_of(lines or {}, path)
        return Problem(origin, dotted(path), message, line)

    out = []
    if night.total > RAID_WEAPONS.value():
        out.append(
            problem(at, RAID_WEAPONS.message(f"night {night.name} has {night.total:,} weapons"))
        )
    for i, g in enumerate(night.groups):
        if g.launch_end_h > NIGHT_HOURS.value():
            out.append(
                problem(
                    (*at, "groups", i, "launch_end_h"),
                    NIGHT_HOURS.message(f"night {night.name} launches until {g.launch_end_h:g} h"),
                )
            )
    return out


def parse_raid_text(text: str, origin: str) -> list[Night]:
    """Nights of a raid file's text; errors name the file, line and field.  Nights beyond the
    limits in force (:func:`night_problems`) are errors too."""
    data, lines = load_yaml(text, origin)
    if not isinstance(data, dict):  # not a raid file: say so without echoing what it holds
        raise InputError(
            [
                Problem(
                    origin,
                    "",
                    "not a raid file: expected a mapping with `nights:` (a list of"
                    " nights) at the top",
                    lines.get((), 1),
                )
            ]
        )
    try:
        nights = RaidFile.model_validate(data).nights
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = tuple(err["loc"])
            line, _ = line_of(lines, path)
            msg = "required field is missing" if err["type"] == "missing" else describe_error(err)
            problems.append(Problem(origin, dotted(path), msg, line))
        raise InputError(problems) from None
    problems = [
        p for k, n in enumerate(nights) for p in night_problems(n, origin, ("nights", k), lines)
    ]
    if problems:
        raise InputError(problems)
    return nights


def load_raid(
    ref: str, ctx: RaidContext, record_rows: Callable[[], pd.DataFrame]
) -> tuple[list[Night], str]:
    """Nights of ``ref`` and where they came from.

    ``ref`` is a built-in raid name, a date (a night of the record: ``record_rows()`` is called
    for the record's rows) or a path to a raid file (YAML, as written by ``raid generate``).
    """
    if ref in BUILTIN_RAIDS:
        text = resources.files("skyshield.data.raids").joinpath(f"{ref}.yaml").read_text("utf-8")
        origin = f"<builtin raid {ref}>"
        nights = parse_raid_text(text, origin)
    elif _DATE.match(ref):
        try:
            night = date.fromisoformat(ref)
        except ValueError:
            raise InputError([Problem("raid", "", f"not a date: {ref!r}")]) from None
        origin = f"<record night {ref}>"
        nights = [night_from_record(record_rows(), night, ctx)]
        problems = night_problems(nights[0], origin, ())
        if problems:
            raise InputError(problems)
    else:
        path = Path(ref)
        if not path.is_file():
            raise InputError(
                [
                    Problem(
                        ref,
                        "",
                        "no such raid: expected a built-in name (reference), a date YYYY-MM-DD or a raid file",
                    )
                ]
            )
        text = read_text_file(path, ref, "a YAML raid file")
        origin = ref
        nights = parse_raid_text(text, origin)
    for n in nights:
        ctx.check(n, origin)
    return nights, origin


def pick_night(nights: list[Night], night: int, origin: str) -> Night:
    """Night ``night`` (1-based, as ``--night`` counts) of a raid's ``nights``; InputError naming
    ``--night`` if there is no such night."""
    if not 1 <= night <= len(nights):
        raise InputError(
            [
                Problem(
                    "--night", "", f"expected 1..{len(nights)} ({origin} has {len(nights)} nights)"
                )
            ]
        )
    chosen = nights[night - 1]
    if chosen.total == 0:
        raise InputError(
            [
                Problem(
                    origin,
                    f"nights[{night - 1}]",
                    f"night {chosen.name} has no weapons (no groups, or every count is 0):"
                    " nothing to fly; expected a night with at least one weapon (--night picks"
                    " another)",
                )
            ]
        )
    return chosen


def write_raid_file(nights: list[Night], path: Path) -> None:
    """Write nights as a raid file (YAML) atomically."""
    import yaml

    doc = RaidFile(nights=nights).model_dump(mode="json", exclude_defaults=False)
    write_atomic(
        path,
        "# Sky Shield raid file (skyshield raid generate); see docs/raids.md\n"
        + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True),
    )
