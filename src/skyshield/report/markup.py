"""The pieces the report's HTML is made of: numbers of the summary as tagged elements, tables,
figures, and what a section is.

A number is wrapped in an element whose ``data-metric`` attribute is its path in the summary
(keys joined by ``/``), whose ``data-scale`` is the factor it is shown at (M USD, %) when not
1, and whose ``data-round`` is the rounding unit of the text shown (:mod:`skyshield.report.numbers`),
so a reader or a test can check the page against ``summary.json``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Literal

from skyshield.report.assumptions import AssumptionGroup
from skyshield.report.limits import LimitSection
from skyshield.report.numbers import aircraft_unit, exact_unit, interval_unit, rounded, sig_unit


@dataclass(frozen=True)
class FigureImage:
    """A figure for the report: its anchor id, PNG bytes, alternative text and caption."""

    id: str
    png: bytes
    alt: str
    caption: str


def lookup(summary: Mapping[str, Any], path: str) -> Any:
    """The value at ``path`` (keys or list indices joined by ``/``) in the summary; None where
    the path names nothing (a metric no replication defined)."""
    node: Any = summary
    for step in path.split("/"):
        if isinstance(node, list):
            node = node[int(step)] if int(step) < len(node) else None
        else:
            node = node.get(step) if isinstance(node, Mapping) else None
        if node is None:
            return None
    return node


#: How a number is rounded: three significant figures (means, amounts), a whole number
#: (counts of one night, rules, integers of the plan) or aircraft (averages of aircraft:
#: whole when whole, else one decimal) or exact (a figure given as input, shown as written).
Style = Literal["sig", "count", "aircraft", "exact"]
_UNITS = {"count": lambda x: 1.0, "aircraft": aircraft_unit, "sig": sig_unit, "exact": exact_unit}

NA = '<span class="na">n/a</span>'


class Numbers:
    """Formats numbers of the summary as tagged elements (the module docstring)."""

    def __init__(self, summary: Mapping[str, Any]) -> None:
        self.summary = summary

    def tag(self, path: str, value: float, scale: float, unit: float) -> str:
        """``value`` (the summary's, at ``path``) shown times ``scale``, rounded to ``unit``."""
        attrs = f' data-scale="{scale:g}"' if scale != 1.0 else ""
        return (
            f'<span data-metric="{escape(path)}"{attrs} data-round="{unit:g}">'
            f"{rounded(value * scale, unit)}</span>"
        )

    def num(self, path: str, style: Style = "sig", scale: float = 1.0) -> str:
        """The number at ``path``, rounded by ``style``; "n/a" if undefined."""
        value = lookup(self.summary, path)
        if value is None:
            return NA
        unit = _UNITS[style](value * scale)
        return self.tag(path, value, scale, unit)

    def ci(self, path: str, scale: float = 1.0, sep: str = "&ndash;") -> str:
        """Mean and 95 % interval of the interval at ``path`` as ``m [low-high]``, the bounds
        to the mean's unit; the mean alone when there is no interval or it is one value."""
        iv = lookup(self.summary, path)
        if iv is None or iv.get("mean") is None:
            return NA
        mean, bounds = self.mean_and_bounds(path, scale, sep)
        return f'{mean} <span class="ci">[{bounds}]</span>' if bounds else mean

    def mean_and_bounds(
        self, path: str, scale: float = 1.0, sep: str = "&ndash;"
    ) -> tuple[str, str]:
        """The tagged mean of the interval at ``path`` and its bounds ``low-high`` ("" when
        there is no interval or it rounds to the mean alone)."""
        iv = lookup(self.summary, path)
        unit = interval_unit(iv, scale)
        mean = self.tag(f"{path}/mean", iv["mean"], scale, unit)
        return mean, self.bounds(path, scale, unit, sep)

    def bounds(
        self, path: str, scale: float = 1.0, unit: float | None = None, sep: str = "&ndash;"
    ) -> str:
        """``low-high`` of the interval at ``path``, to ``unit`` (default: the mean's); "" when
        there is none or both bounds round to the mean."""
        iv = lookup(self.summary, path)
        if iv is None or iv.get("low") is None or iv.get("high") is None:
            return ""
        unit = interval_unit(iv, scale) if unit is None else unit
        shown = {
            rounded(iv[k] * scale, unit) for k in ("low", "high", "mean") if iv.get(k) is not None
        }
        if len(shown) == 1:
            return ""
        low = self.tag(f"{path}/low", iv["low"], scale, unit)
        high = self.tag(f"{path}/high", iv["high"], scale, unit)
        return f"{low}{sep}{high}"


def figure(f: FigureImage) -> str:
    """A figure as an embedded PNG with its caption."""
    data = base64.b64encode(f.png).decode("ascii")
    return (
        f'<figure id="fig-{escape(f.id)}"><img src="data:image/png;base64,{data}" '
        f'alt="{escape(f.alt)}"><figcaption>{escape(f.caption)}</figcaption></figure>'
    )


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], num_from: int = 1, cls: str = ""
) -> str:
    """A table of already-escaped cells; columns from ``num_from`` on are right-aligned."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i >= num_from else f"<td>{c}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    klass = f' class="{cls}"' if cls else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def markdown_inline(text: str) -> str:
    """Escaped text with ``**bold**`` and `` `code` `` rendered."""
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(text))
    return re.sub(r"`(.+?)`", r"<code>\1</code>", out)


@dataclass(frozen=True)
class Context:
    """What a section is drawn from: the summary, its number formatter, the assumption
    groups, the model's limits and the figures by id."""

    summary: Mapping[str, Any]
    n: Numbers
    groups: Sequence[AssumptionGroup]
    limits: Sequence[LimitSection]
    figures: Mapping[str, FigureImage]


@dataclass(frozen=True)
class Section:
    """A section of the report: its anchor id, its name in the navigation bar and the function
    that writes its HTML (a ``<section id=...>`` element)."""

    id: str
    nav: str
    render: Callable[[Context], str]


def section(id_: str, title: str, *body: str) -> str:
    """A ``<section>`` with its heading and body (already HTML)."""
    return f'<section id="{escape(id_)}"><h2>{escape(title)}</h2>{"".join(body)}</section>'
