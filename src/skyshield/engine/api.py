"""The world a night is simulated in (:func:`build_world`) and one replication's tables
(:class:`SimulationResult`); ``skyshield.simulate`` runs one from Python."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from skyshield.catalog import Catalog
from skyshield.engine.sim import Outcome, warm_up
from skyshield.engine.world import World
from skyshield.forces import ForcePlan, plan_forces
from skyshield.raids import Night, RaidContext, load_raid, pick_night, raid_context
from skyshield.record import read_record
from skyshield.scenario import LoadedScenario, load_scenario


def load_night(
    ls: LoadedScenario,
    raid: str | None = None,
    *,
    night: int = 1,
    record_rows: Callable[[], pd.DataFrame] | None = None,
) -> Night:
    """The night ``raid`` names for scenario ``ls``: ``reference``, a date of the record or a raid
    file (default: the scenario's ``raid``, else ``reference``); ``night`` picks a night of a raid
    file (1-based); ``record_rows`` supplies the record for a date (default: the snapshot shipped
    in the package).  Variants of one scenario (sweep points) load it once and share it."""
    rows = record_rows or (lambda: read_record(None).rows)
    nights, origin = load_raid(raid or ls.raid_ref or "reference", raid_context(ls), rows)
    return pick_night(nights, night, origin)


def build_world(
    scenario: str | Path | LoadedScenario,
    raid: str | Night | None = None,
    *,
    night: int = 1,
    record_rows: Callable[[], pd.DataFrame] | None = None,
    plan: ForcePlan | None = None,
    context: RaidContext | None = None,
) -> World:
    """Everything replications of ``scenario`` against ``raid`` share.

    ``raid`` is a :class:`~skyshield.raids.Night` or what :func:`load_night` takes, with
    ``night`` and ``record_rows``.  ``plan`` and ``context`` (the scenario's force plan and raid
    context, as :func:`~skyshield.forces.plan_forces` and :func:`~skyshield.raids.raid_context`
    make them) save their work when many nights are flown against one scenario.  The engine's
    compiled loops are ready when it returns (:func:`~skyshield.engine.sim.warm_up`).
    """
    ls = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    ctx = context if context is not None else raid_context(ls)
    if isinstance(raid, Night):
        chosen = raid
        ctx.check(chosen, "<raid>")
    else:
        chosen = load_night(ls, raid, night=night, record_rows=record_rows)
    world = World(
        ls=ls,
        plan=plan if plan is not None else plan_forces(ls),
        ctx=ctx,
        night=chosen,
        params=ls.engine_params,
        ground=ls.ground_params,
    )
    warm_up(world)
    return world


@dataclass(frozen=True)
class SimulationResult:
    """Outcomes of one replication by defence (``baseline``, ``shield``), with their tables."""

    seed: int
    outcomes: dict[str, Outcome]
    catalog: Catalog | None = None

    def __getitem__(self, defence: str) -> Outcome:
        return self.outcomes[defence]

    @property
    def threats(self) -> pd.DataFrame:
        """Per-threat table of the shield run (or the only run)."""
        return self._main().threats

    @property
    def sorties(self) -> pd.DataFrame:
        """Per-sortie table of the shield run (empty for the baseline)."""
        return self._main().sorties

    @property
    def engagements(self) -> pd.DataFrame:
        """Per-shot table of the shield run (empty for the baseline)."""
        return self._main().engagements

    def _main(self) -> Outcome:
        return self.outcomes.get("shield") or next(iter(self.outcomes.values()))

    def marginal_effect(self) -> dict[str, Any]:
        """Baseline minus shield: hits on assets, per asset, and leakers (needs both runs)."""
        b, s = self.outcomes["baseline"].threats, self.outcomes["shield"].threats
        hits_b = b[b["fate"] == "hit_asset"].groupby("fate_asset").size()
        hits_s = s[s["fate"] == "hit_asset"].groupby("fate_asset").size()
        assets = sorted(set(hits_b.index) | set(hits_s.index))
        leak = ("hit_asset", "hit_elsewhere", "outside_protected_area")
        avoided = int((b["fate"] == "hit_asset").sum() - (s["fate"] == "hit_asset").sum())
        cost = (
            self.outcomes["shield"].summary(self.catalog)["shield_cost_usd"]
            if self.catalog
            else math.nan
        )
        return {
            "hits_on_assets_avoided": avoided,
            "shield_cost_usd": cost,
            "cost_per_hit_avoided_usd": cost / avoided if avoided > 0 else math.nan,
            "leakers_avoided": int(b["fate"].isin(leak).sum() - s["fate"].isin(leak).sum()),
            "by_asset": {a: int(hits_b.get(a, 0) - hits_s.get(a, 0)) for a in assets},
        }
