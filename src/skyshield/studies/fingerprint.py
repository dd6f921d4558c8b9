"""A fingerprint of what the engine actually uses from a world: two worlds with the same
fingerprint give the same replications, so a sweep whose points share one changes nothing.

It hashes the scenario's fields (not its name, description or notes), the night's raid, the
engine's and the ground layer's parameters and the catalog as the scenario patched it, with each
weapon's kill probabilities reduced to the ones the weapon policy lets fighters use: a Pk of a
missile against drones, under a policy of guns and rockets against drones, never reaches a
replication, so changing it changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from skyshield.engine.world import World

#: Scenario fields that do not reach a replication (they are names, text or reach it another
#: way: the catalog patched, the parameters, the night).
_NOT_USED = ("name", "description", "raid", "catalog_overrides", "engine", "ground_defences")


def _without_notes(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_notes(v) for k, v in node.items() if k not in ("sources", "note")}
    if isinstance(node, list):
        return [_without_notes(v) for v in node]
    return node


def effective_inputs(world: World) -> dict[str, Any]:
    """What replications of ``world`` read, as plain data (see the module docstring)."""
    params = world.params
    catalog = world.catalog.model_dump(mode="json")
    for wid, w in world.catalog.weapons.items():
        catalog["weapons"][wid]["pk"] = {
            c: pk if w.kind in params.weapon_policy.get(c, []) and pk >= params.min_pk else 0.0
            for c, pk in dict(w.pk).items()
        }
    scenario = {k: v for k, v in world.ls.scenario.to_data().items() if k not in _NOT_USED}
    night = world.night.model_dump(mode="json", exclude={"name", "source"})
    inputs: dict[str, Any] = _without_notes(
        {
            "scenario": scenario,
            "night": night,
            "engine": params.model_dump(mode="json"),
            "ground": world.ground.model_dump(mode="json"),
            "catalog": catalog,
        }
    )
    return inputs


def fingerprint(world: World) -> str:
    """SHA-256 (hex) of :func:`effective_inputs`."""
    text = json.dumps(effective_inputs(world), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
