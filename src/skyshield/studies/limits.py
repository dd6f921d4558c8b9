"""Limits on the size of a study, each with a clear error when exceeded (docs/limits.md)."""

from __future__ import annotations

from skyshield.errors import InputError, Problem

#: Most replications of one run (Monte Carlo, a sweep point, a sensitivity variant) unless
#: forced: at 20 replications a second a core this is over an hour on 2 cores.
MAX_REPLICATIONS = 100_000

#: Most points of a sweep unless forced.
MAX_SWEEP_POINTS = 1_000


def check_count(name: str, value: int, most: int, *, force: bool = False) -> None:
    """InputError unless ``1 <= value`` and (unless ``force``) ``value <= most``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(
            [Problem(name, "", f"expected a whole number of at least 1, got {value!r}")]
        )
    if value > most and not force:
        raise InputError(
            [
                Problem(
                    name,
                    "",
                    f"{value:,} is more than the limit of {most:,}; expected at most {most:,}"
                    " (--force to run more)",
                )
            ]
        )
