"""Load the shipped catalog from ``skyshield/data/catalog/*.yaml``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from skyshield.catalog.models import Catalog
from skyshield.errors import InputError, Problem


def _read(name: str) -> Any:
    text = resources.files("skyshield.data.catalog").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(item["id"]): item for item in items}


@cache
def load_catalog() -> Catalog:
    """The shipped catalog, validated; loaded once per process (it is read-only data)."""
    support = _read("support.yaml")
    raw = {
        "threats": _by_id(_read("threats.yaml")["threats"]),
        "fighters": _by_id(_read("fighters.yaml")["fighters"]),
        "weapons": _by_id(_read("weapons.yaml")["weapons"]),
        "aew": _by_id(support["aew"]),
        "tankers": _by_id(support["tankers"]),
        "refuelling": support["refuelling"],
        "fleets": _read("fleets.yaml")["fleets"],
        "record_models": _read("record_models.yaml")["models"],
    }
    try:
        return Catalog.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem("<builtin catalog>", ".".join(str(p) for p in e["loc"]), e["msg"])
            for e in exc.errors()
        ]
        raise InputError(problems) from None
