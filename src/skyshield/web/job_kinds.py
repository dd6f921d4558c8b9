"""What the page's jobs run, inside a worker process: the studies of :mod:`skyshield.studies`.

Each function takes the job's parameters (as the API checked them), its folder and a progress
callback, and returns the job's result as JSON-able data.  The scenario is the page's text: a
text equal to a saved file (or to a built-in) is run from that file (or name), so the run store
records where it came from and ``skyshield runs rerun`` can run it again; an edited text is
checked and run as it is, named ``web:NAME (edited)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from skyshield.errors import InputError
from skyshield.scenario import LoadedScenario, load_scenario
from skyshield.web.documents import check_text
from skyshield.web.paths import is_builtin, scenario_file
from skyshield.web.runs_view import plain
from skyshield.web.worker import ProgressLike

Progress = Callable[[ProgressLike], None]

#: Rows of the metric table a job's result carries (the headline ones come first).
RESULT_METRICS = 40


def job_scenario(params: dict[str, Any]) -> str | LoadedScenario:
    """The scenario of a job: a built-in name, a saved file's path, or the checked text."""
    ref, text, folder = params["ref"], params["text"], Path(params["folder"])
    if is_builtin(ref) and load_scenario(ref).text == text:
        return str(ref)
    if not is_builtin(ref):
        path = scenario_file(folder, ref)
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            return str(path)
    checked = check_text(text, folder, f"web:{ref} (edited)")
    if checked.loaded is None:
        raise InputError(checked.problems)
    return checked.loaded


#: The stage a job reports while the engine is compiled before its first replication.
COMPILING = "compiling the engine first: once per machine and version, about a minute"


def say_if_compiling(progress: Progress) -> None:
    """Report the :data:`COMPILING` stage if the engine's compiled code is not cached yet, so
    that the page shows why the job's first replication takes a minute."""
    from skyshield.engine.sim import kernel_ready
    from skyshield.studies import Progress as Report

    if not kernel_ready():
        progress(Report(COMPILING, 0, 1))


def _records(table: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = table.head(RESULT_METRICS).to_dict(orient="records")
    return [
        {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()}
        for r in rows
    ]


def run_mc(params: dict[str, Any], folder: Path, progress: Progress) -> dict[str, Any]:
    """``runs`` replications of the scenario's night, stored; the run id and metric table."""
    from skyshield.execution import open_executor
    from skyshield.runs import Store
    from skyshield.studies import montecarlo

    scenario = job_scenario(params)
    say_if_compiling(progress)
    with open_executor(workers=int(params["workers"])) as executor:
        res = montecarlo(
            scenario,
            raid=params.get("raid"),
            runs=int(params["runs"]),
            seed=int(params["seed"]),
            executor=executor,
            store=Store(Path(params["store"])),
            progress=progress,
        )
    return {"run_ids": [res.run_id] if res.run_id else [], "table": _records(res.table)}


def run_assess(params: dict[str, Any], folder: Path, progress: Progress) -> dict[str, Any]:
    """The main job (Monte Carlo, sizing sweep, cost), its briefing report written to the job's
    folder; the run id, the metric table and the report's files."""
    from skyshield.analysis import metric_table
    from skyshield.execution import open_executor
    from skyshield.report.document import write_briefing
    from skyshield.runs import Store
    from skyshield.studies import assess

    scenario = job_scenario(params)
    say_if_compiling(progress)
    sweep_runs = int(params.get("sweep_runs") or 0)
    with open_executor(workers=int(params["workers"])) as executor:
        result = assess(
            scenario,
            raid=params.get("raid"),
            runs=int(params["runs"]),
            sweep_runs=max(sweep_runs, 1),
            sweep_jets=None if sweep_runs else [],
            seed=int(params["seed"]),
            executor=executor,
            store=Store(Path(params["store"])),
            progress=progress,
            recent_runs=int(params.get("record_runs") or 0),
        )
    write_briefing(result, folder)
    return {
        "run_ids": [result.run_id] if result.run_id else [],
        "table": _records(metric_table(result.reps)),
        "report": "report.html",
        "summary": "summary.json",
    }


def run_sweep(params: dict[str, Any], folder: Path, progress: Progress) -> dict[str, Any]:
    """A sweep of one field (``set_path``) over ``set_values``, ``runs`` replications a point,
    each point a stored run; the sweep table and the runs' ids."""
    from skyshield.analysis.sweep import SWEEP_METRICS
    from skyshield.execution import open_executor
    from skyshield.runs import Store
    from skyshield.studies import sweep

    scenario = job_scenario(params)
    say_if_compiling(progress)
    path = str(params["set_path"])
    with open_executor(workers=int(params["workers"])) as executor:
        res = sweep(
            scenario,
            [(path, list(params["set_values"]))],
            raid=params.get("raid"),
            runs=int(params["runs"]),
            seed=int(params["seed"]),
            executor=executor,
            store=Store(Path(params["store"])),
            progress=progress,
        )
    return {
        "run_ids": [p.run_id for p in res.points if p.run_id],
        "path": path,
        "metrics": list(SWEEP_METRICS),
        "table": _all_records(res.table),
    }


def run_sensitivity(params: dict[str, Any], folder: Path, progress: Progress) -> dict[str, Any]:
    """Every shipped factor at its low and high value, ``runs`` replications each, on the
    base case's seeds; the tornado table for ``metric`` and the runs' ids."""
    from skyshield.execution import open_executor
    from skyshield.runs import Store
    from skyshield.studies import sensitivity

    scenario = job_scenario(params)
    say_if_compiling(progress)
    with open_executor(workers=int(params["workers"])) as executor:
        res = sensitivity(
            scenario,
            runs=int(params["runs"]),
            metric=str(params["metric"]),
            raid=params.get("raid"),
            seed=int(params["seed"]),
            executor=executor,
            store=Store(Path(params["store"])),
            progress=progress,
        )
    runs = [res.base_run] + [run_id for _, run_id, _ in res.variants]
    return {
        "run_ids": [r for r in runs if r],
        "metric": res.metric,
        "base_run": res.base_run,
        "table": _all_records(res.table),
    }


def _all_records(table: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = table.to_dict(orient="records")
    return [{str(k): plain(v) for k, v in r.items()} for r in rows]
