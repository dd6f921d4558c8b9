"""The record counterfactual as outputs: a night-by-night table (CSV), a chart (PNG), the totals
and the nights where the shield mattered most (JSON), and a short verdict in words."""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from skyshield.analysis import INTERVAL_METHOD, Interval
from skyshield.files import save_figure, write_atomic, write_csv
from skyshield.report.markup import Context, figure, section
from skyshield.report.numbers import rounded, sig_unit
from skyshield.studies.counterfactual import RecordCounterfactual
from skyshield.version import __version__

#: Figures of the totals, in the order of the verdict and the JSON, with their labels.
LABELS = {
    "hits_baseline": "hits on protected assets, Ukraine's defences alone",
    "hits_shield": "hits on protected assets, with the shield",
    "hits_avoided": "hits on protected assets avoided by the shield",
    "elsewhere_avoided": "hits elsewhere avoided by the shield",
    "killed_by_fighters": "threats killed by the fighters",
    "cost_usd": "shield cost (USD)",
}


def _iv(iv: Interval) -> dict[str, float | int | None]:
    def clean(x: float) -> float | None:
        return float(x) if math.isfinite(x) else None

    return {"mean": clean(iv.mean), "low": clean(iv.low), "high": clean(iv.high), "n": iv.n}


def _text(iv: Interval, scale: float = 1.0, unit: float | None = None) -> str:
    """The mean to three significant figures (or to ``unit``) and its interval to the same
    unit; figures printed to one unit subtract as printed (76.5 - 61.0 = 15.5, not 76 - 61 =
    16)."""
    unit = unit if unit is not None else sig_unit(iv.mean * scale)
    text = rounded(iv.mean * scale, unit)
    if math.isfinite(iv.low) and math.isfinite(iv.high):
        text += f" [{rounded(iv.low * scale, unit)}, {rounded(iv.high * scale, unit)}]"
    return text


def verdict(cf: RecordCounterfactual) -> str:
    """A few sentences on what the shield would have changed over the range."""
    t = cf.totals()
    n = len(cf.nights)
    avoided, cost = t["hits_avoided"], t["cost_usd"]
    per_hit = cost.mean / avoided.mean if avoided.mean > 0 else math.nan
    hits = (t["hits_baseline"], t["hits_shield"], avoided)
    unit = max(sig_unit(h.mean) for h in hits)  # three significant figures of the largest
    lines = [
        f"Over the {n} nights of the record from {cf.start} to {cf.end} with launches"
        f" ({cf.runs_per_night} replications each, seed {cf.seed}), Ukraine's defences alone let"
        f" {_text(t['hits_baseline'], unit=unit)} weapons hit protected assets; with the shield"
        f" of {cf.scenario}, {_text(t['hits_shield'], unit=unit)}: {_text(avoided, unit=unit)}"
        " hits avoided, and"
        f" {_text(t['elsewhere_avoided'])} fewer hits elsewhere.",
        f"The fighters would have killed {_text(t['killed_by_fighters'])} threats, at"
        f" {_text(cost, 1e-6)} M USD in all"
        + (
            f", {per_hit / 1e6:,.2f} M USD per hit on a protected asset avoided."
            if per_hit == per_hit
            else "."
        ),
    ]
    if cf.skipped:
        lines.append(
            f"{len(cf.skipped)} night(s) could not be flown (no weapon or launch place the tables"
            f" know): {', '.join(d.isoformat() for d in cf.skipped)}."
        )
    return " ".join(lines)


