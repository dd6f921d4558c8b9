"""Writing an assessment's outputs: its figures (PNG), ``summary.json`` and ``report.html``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skyshield.files import write_atomic, write_csv
from skyshield.report.assumptions import assumption_groups
from skyshield.report.briefing import assessment_summary, sizing_table
from skyshield.report.charts import plot_sizing_curve
from skyshield.report.counterfactual import plot_record_nights
from skyshield.report.figures import plot_hits_by_asset, plot_kills_by_layer, png_bytes
from skyshield.report.html import FigureImage, render_report
from skyshield.report.limits import load_limits
from skyshield.report.night_map import plot_night_map
from skyshield.studies import Assessment


def briefing_figures(a: Assessment, summary: dict[str, Any], out: Path) -> dict[str, FigureImage]:
    """The report's figures, each also written to ``out/<id>.png``: the sample night's map, hits
    per asset, kills by layer and, with a sweep, the sizing curve (and ``out/sweep.csv``)."""
    w, sample = a.world, a.sample
    name, night, n = w.ls.scenario.name, w.night, len(a.reps)
    figures = [
        FigureImage(
            "night_map",
            png_bytes(
                plot_night_map(
                    w.ls,
                    w.plan,
                    sample.threats,
                    sample.outcomes["shield"],
                    f"{name}: night {night.name}, replication {sample.rep} of the Monte Carlo run, with the shield",
                )
            ),
            "Map of the sample night: threat tracks coloured by fate, fighter legs, bases, CAP"
            " stations, AEW orbits, zones, hostile areas and protected assets",
            "The sample night with the shield, in longitude and latitude. Track colours: how each"
            " threat ended; black: fighter legs; circles: CAP stations (green held, orange short,"
            " red empty; aircraft on station held / required); triangles: host bases (ICAO code,"
            " jets pledged); dashed: AEW orbits.",
        ),
        FigureImage(
            "hits_by_asset",
            png_bytes(
                plot_hits_by_asset(
                    summary["hits_by_asset"],
                    f"{name}: hits a night per protected asset, {n} replications",
                )
            ),
            "Bar chart of hits a night on each protected asset, with and without the shield,"
            " with 95 % intervals",
            "Hits a night per protected asset (assets never hit are left out); error bars: 95 %"
            " intervals.",
        ),
        FigureImage(
            "kills_by_layer",
            png_bytes(
                plot_kills_by_layer(
                    summary["kills_by_layer"],
                    f"{name}: how the night's {night.total} threats end, {n} replications",
                )
            ),
            "Bar chart of how threats end, by layer, with and without the shield, with 95 %"
            " intervals",
            "How the threats of a night end, by layer; error bars: 95 % intervals.",
        ),
    ]
    if a.recent is not None:
        write_csv(a.recent.table(), out / "record_nights.csv")
        png = plot_record_nights(a.recent, out / "record_nights.png")
        figures.append(
            FigureImage(
                "recent_record",
                png.read_bytes(),
                "Bar charts of hits on protected assets with and without the shield, and hits"
                " avoided, on each night of the record's latest month",
                "The latest month of the record, night by night: hits on protected assets with"
                " Ukraine's defences alone and with the shield (top), hits avoided (bottom);"
                " means over the replications of each night.",
            )
        )
    for f in figures:
        (out / f"{f.id}.png").write_bytes(f.png)
    table = sizing_table(a)
    if table is not None:
        write_csv(table, out / "sweep.csv")
        main = table[table["main_run"]]
        marked = main[f"set:{a.sweep_path}"].iloc[0] if len(main) else None
        png = plot_sizing_curve(
            table,
            f"set:{a.sweep_path}",
            out / "sizing.png",
            f"{name}: hits and cost a night against the coalition's size ({a.sweep_runs}"
            " replications a point)",
            marked=marked,
            marked_label=f"the main run ({n} replications), the headline's figures",
        )
        figures.append(
            FigureImage(
                "sizing",
                png.read_bytes(),
                "Sizing curve in two panels: hits on protected assets a night, and the shield's"
                " cost a night, against the number of jets in the coalition, with 95 % bands",
                "Above: hits on protected assets a night, with Ukraine's defences alone and with"
                " the shield. Below: the shield's cost a night, M USD. Both against the number of"
                " jets in the coalition; bands: 95 % intervals; circled: the main run.",
            )
        )
    return {f.id: f for f in figures}


def write_briefing(a: Assessment, out: Path) -> dict[str, Any]:
    """Write the figures, then ``out/summary.json``, then ``out/report.html`` (each file whole
    or not at all); returns the summary."""
    out.mkdir(parents=True, exist_ok=True)
    summary = assessment_summary(a)
    figures = briefing_figures(a, summary, out)
    write_atomic(out / "summary.json", json.dumps(summary, indent=2, allow_nan=False).encode())
    html = render_report(summary, assumption_groups(a.world), load_limits(), figures)
    write_atomic(out / "report.html", html.encode("utf-8"))
    return summary
