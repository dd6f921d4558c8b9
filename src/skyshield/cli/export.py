"""``skyshield export``: one replication's night as Tacview ACMI, KML, GeoJSON or CZML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skyshield.cli.execution import add_record_arg, add_store_arg, store_path_of


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``export``."""
    p = sub.add_parser(
        "export",
        help="one replication's night as a replay: Tacview ACMI, KML, GeoJSON or CZML",
        parents=[common],
    )
    p.add_argument(
        "run",
        metavar="RUN_OR_DIR",
        help="a run id of the run store, or an assessment folder whose summary.json names a run",
    )
    p.add_argument("--rep", type=int, default=0, help="which replication (0-based, default 0)")
    p.add_argument(
        "--format",
        default=None,
        help="acmi, kml, kmz, geojson or czml (default: from the name of --out)",
    )
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output file; ACMI is zipped when it ends in .zip.acmi",
    )
    p.add_argument(
        "--defence",
        default="shield",
        help="baseline or shield (default shield: Ukraine's defences and the fighters)",
    )
    add_store_arg(p)
    add_record_arg(p)


def run(args: argparse.Namespace) -> int:
    """Run ``export``; returns the exit code."""
    from skyshield.engine.names import DEFENCES
    from skyshield.errors import InputError, Problem
    from skyshield.export import format_for, render, scene_from_replay
    from skyshield.runs import choose_record
    from skyshield.studies import locate_run, open_store, replay_run

    fmt = format_for(args.out, args.format)
    if args.defence not in DEFENCES:
        raise InputError(
            [
                Problem(
                    "--defence", "", f"expected one of {', '.join(DEFENCES)}, got {args.defence!r}"
                )
            ]
        )
    store_path, run_id = locate_run(args.run, store_path_of(args))
    store = open_store(store_path)
    replay = replay_run(
        store, run_id, args.rep, lambda: choose_record(args.record, store_path).rows
    )
    for metric in replay.differences():
        print(
            f"warning: {metric} differs from the stored run ({replay.metrics.get(metric)} now,"
            f" {replay.stored.get(metric)} stored); the code changed since run {run_id}?",
            file=sys.stderr,
        )
    from skyshield.files import write_atomic

    scene = scene_from_replay(replay, args.defence)
    data = render(scene, fmt, args.out)
    write_atomic(args.out, data)
    fighters = sum(tr.kind == "fighter" for tr in scene.tracks)
    print(
        f"wrote {args.out} ({fmt}, {len(data) / 1e6:.2f} MB): run {run_id} replication"
        f" {args.rep} (seed {replay.seed}), {args.defence}; {len(scene.tracks) - fighters} threats,"
        f" {fighters} fighters, {len(scene.kills)} kills, {scene.iso(0.0)} to {scene.iso(scene.end_s)}"
    )
    return 0