def plot_record_nights(cf: RecordCounterfactual, path: Path) -> Path:
    """Two panels over the nights: hits on protected assets with and without the shield, and
    the hits avoided; one quantity per axis."""
    t = cf.table()
    x = np.arange(len(t))
    fig = Figure(figsize=(11, 6.5), dpi=110)
    top, bottom = fig.subplots(2, 1, sharex=True)
    top.bar(x - 0.2, t["hits_baseline"], 0.4, label="Ukraine's defences alone", color="#b03a2e")
    top.bar(x + 0.2, t["hits_shield"], 0.4, label="with the shield", color="#1f3b73")
    top.set_ylabel("hits on protected assets")
    top.legend(loc="upper left", frameon=False)
    bottom.bar(x, t["hits_avoided"], 0.6, color="#2e7d32")
    bottom.set_ylabel("hits avoided by the shield")
    step = max(1, len(t) // 15)
    bottom.set_xticks(x[::step], t["night"].iloc[::step], rotation=45, ha="right")
    bottom.set_xlabel("night of the record (evening date)")
    fig.suptitle(
        f"{cf.scenario} against the record, {cf.start} to {cf.end}: means of"
        f" {cf.runs_per_night} replications a night"
    )
    fig.tight_layout()
    save_figure(fig, path)
    return path


def counterfactual_summary(cf: RecordCounterfactual) -> dict[str, Any]:
    """The JSON of a record counterfactual: range, settings, totals and per-night means with
    their intervals, the nights where the shield mattered most, the skipped nights, runs."""
    return {
        "scenario": cf.scenario,
        "from": cf.start.isoformat(),
        "to": cf.end.isoformat(),
        "nights": len(cf.nights),
        "replications_per_night": cf.runs_per_night,
        "seed": cf.seed,
        "version": __version__,
        "interval_method": INTERVAL_METHOD + "; totals over nights add the nights' variances",
        "totals": {k: _iv(v) for k, v in cf.totals().items()},
        "per_night": {k: _iv(v) for k, v in cf.per_night().items()},
        "most_changed": [
            {
                "night": r["night"],
                "weapons": int(r["weapons"]),
                "hits_avoided": float(r["hits_avoided"]),
            }
            for _, r in cf.most_changed().iterrows()
        ],
        "skipped": [d.isoformat() for d in cf.skipped],
        "runs": {n.night.isoformat(): n.run_id for n in cf.nights},
        "verdict": verdict(cf),
    }


def write_counterfactual(cf: RecordCounterfactual, out: Path) -> dict[str, Any]:
    """Write ``record_nights.csv``, ``record_nights.png`` and ``record.json`` into ``out``;
    returns the JSON's content."""
    write_csv(cf.table(), out / "record_nights.csv")
    plot_record_nights(cf, out / "record_nights.png")
    doc = counterfactual_summary(cf)
    write_atomic(out / "record.json", json.dumps(doc, indent=2, allow_nan=False))
    return doc


def recent_record_section(ctx: Context) -> str:
    """The report's section on the latest month of the record replayed, with and without the
    shield (a note when it was left out)."""
    rec = ctx.summary.get("recent_record")
    if not rec or "recent_record" not in ctx.figures:
        return section(
            "recent",
            "The latest month of the record",
            "<p>Left out of this assessment (<code>--no-record</code>).</p>",
        )
    n = ctx.n
    t = "recent_record/totals"
    top = "".join(
        f"<li>{escape(m['night'])}: {n.num(f'recent_record/most_changed/{i}/weapons', 'count')}"
        f" weapons, {n.num(f'recent_record/most_changed/{i}/hits_avoided')} hits avoided</li>"
        for i, m in enumerate(rec["most_changed"])
    )
    return section(
        "recent",
        "The latest month of the record",
        "<p>The designed stress case above is one heavy night. Here are the nights that"
        f" happened: every night of the record from {escape(rec['from'])} to {escape(rec['to'])}"
        f" ({n.num('recent_record/nights', 'count')} nights with launches) replayed as it was"
        " reported, with Ukraine's defences alone and with the shield,"
        f" {n.num('recent_record/replications_per_night', 'count')} replications a night on"
        f" common random numbers. Over the month: {n.ci(f'{t}/hits_baseline')} hits on"
        f" protected assets without the shield, {n.ci(f'{t}/hits_shield')} with it:"
        f" {n.ci(f'{t}/hits_avoided')} avoided, and {n.ci(f'{t}/elsewhere_avoided')} fewer hits"
        f" elsewhere; the fighters would have killed {n.ci(f'{t}/killed_by_fighters')} threats"
        f" at {n.ci(f'{t}/cost_usd', 1e-6)} M USD.</p>",
        figure(ctx.figures["recent_record"]),
        f"<p>Nights where the shield mattered most:</p><ul>{top}</ul>" if top else "",
        "<p class='note'>A record night keeps the launch areas and targets the report names;"
        " aims it does not name follow the scenario's target model. The table of every night is"
        " <code>record_nights.csv</code>.</p>",
    )
