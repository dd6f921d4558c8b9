"""The workflows as a library: assess, Monte Carlo, sweep, sensitivity, backtest, rerun, replay,
simulate.

Each study is a function that takes plain Python objects (a scenario, a raid, a count, an
executor, a store, a progress callback) and returns a typed result.  The command line and the
web app are thin shells over these functions; they never loop over replications themselves.
Errors are :class:`skyshield.errors.InputError` (bad input, with the file and field) and its
kin; only the shells turn them into exit codes or HTTP answers.

>>> from skyshield.studies import montecarlo
>>> mc = montecarlo("small", raid="reference", runs=2)  # doctest: +SKIP
>>> mc.table.set_index("metric").loc["shield.hits_on_assets", "mean"]  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skyshield.studies.assessment import Assessment, assess
    from skyshield.studies.backtests import BacktestResult, run_backtest
    from skyshield.studies.defaults import DEFAULT_METRIC, DEFAULT_RUNS, DEFAULT_SWEEP_RUNS
    from skyshield.studies.fingerprint import effective_inputs, fingerprint
    from skyshield.studies.inputs import RaidRef, ScenarioRef, world_of
    from skyshield.studies.limits import MAX_REPLICATIONS, MAX_SWEEP_POINTS
    from skyshield.studies.monte_carlo import MonteCarloResult, montecarlo, resume_montecarlo
    from skyshield.studies.progress import Progress, ProgressFn
    from skyshield.studies.records import RecordImported, import_record
    from skyshield.studies.replay import Replay, locate_run, open_store, replay_run
    from skyshield.studies.reruns import Rerun, rerun
    from skyshield.studies.samples import SampleNight, sample_night
    from skyshield.studies.simulation import simulate
    from skyshield.studies.sweeps import SweepPoint, SweepResult, sweep
    from skyshield.studies.tornado import SensitivityResult, sensitivity

#: Where each public name lives: the package imports a study only when it is first used, so that
#: the command line starts quickly.
_WHERE = {
    "Assessment": "skyshield.studies.assessment",
    "BacktestResult": "skyshield.studies.backtests",
    "DEFAULT_METRIC": "skyshield.studies.defaults",
    "DEFAULT_RUNS": "skyshield.studies.defaults",
    "DEFAULT_SWEEP_RUNS": "skyshield.studies.defaults",
    "MAX_REPLICATIONS": "skyshield.studies.limits",
    "MAX_SWEEP_POINTS": "skyshield.studies.limits",
    "MonteCarloResult": "skyshield.studies.monte_carlo",
    "Progress": "skyshield.studies.progress",
    "ProgressFn": "skyshield.studies.progress",
    "RaidRef": "skyshield.studies.inputs",
    "RecordImported": "skyshield.studies.records",
    "Replay": "skyshield.studies.replay",
    "Rerun": "skyshield.studies.reruns",
    "SampleNight": "skyshield.studies.samples",
    "ScenarioRef": "skyshield.studies.inputs",
    "SensitivityResult": "skyshield.studies.tornado",
    "SweepPoint": "skyshield.studies.sweeps",
    "SweepResult": "skyshield.studies.sweeps",
    "assess": "skyshield.studies.assessment",
    "effective_inputs": "skyshield.studies.fingerprint",
    "fingerprint": "skyshield.studies.fingerprint",
    "import_record": "skyshield.studies.records",
    "locate_run": "skyshield.studies.replay",
    "montecarlo": "skyshield.studies.monte_carlo",
    "open_store": "skyshield.studies.replay",
    "replay_run": "skyshield.studies.replay",
    "rerun": "skyshield.studies.reruns",
    "run_backtest": "skyshield.studies.backtests",
    "resume_montecarlo": "skyshield.studies.monte_carlo",
    "sample_night": "skyshield.studies.samples",
    "sensitivity": "skyshield.studies.tornado",
    "simulate": "skyshield.studies.simulation",
    "sweep": "skyshield.studies.sweeps",
    "world_of": "skyshield.studies.inputs",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'skyshield.studies' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_METRIC",
    "DEFAULT_RUNS",
    "DEFAULT_SWEEP_RUNS",
    "MAX_REPLICATIONS",
    "MAX_SWEEP_POINTS",
    "Assessment",
    "BacktestResult",
    "MonteCarloResult",
    "Progress",
    "ProgressFn",
    "RaidRef",
    "RecordImported",
    "Replay",
    "Rerun",
    "SampleNight",
    "ScenarioRef",
    "SensitivityResult",
    "SweepPoint",
    "SweepResult",
    "assess",
    "effective_inputs",
    "fingerprint",
    "import_record",
    "locate_run",
    "montecarlo",
    "open_store",
    "replay_run",
    "rerun",
    "resume_montecarlo",
    "run_backtest",
    "sample_night",
    "sensitivity",
    "simulate",
    "sweep",
    "world_of",
]
