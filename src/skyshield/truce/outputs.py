"""The monitor's files: a chart (``chart.png``), a table a night (``nights.csv``) and a JSON
document for scripting (``truce.json``).

``nights.csv`` has the columns of :data:`skyshield.truce.monitor.NIGHT_COLUMNS` (nights as
YYYY-MM-DD; counts in weapons; ``low``/``high`` empty on fit nights).  ``truce.json`` holds the
window, the record's span, the fit (nights, nights left out, each class's model and
diagnostics), the settings (level, draws, seed, threshold), the comparison of each class and of
all together (observed, expected, interval, ratio with interval, p-values), the nights that
broke the truce, what the record says of targets, the verdict and the fit notes.  Its totals
are sums of ``nights.csv`` over the nights held in full.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from skyshield.files import write_atomic, write_csv
from skyshield.truce.chart import plot_truce
from skyshield.truce.compare import Comparison
from skyshield.truce.model import CountFit
from skyshield.truce.monitor import TruceResult

#: Version of the layout of ``truce.json``.
SCHEMA_VERSION = 1
CHART, NIGHTS_CSV, JSON_FILE = "chart.png", "nights.csv", "truce.json"


def _clean(value: Any) -> Any:
    """JSON-safe: NaN to None, numpy scalars to Python, dates to ISO text, recursively."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def comparison_doc(c: Comparison) -> dict[str, Any]:
    """A comparison as a JSON object (launches in weapons; ratio and p dimensionless)."""
    return asdict(c)


def fit_doc(f: CountFit) -> dict[str, Any]:
    """A fit's model, coefficients, standard errors and diagnostics as a JSON object."""
    return {
        "model": f.model,
        "notes": list(f.notes),
        "nights": f.nights,
        "nights_with_launches": f.nights_with_launches,
        "launched": f.launched,
        "coefficients": f.coefficients(),
        "standard_errors": f.standard_errors(),
        "alpha": f.alpha if f.model != "rate" else None,
        "pearson_chi2_df": f.pearson_chi2_df,
    }


def result_doc(
    result: TruceResult,
    verdict: list[str],
    caveats: list[str],
    *,
    seed: int | None,
    record: str,
) -> dict[str, Any]:
    """The JSON document of ``result`` (see the module's docstring)."""
    w = result.window
    breaks = result.breaks[
        ["night", "coverage", "status", "observed", "inside_hours", "overlapping", "outside_hours"]
    ]
    doc = {
        "schema_version": SCHEMA_VERSION,
        "window": {
            "name": w.name,
            "title": w.title,
            "kind": w.kind,
            "from": w.first_night,
            "to": w.last_night,
            "starts": w.starts,
            "ends": w.ends,
            "classes": list(w.classes),
            "regions": list(w.regions),
            "target_words": list(w.target_words),
            "notes": list(w.notes),
            "held_nights": w.held_nights,
            "partial_nights": [n for n in w.nights if w.coverage(n) == "partial"],
        },
        "record": {
            "first_night": result.record_first,
            "last_night": result.record_last,
            "which": record,
        },
        "fit": {
            "weeks": result.fit_weeks,
            "first_night": result.fit_first,
            "last_night": result.fit_last,
            "left_out": [
                {"night": n, "window": name} for n, name in sorted(result.fit_left_out.items())
            ],
        },
        "settings": {
            "level": result.level,
            "draws": result.draws,
            "seed": seed,
            "threshold": result.threshold,
        },
        "classes": [
            {"name": c.name, **comparison_doc(c.comparison), "fit": fit_doc(c.fit)}
            for c in result.classes
        ],
        "total": comparison_doc(result.total),
        "breaks": breaks.to_dict(orient="records"),
        "targets": asdict(result.targets) if result.targets is not None else None,
        "verdict": verdict,
        "fit_notes": caveats,
    }
    return dict(_clean(doc))


def write_outputs(
    result: TruceResult,
    out: Path,
    verdict: list[str],
    caveats: list[str],
    *,
    seed: int | None,
    record: str,
) -> dict[str, Path]:
    """Write the chart, the CSV and the JSON of ``result`` into the folder ``out``; their paths
    by kind (``chart``, ``csv``, ``json``)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"chart": out / CHART, "csv": out / NIGHTS_CSV, "json": out / JSON_FILE}
    plot_truce(result, paths["chart"], verdict[0] if verdict else "")
    table = result.nights.assign(night=result.nights["night"].map(str))
    write_csv(table, paths["csv"])
    doc = result_doc(result, verdict, caveats, seed=seed, record=record)
    doc["files"] = {k: p.name for k, p in paths.items()}
    write_atomic(
        paths["json"], json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    )
    return paths


__all__ = ["CHART", "JSON_FILE", "NIGHTS_CSV", "SCHEMA_VERSION", "result_doc", "write_outputs"]
