"""Limits on what a user's input may ask for, each with its default and how to raise it.

A limit keeps a careless or hostile input (a 50 MB scenario, a YAML alias bomb, a raid of a
billion weapons, a night of 1e300 hours) from running for minutes and exhausting memory: such
an input is refused at once with an :class:`~skyshield.errors.InputError` that names the limit
and how to change it.  The limits a user could need to raise are read from environment
variables when they are checked (never cached), so a run can set them for itself.
``docs/limits.md`` lists them all.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from skyshield.errors import InputError, Problem


@dataclass(frozen=True)
class Limit:
    """A limit: its default, its unit and the environment variable that overrides it (if any).

    ``whole`` limits are counts: the override must be a whole number.
    """

    what: str
    default: float
    unit: str
    env: str | None = None
    whole: bool = False

    def value(self) -> float:
        """The limit in force: the environment's value if set, else the default.

        A value that is not a positive (whole, for counts) number is an :class:`InputError`
        naming the variable.
        """
        raw = os.environ.get(self.env, "").strip() if self.env else ""
        if not raw:
            return self.default
        try:
            v = float(raw)
        except ValueError:
            v = math.nan
        if not (math.isfinite(v) and v > 0 and (not self.whole or v == int(v))):
            kind = "a whole number" if self.whole else "a number"
            raise InputError(
                [Problem(self.env or "", "", f"expected {kind} above 0 ({self.what}), got {raw!r}")]
            )
        return v

    def count(self) -> int:
        """The limit in force as a whole number."""
        return int(self.value())

    def message(self, found: str) -> str:
        """``found`` (what the input has) and the limit, with how to raise it."""
        v = self.value()
        shown = f"{v:,.0f}" if v == int(v) else f"{v:g}"
        how = f" (set {self.env} to allow more)" if self.env else ""
        return f"{found}: at most {shown} {self.unit} {self.what}{how}"


#: Size of one YAML document a user gives (scenario, raid file, factor file).
YAML_MB = Limit("in one YAML file", 2, "MB", "SKYSHIELD_MAX_YAML_MB")

#: Values (scalars, lists and mappings) in one YAML document, counted with every alias
#: expanded: an alias bomb of a few hundred bytes stands for billions of values.
YAML_NODES = Limit(
    "in one YAML file, counting each alias (*name) as a copy of what it names",
    100_000,
    "values",
    "SKYSHIELD_MAX_YAML_NODES",
    whole=True,
)

#: Nesting of lists and mappings in one YAML document (scenarios need fewer than 10).
YAML_DEPTH = Limit("of nesting in one YAML file", 50, "levels", whole=True)

#: Files in a scenario's ``extends`` chain.
EXTENDS_FILES = Limit("in an extends chain", 8, "files", whole=True)

#: Weapons in one night of a raid (the largest night of the record had about 800).
RAID_WEAPONS = Limit("in one night", 20_000, "weapons", "SKYSHIELD_MAX_RAID_WEAPONS", whole=True)

#: Hours from a night's start to its last launch.
NIGHT_HOURS = Limit("from the night's start to its last launch", 36, "h", "SKYSHIELD_MAX_NIGHT_H")

#: Dates a scenario or raid may give (the simulation's clock and the record's tables use them).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def check_date(v: datetime) -> datetime:
    """``v`` if its date lies in :data:`EARLIEST` .. :data:`LATEST`; else ``ValueError``.

    The wall-clock time is compared (a zone's offset cannot move it out of range by more than
    a day, and converting a date near year 1 to UTC would overflow).
    """
    wall = v.replace(tzinfo=None)
    if not EARLIEST.replace(tzinfo=None) <= wall < LATEST.replace(tzinfo=None):
        raise ValueError(
            f"{v.isoformat()} is out of range: expected a date from {EARLIEST:%Y-%m-%d}"
            f" to before {LATEST:%Y-%m-%d}"
        )
    return v
