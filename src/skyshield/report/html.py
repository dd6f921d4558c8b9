"""The briefing report: one self-contained HTML file (styles inline, figures as PNG data URIs).

Every number shown comes from the assessment summary (``summary.json``), tagged with its path
(:mod:`skyshield.report.markup`), so a reader or a test can check the page against the summary.
The sections are :data:`skyshield.report.sections.SECTIONS`, in order; a new section is one
more entry there.  No script, no external address: the file opens offline and can be handed on
as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from skyshield.report.assumptions import AssumptionGroup
from skyshield.report.limits import LimitSection
from skyshield.report.markup import Context, FigureImage, Numbers, Section, lookup
from skyshield.report.sections import SECTIONS

__all__ = ["FigureImage", "lookup", "render_report"]

_CSS = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1c1c1c; margin: 0;
       background: #fff; line-height: 1.45; }
main { max-width: 1120px; margin: 0 auto; padding: 1.2em 1.6em 3em; }
header { background: #1f3b73; color: #fff; padding: 1.2em 1.6em; }
header h1 { margin: 0 0 0.2em; font-size: 1.6em; }
header p { margin: 0; color: #d6e0f5; }
nav { font-size: 0.9em; margin: 0.8em 0 0; }
nav a { color: #fff; margin-right: 1em; }
section:first-child h2 { margin-top: 0.6em; }
h2 { border-bottom: 2px solid #1f3b73; padding-bottom: 0.15em; margin-top: 2em; color: #1f3b73; }
h3 { margin-bottom: 0.3em; }
.question { font-size: 1.05em; background: #f3f6fb; border-left: 4px solid #1f3b73;
            padding: 0.6em 1em; }
.answer { font-size: 1.05em; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 0.7em; }
.card { border: 1px solid #cfd8e6; border-radius: 6px; padding: 0.6em 0.8em; background: #fafcff; }
.card .label { font-size: 0.82em; color: #555; }
.card .value { font-size: 1.55em; font-weight: bold; color: #1f3b73; }
.card .ci { font-size: 0.8em; color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 0.86em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #d5d5d5; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eef2f8; }
td.num { text-align: right; white-space: nowrap; }
td.src { font-size: 0.9em; color: #444; }
.ci { color: #555; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e2e2e2; }
figcaption { font-size: 0.88em; color: #444; }
.note { font-size: 0.9em; color: #444; }
code { background: #f2f2f2; padding: 0 0.25em; }
footer { font-size: 0.8em; color: #666; margin-top: 3em; }
.ci-total { color: #7a4b00; }
span.ci, span.ci-total { white-space: nowrap; }
table.ledger { width: auto; min-width: 60%; font-size: 0.95em; }
table.ledger td:first-child { padding-right: 2em; }
strong.empty { color: #b03a2e; }
strong.short { color: #b85c00; }
dl.glossary { display: grid; grid-template-columns: max-content 1fr; gap: 0.25em 1em; }
dl.glossary dt { font-weight: bold; }
dl.glossary dd { margin: 0; }
"""


def render_report(
    summary: Mapping[str, Any],
    groups: Sequence[AssumptionGroup],
    limits: Sequence[LimitSection],
    figures: Mapping[str, FigureImage],
    sections: Sequence[Section] = SECTIONS,
) -> str:
    """The report as one HTML document: a header with the navigation bar, then ``sections``
    in order.  ``figures`` by id: ``night_map``, ``hits_by_asset``, ``kills_by_layer`` and,
    with a sweep, ``sizing``."""
    n = Numbers(summary)
    s = summary
    raid = s["raid"]
    ctx = Context(summary, n, groups, limits, figures)
    title = f"Sky Shield assessment: {s['scenario']}"
    nav = "".join(f'<a href="#{escape(sec.id)}">{escape(sec.nav)}</a>' for sec in sections)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<link rel="icon" href="data:,">',
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
            f"<header><h1>{escape(title)}</h1>",
            f"<p>{escape(s['description'] or '')} Raid: {escape(raid['night'])}"
            f" ({n.num('raid/weapons', 'count')} weapons). {n.num('replications', 'count')}"
            f" replications, seed {escape(str(s['seed']))}; Sky Shield {escape(s['version'])},"
            f" {escape(s['created_at'])}.</p>",
            f"<nav>{nav}</nav></header><main>",
            *(sec.render(ctx) for sec in sections),
            f"<footer>Sky Shield {escape(s['version'])}. Figures made with matplotlib. Borders:"
            " Natural Earth (public domain). Attack record: “Massive Missile Attacks on Ukraine”,"
            " Petro Ivaniuk (Kaggle).</footer>",
            "</main></body></html>",
        ]
    )
