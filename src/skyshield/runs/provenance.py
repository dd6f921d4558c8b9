"""What a stored run was made from: its scenario, checked against the text it was run with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from skyshield.errors import InputError, Problem
from skyshield.runs.store import text_sha256
from skyshield.scenario import LoadedScenario, load_scenario, scenario_from_data


def stored_scenario(row: dict[str, Any]) -> str | LoadedScenario:
    """The scenario of a stored run: its built-in name or file when the run names one, else (a
    sweep point or a sensitivity variant, whose origin is e.g. ``<builtin reference> with
    coalition.total_aircraft=80``) the scenario rebuilt from the text the run stored.

    InputError if a named scenario's text no longer has the SHA-256 the run recorded (it changed
    since), or if the stored text of a variant cannot stand alone.
    """
    origin, text = str(row["scenario_origin"]), str(row["scenario_text"])
    if origin.startswith("<builtin ") and origin.endswith(">") and " " not in origin[9:-1]:
        ref = origin.removeprefix("<builtin ").removesuffix(">")
    elif Path(origin).is_file():
        ref = origin
    else:
        return _from_stored_text(row, origin, text)
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


def _from_stored_text(row: dict[str, Any], origin: str, text: str) -> LoadedScenario:
    """A variant's scenario from its stored text (the complete mapping, written as YAML)."""
    data = yaml.safe_load(text)
    if text_sha256(text) != row["scenario_sha256"] or not isinstance(data, dict):
        raise InputError([Problem(origin, "", f"run {row['run_id']} has no usable stored text")])
    if "extends" in data:
        raise InputError(
            [
                Problem(
                    origin,
                    "extends",
                    f"the scenario file of run {row['run_id']} is gone and its stored text"
                    " extends another scenario, so it cannot be rebuilt",
                )
            ]
        )
    return scenario_from_data(data, origin)
