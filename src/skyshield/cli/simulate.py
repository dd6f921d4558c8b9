"""``skyshield simulate``: one replication of a night against the baseline and/or the shield."""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skyshield.cli.execution import (
    add_record_arg,
    add_store_arg,
    announce_compiling,
    lazy_record_of,
    seed,
)
from skyshield.engine.names import DEFENCES, FATES
from skyshield.files import write_atomic, write_parquet

if TYPE_CHECKING:
    import pandas as pd

    from skyshield.engine.api import SimulationResult


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``simulate``."""
    p = sub.add_parser(
        "simulate",
        help="one replication of a night: outcome tables (Parquet) and a summary",
        parents=[common],
    )
    p.add_argument("scenario", help="YAML scenario file or built-in name (reference, small)")
    p.add_argument(
        "--raid",
        default=None,
        help="reference, a night of the record (YYYY-MM-DD) or a raid file"
        " (default: the scenario's raid, else reference)",
    )
    p.add_argument("--night", type=int, default=1, help="which night of a raid file (1-based)")
    p.add_argument("--seed", type=seed, default=1, help="seed of the replication (default 1)")
    p.add_argument("--defence", choices=(*DEFENCES, "both"), default="both")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for the outcome tables (Parquet) and summary.json",
    )
    add_store_arg(p)
    add_record_arg(p)


def _summary_table(result: SimulationResult, catalog: Any) -> pd.DataFrame:
    """One row per defence: fates, leakers, sorties, flight hours, shots, cost (M USD)."""
    import pandas as pd

    rows = []
    for name, oc in result.outcomes.items():
        s = oc.summary(catalog)
        rows.append(
            {
                "defence": name,
                **{f: s[f] for f in FATES},
                "leakers": s["leakers"],
                "sorties": s["sorties"],
                "flight_hours": s["flight_hours"],
                "shots": s["shots"],
                "shield_cost_M_USD": s["shield_cost_usd"] / 1e6,
            }
        )
    return pd.DataFrame(rows)


def run(args: argparse.Namespace) -> int:
    """Run ``simulate``; returns the exit code."""

    from skyshield.cli.text import counts_text, table
    from skyshield.report.numbers import sig
    from skyshield.studies import world_of
    from skyshield.studies.simulation import simulate

    t0 = time.perf_counter()
    announce_compiling()
    world = world_of(args.scenario, args.raid, args.night, lazy_record_of(args))
    result = simulate(world.ls, world.night, seed=args.seed, defence=args.defence)
    cat = world.catalog
    print(
        f"night {world.night.name}: {world.night.total} weapons; scenario {world.ls.scenario.name}; seed {args.seed}"
    )
    print("\nFates by defence")
    print(table(_summary_table(result, cat), floats="{:,.2f}"))
    for name, oc in result.outcomes.items():
        hits = oc.threats[oc.threats["fate"] == "hit_asset"].groupby("fate_asset").size()
        print(f"\nHits on protected assets, {name}: {counts_text(hits.to_dict())}")
        by_class = oc.threats.pivot_table(
            index="class_id", columns="fate", values="threat", aggfunc="count", fill_value=0
        )
        print(by_class.to_string())
        if name == "shield" and len(oc.sorties):
            s = oc.summary(cat)
            print(
                f"night of {sig(s['night_h'])} h (first launch to last arrival): {s['sorties']}"
                f" sorties, {s['flight_hours']:,.0f} flight hours in the night; shots:"
                f" {counts_text(s['weapons'])}; cost {sig(s['weapon_cost_usd'] / 1e6)} M USD weapons"
                f" + {sig(s['flight_cost_usd'] / 1e6)} M flying + {sig(s['support_cost_usd'] / 1e6)} M"
                f" AEW and tankers; {s['threats_engaged']} threats engaged; closest a fighter came"
                f" to hostile territory {s['pilot_exposure_min_km']:,.0f} km"
            )
    if len(result.outcomes) == 2:
        m = result.marginal_effect()
        per_hit = m["cost_per_hit_avoided_usd"]
        cost = f"{sig(per_hit / 1e6)} M USD" if math.isfinite(per_hit) else "n/a (no hit avoided)"
        print(
            f"\nThe shield's marginal effect: {m['hits_on_assets_avoided']} fewer hits on protected assets,"
            f" {m['leakers_avoided']} fewer leakers, {cost} per hit avoided;"
            f" hits avoided by asset: {counts_text(m['by_asset'])}"
        )
    if args.out:
        out: Path = args.out
        for name, oc in result.outcomes.items():
            for tname in ("threats", "sorties", "engagements", "fighter_legs"):
                frame: pd.DataFrame = getattr(oc, tname)
                write_parquet(frame, out / name / f"{tname}.parquet")
        doc = {name: oc.summary(cat) for name, oc in result.outcomes.items()}
        if len(result.outcomes) == 2:
            doc["marginal_effect"] = result.marginal_effect()
        write_atomic(out / "summary.json", json.dumps(doc, indent=2, default=float))
        print(f"\nwrote the outcome tables (Parquet) and summary.json to {out}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0
