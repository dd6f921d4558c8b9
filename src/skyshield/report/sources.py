"""The report's list of sources: the bibliography entries the figures of an assessment cite.

The notes of the figures in use (the assumption tables: catalog, engine, ground and raid rows)
name keys of the package bibliography (``skyshield/data/sources.yaml``); the report's last
appendix lists those entries with their title, publisher, date, the figures taken from them and
a link.  A link is only an address to follow: nothing is fetched to show the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from skyshield.catalog.bibliography import Source, cited_keys, load_bibliography
from skyshield.report.assumptions import AssumptionGroup


def cited_sources(notes: Iterable[str]) -> list[Source]:
    """The bibliography entries that ``notes`` cite (by key), in the order of their keys."""
    bib = load_bibliography()
    return [bib[k] for k in sorted(cited_keys(notes))]


def group_notes(groups: Sequence[AssumptionGroup]) -> list[str]:
    """Every source note of the assumption tables."""
    return [r.source for g in groups for r in g.rows]


def sources_section(sources: Sequence[Source]) -> str:
    """The HTML section listing ``sources`` (id ``sources``), each with a link to its address."""
    items = "".join(
        f'<li id="src-{escape(s.key)}"><code>{escape(s.key)}</code>: {escape(s.title)}.'
        f" {escape(s.publisher)}, {escape(s.date)}."
        f' <a href="{escape(s.url)}" rel="noreferrer">{escape(s.url)}</a>'
        f"<ul>{''.join(f'<li>{escape(f)}</li>' for f in s.figures)}</ul></li>"
        for s in sources
    )
    listing = f"<ol>{items}</ol>" if sources else "<p>No figure in use cites a source.</p>"
    return (
        '<section id="sources"><h2>Appendix: sources</h2>'
        "<p>The public sources the figures above cite, by key: a note <em>source: KEY</em> rests"
        " on the entry with that key; an <em>assumption:</em> note may quote one for the range"
        " its value departs from. Each entry gives the figures the project takes from the"
        f" source. {len(sources)} of the {len(load_bibliography())} entries of the package"
        " bibliography (<code>skyshield/data/sources.yaml</code>).</p>"
        f"{listing}</section>"
    )
