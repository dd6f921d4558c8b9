"""Resolve a raid reference: a built-in name, a night of the record (``YYYY-MM-DD``) or a file."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from skyshield.errors import InputError, Problem
from skyshield.files import write_atomic
from skyshield.raids.fly import RaidContext
from skyshield.raids.replay import night_from_record
from skyshield.raids.spec import Night, RaidFile
from skyshield.record.gazetteer import load_launch_areas, load_regions
from skyshield.scenario import LoadedScenario
from skyshield.scenario.yamlio import dotted, line_of, load_yaml

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
    )


def parse_raid_text(text: str, origin: str) -> list[Night]:
    """Nights of a raid file's text; errors name the file, line and field."""
    data, lines = load_yaml(text, origin)
    try:
        return RaidFile.model_validate(data).nights
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = tuple(err["loc"])
            line, _ = line_of(lines, path)
            msg = "required field is missing" if err["type"] == "missing" else str(err["msg"])
            problems.append(Problem(origin, dotted(path), msg, line))
        raise InputError(problems) from None


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
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError([Problem(ref, "", "not a UTF-8 text file")]) from None
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
    return nights[night - 1]


def write_raid_file(nights: list[Night], path: Path) -> None:
    """Write nights as a raid file (YAML) atomically."""
    import yaml

    doc = RaidFile(nights=nights).model_dump(mode="json", exclude_defaults=False)
    write_atomic(
        path,
        "# Sky Shield raid file (skyshield raid generate); see docs/raids.md\n"
        + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True),
    )
