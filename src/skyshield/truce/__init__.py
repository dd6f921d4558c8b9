"""A monitor for a truce in the air: launches expected from the weeks before a truce against
what the record shows during it, the nights that broke it, and a short verdict.

:func:`run_monitor` does the work; :func:`verdict` words it; :func:`write_outputs` writes the
chart, the table a night and the JSON.  Windows: :func:`load_windows` (built-in),
:func:`custom_window`.  The model: :mod:`skyshield.truce.model`; the comparison:
:mod:`skyshield.truce.compare`; the record's conventions: :mod:`skyshield.truce.counts`.
"""

from skyshield.truce.compare import Comparison, compare
from skyshield.truce.counts import covered_rows, nightly_counts, row_timing
from skyshield.truce.model import CountFit, Draws, fit_counts, fitted_mean, simulate
from skyshield.truce.monitor import (
    DEFAULT_DRAWS,
    DEFAULT_FIT_WEEKS,
    DEFAULT_LEVEL,
    DEFAULT_THRESHOLD,
    NIGHT_COLUMNS,
    TOTAL,
    ClassOutcome,
    TargetEvidence,
    TruceResult,
    record_span,
    run_monitor,
)
from skyshield.truce.outputs import write_outputs
from skyshield.truce.verdict import fit_caveats, verdict
from skyshield.truce.windows import (
    ENERGY_WORDS,
    TruceWindow,
    builtin_window,
    custom_window,
    launch_truce_nights,
    load_windows,
)

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_FIT_WEEKS",
    "DEFAULT_LEVEL",
    "DEFAULT_THRESHOLD",
    "ENERGY_WORDS",
    "NIGHT_COLUMNS",
    "TOTAL",
    "ClassOutcome",
    "Comparison",
    "CountFit",
    "Draws",
    "TargetEvidence",
    "TruceResult",
    "TruceWindow",
    "builtin_window",
    "compare",
    "covered_rows",
    "custom_window",
    "fit_caveats",
    "fit_counts",
    "fitted_mean",
    "launch_truce_nights",
    "load_windows",
    "nightly_counts",
    "record_span",
    "row_timing",
    "run_monitor",
    "simulate",
    "verdict",
    "write_outputs",
]
