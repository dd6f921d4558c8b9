"""What a stored run was made from: its scenario, checked against the text it was run with."""

from __future__ import annotations

from typing import Any

from skyshield.errors import InputError, Problem
from skyshield.runs.store import text_sha256
from skyshield.scenario import load_scenario


def stored_scenario(row: dict[str, Any]) -> str:
    """The built-in name or file of a stored run's scenario; InputError if its text no longer has
    the SHA-256 the run recorded (the scenario changed since)."""
    origin = str(row["scenario_origin"])
    ref = (
        origin.removeprefix("<builtin ").removesuffix(">")
        if origin.startswith("<builtin ")
        else origin
    )
    if text_sha256(load_scenario(ref).text) != row["scenario_sha256"]:
        raise InputError(
            [
                Problem(
                    origin,
                    "",
                    f"the scenario changed since run {row['run_id']} was made (its SHA-256 differs)",
                )
            ]
        )
    return ref
