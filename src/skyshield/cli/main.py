"""``skyshield``: one console script with subcommands.

Exit codes: 0 success, 2 bad usage or input (a message per problem, no traceback), 1 an
internal error (a bug: the message asks for a report).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from skyshield.cli import (
    assess,
    export,
    mc,
    plan,
    raids,
    records,
    runs,
    sensitivity,
    serve,
    simulate,
    sweep,
    truce,
)
from skyshield.errors import InputError, Problem
from skyshield.files import output_folder
from skyshield.version import __version__

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _scenario_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="YAML scenario file or built-in name (reference, small)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks of internal errors",
    )
    common.add_argument(
        "--follow-symlinks",
        action="store_true",
        default=argparse.SUPPRESS,
        help="write outputs through symbolic links (refused by default)",
    )
    parser = argparse.ArgumentParser(
        prog="skyshield",
        description="Plan and assess a multinational air protection zone over western Ukraine.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"skyshield {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sc = sub.add_parser(
        "scenario", help="validate, summarise or describe scenario files", parents=[common]
    )
    scs = sc.add_subparsers(dest="action", required=True, metavar="ACTION")
    v = scs.add_parser(
        "validate",
        help="check a YAML scenario; exit 2 with a message per problem",
        parents=[common],
    )
    _scenario_arg(v)
    sh = scs.add_parser("show", help="summarise a scenario", parents=[common])
    _scenario_arg(sh)
    sh.add_argument(
        "--yaml",
        action="store_true",
        help="print the scenario as YAML instead: a built-in's own file (to copy and edit),"
        " or a file with its extends chain merged",
    )
    scs.add_parser("schema", help="print the JSON schema of scenario files", parents=[common])

    f = sub.add_parser(
        "forces", help="sortie generation: which pledges hold which CAP stations", parents=[common]
    )
    _scenario_arg(f)
    f.add_argument("--json", action="store_true", help="print the tables as JSON")
    f.add_argument("--map", type=Path, metavar="PNG", help="also write a map of the plan")

    records.add_parsers(sub, common)
    raids.add_parsers(sub, common)
    simulate.add_parsers(sub, common)
    mc.add_parsers(sub, common)
    runs.add_parsers(sub, common)
    sweep.add_parsers(sub, common)
    sensitivity.add_parsers(sub, common)
    plan.add_parsers(sub, common)
    assess.add_parsers(sub, common)
    export.add_parsers(sub, common)
    serve.add_parsers(sub, common)
    truce.add_parsers(sub, common)
    return parser


def _cmd_scenario(args: argparse.Namespace) -> int:
    from skyshield.cli.text import scenario_summary
    from skyshield.scenario import (
        BUILTIN_SCENARIOS,
        Scenario,
        builtin_text,
        load_scenario,
        resolved_yaml,
    )

    if args.action == "schema":
        print(json.dumps(Scenario.model_json_schema(), indent=2))
        return EXIT_OK
    if args.action == "show" and args.yaml:
        if args.scenario in BUILTIN_SCENARIOS and not Path(args.scenario).is_file():
            print(builtin_text(args.scenario), end="")
        else:
            print(resolved_yaml(load_scenario(args.scenario)), end="")
        return EXIT_OK
    ls = load_scenario(args.scenario)
    if args.action == "validate":
        s = ls.scenario
        print(
            f"OK {ls.origin}: scenario {s.name!r}, {len(s.coalition.members)} members,"
            f" {s.coalition.total_aircraft} aircraft, {len(s.cap.stations)} CAP station(s),"
            f" {len(ls.assets)} protected assets"
        )
        for w in ls.warnings:
            print(f"warning: {w}")
    else:
        print(scenario_summary(ls))
    return EXIT_OK


def _cmd_forces(args: argparse.Namespace) -> int:
    from skyshield.cli.text import plan_report
    from skyshield.forces import plan_forces
    from skyshield.scenario import load_scenario

    ls = load_scenario(args.scenario)
    plan = plan_forces(ls)
    if args.json:
        doc = {
            "scenario": ls.scenario.name,
            "totals": plan.totals(),
            "stations": plan.stations.to_dict(orient="records"),
            "assignments": plan.assignments.to_dict(orient="records"),
            "pools": plan.pools.to_dict(orient="records"),
            "by_base": plan.by("base").to_dict(orient="records"),
            "by_type": plan.by("type").to_dict(orient="records"),
            "by_nation": plan.by("nation").to_dict(orient="records"),
            "support": plan.support.to_dict(orient="records"),
            "shortfalls": plan.shortfalls,
            "notes": plan.notes,
        }
        print(json.dumps(doc, indent=2, default=_json_default))
    else:
        print(plan_report(plan))
    if args.map:
        from skyshield.report import plot_force_map

        plot_force_map(ls, plan, args.map)
        print(f"map: {args.map}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _json_default(o: object) -> object:
    if hasattr(o, "item"):
        return o.item()  # numpy scalars
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


_COMMANDS = {
    "scenario": _cmd_scenario,
    "forces": _cmd_forces,
    "assess": assess.run,
    "record": records.run,
    "raid": raids.run,
    "simulate": simulate.run,
    "mc": mc.run,
    "runs": runs.run,
    "sweep": sweep.run,
    "sensitivity": sensitivity.run,
    "plan": plan.run,
    "export": export.run,
    "serve": serve.run,
    "truce": truce.run,
}

#: Commands whose ``--out`` is a folder of outputs they hold while they write it.
FOLDER_COMMANDS = frozenset({"assess", "sweep", "sensitivity", "simulate", "truce"})

#: Figure formats the output options accept.
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def _check_outputs(args: argparse.Namespace) -> None:
    """Reject figure paths with an unsupported suffix before any work is done."""
    for name in ("map", "chart"):
        path = getattr(args, name, None)
        if path is not None and path.suffix.lower() not in FIGURE_SUFFIXES:
            raise InputError(
                [
                    Problem(
                        str(path),
                        f"--{name}",
                        f"expected a file ending in {', '.join(FIGURE_SUFFIXES)}",
                    )
                ]
            )
    for name in ("out", "map", "chart"):
        path = getattr(args, name, None)
        if isinstance(path, Path) and path.is_symlink():
            if not getattr(args, "follow_symlinks", False):
                raise InputError(
                    [
                        Problem(
                            str(path),
                            f"--{name}",
                            "is a symbolic link: refusing to write"
                            " through it (give --follow-symlinks to write where it points)",
                        )
                    ]
                )
            setattr(args, name, path.resolve())
    out = getattr(args, "out", None)
    if args.command == "assess" and out is not None and out.exists() and not out.is_dir():
        raise InputError([Problem(str(out), "--out", "exists and is not a folder")])


#: The library's parameters that are command-line options under another name.
_FLAGS = {"sets": "--set", "zipped": "--zip", "points": "--set"}

#: The library's parameters that are command-line options of the same name (``--sweep-runs``).
_PARAMETERS = frozenset(
    {
        "aircraft",
        "candidates",
        "dask",
        "defence",
        "engage_prob",
        "format",
        "like",
        "metric",
        "night",
        "paths",
        "raid",
        "rep",
        "runs",
        "seed",
        "spacing_km",
        "stations",
        "sweep_jets",
        "sweep_runs",
        "time_limit",
        "workers",
    }
)


def as_flag(problem: Problem) -> Problem:
    """A library's problem with a parameter (``runs``) as the option that sets it (``--runs``)."""
    flag = _FLAGS.get(problem.file) or (
        "--" + problem.file.replace("_", "-") if problem.file in _PARAMETERS else None
    )
    return problem if flag is None else replace(problem, file=flag)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (and ``sys.exit``s with it as a script)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_outputs(args)
        command = _COMMANDS[args.command]
        folder = getattr(args, "out", None) if args.command in FOLDER_COMMANDS else None
        if folder is None:
            return command(args)
        with output_folder(folder):  # one job a folder; a failed job's new files removed
            return command(args)
    except InputError as exc:
        for p in exc.problems:
            print(f"error: {as_flag(p)}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # e.g. `skyshield forces reference | head`
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit
        return EXIT_OK
    except OSError as exc:  # a file that cannot be written or read
        where = exc.filename or "a file could not be written or read"
        print(f"error: {where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenProcessPool:
        print(
            "interrupted: a worker process ended abruptly (killed by a signal, or out of"
            " memory); the run is marked interrupted (`skyshield mc --resume RUN` continues an"
            " mc run; fewer --workers need less memory)",
            file=sys.stderr,
        )
        return 130
    except Exception as exc:  # the last line of defence against tracebacks
        from skyshield.execution import stopped_by

        if stopped_by(exc):  # Ctrl-C or a signal while compiled code called back into Python
            print("interrupted", file=sys.stderr)
            return 130
        if getattr(args, "debug", False):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in skyshield; please report it with the command you ran"
            " (--debug shows the traceback).",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM, SIGHUP): unwound like Ctrl-C, so that workers
    end and stored runs are marked interrupted."""


def _terminate(signum: int, _frame: object) -> None:
    raise Terminated(signal.Signals(signum).name)


def entry() -> None:
    """Console-script entry point: SIGTERM and SIGHUP stop a command as Ctrl-C does."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _terminate)
    sys.exit(main())
