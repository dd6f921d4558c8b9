"""Named weapon policies (``skyshield/data/catalog/weapon_policies.yaml``).

A weapon policy says which kinds of weapon (``gun``, ``rocket``, ``missile``) fighters may use
against each threat category; the engine fires the cheapest adequate weapon among the allowed
kinds.  The engine parameters (``engine.yaml``, a scenario's ``engine:``) give the policy either
by name (``guns-first``, ``missiles-only``) or as a mapping; :func:`with_named_policy` turns a
name into its mapping and its note before the parameters are validated.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from skyshield.catalog.bibliography import require_note
from skyshield.catalog.models import ThreatCategory
from skyshield.errors import InputError, Problem

#: The policy file (in ``skyshield/data/catalog``).
POLICIES_FILE = "weapon_policies.yaml"

#: A kind of weapon.
WeaponKind = Literal["gun", "rocket", "missile"]

#: Kinds of weapon allowed against each threat category.
PolicyMap = dict[ThreatCategory, list[WeaponKind]]


class WeaponPolicy(BaseModel):
    """A named policy: its id, a one-line label, the kinds allowed by category, and its note."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: str = Field(min_length=1)
    allowed: PolicyMap
    note: str

    @field_validator("note")
    @classmethod
    def _noted(cls, v: str) -> str:
        return require_note(v)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    policies: list[WeaponPolicy] = Field(min_length=1)


@cache
def load_weapon_policies() -> dict[str, WeaponPolicy]:
    """The shipped named policies by id, validated; loaded once per process."""
    origin = f"<builtin catalog {POLICIES_FILE}>"
    text = resources.files("skyshield.data.catalog").joinpath(POLICIES_FILE).read_text("utf-8")
    try:
        policies = _File.model_validate(yaml.safe_load(text)).policies
    except ValidationError as exc:
        raise InputError(
            [
                Problem(origin, ".".join(str(p) for p in e["loc"]), str(e["msg"]))
                for e in exc.errors()
            ]
        ) from None
    return {p.id: p for p in policies}


def policy_name(allowed: Mapping[str, Any]) -> str | None:
    """The id of the named policy whose mapping is ``allowed`` (order of kinds ignored), if any."""

    def norm(m: Mapping[Any, Any]) -> dict[str, frozenset[str]]:
        return {str(k): frozenset(v) for k, v in m.items() if v}

    want = norm(allowed)
    return next((p.id for p in load_weapon_policies().values() if norm(p.allowed) == want), None)


def with_named_policy(data: Any) -> Any:
    """Engine-parameter data with a policy *name* in ``weapon_policy`` replaced by the policy's
    mapping and its note in ``sources``; other data unchanged.  ``ValueError`` (for pydantic
    validators) names the known policies when the name is unknown."""
    if not isinstance(data, Mapping) or not isinstance(data.get("weapon_policy"), str):
        return data
    name = data["weapon_policy"]
    policies = load_weapon_policies()
    if name not in policies:
        raise ValueError(
            f"weapon_policy: unknown policy {name!r}; expected one of {', '.join(policies)}"
            " or a mapping of threat category to weapon kinds"
        )
    p = policies[name]
    notes = data.get("sources")
    notes = dict(notes) if isinstance(notes, Mapping) else {}
    notes["weapon_policy"] = f"{p.note}; named policy {p.id}"
    return {**data, "weapon_policy": {k: list(v) for k, v in p.allowed.items()}, "sources": notes}
