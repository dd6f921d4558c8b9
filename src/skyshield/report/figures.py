"""Charts of the briefing report, drawn from the assessment summary (matplotlib, no global state).

Each function takes parts of :func:`~skyshield.report.briefing.assessment_summary` (intervals as
``{"mean", "low", "high"}`` mappings) and returns a matplotlib Figure; :func:`png_bytes` renders
one as PNG.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from skyshield.engine.names import FATES

#: Colours of the two defences in every chart.
BASELINE_COLOUR, SHIELD_COLOUR = "#b03a2e", "#1e8449"
#: Words for the fates (what ended each threat).
FATE_LABELS = {
    "killed_fighter": "killed by fighters",
    "killed_ground": "killed by ground defences",
    "lost_ew": "lost to EW",
    "hit_asset": "hit a protected asset",
    "hit_elsewhere": "hit elsewhere",
    "outside_protected_area": "outside the protected area",
}


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes (at its own size and dpi)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _errors(ivs: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Means and (below, above) error bar lengths of intervals (0 where undefined)."""
    mean = np.array([iv["mean"] if iv["mean"] is not None else 0.0 for iv in ivs])
    low = np.array(
        [iv["low"] if iv["low"] is not None else m for iv, m in zip(ivs, mean, strict=True)]
    )
    high = np.array(
        [iv["high"] if iv["high"] is not None else m for iv, m in zip(ivs, mean, strict=True)]
    )
    return mean, np.vstack([np.maximum(mean - low, 0.0), np.maximum(high - mean, 0.0)])


def plot_hits_by_asset(rows: Sequence[Mapping[str, Any]], title: str) -> Figure:
    """Horizontal bars: hits a night on each protected asset hit at least once, with Ukraine's
    defences alone and with the shield, 95 % intervals as error bars (``rows`` as
    ``summary["hits_by_asset"]``, in the order drawn from the top)."""
    shown = [r for r in rows if (r["baseline"]["mean"] or 0) > 0 or (r["shield"]["mean"] or 0) > 0]
    fig = Figure(figsize=(10, 1.6 + 0.42 * max(len(shown), 1)), dpi=110)
    ax = fig.subplots()
    if not shown:
        ax.text(0.5, 0.5, "no protected asset was hit", ha="center", va="center")
        ax.set_axis_off()
    else:
        y = np.arange(len(shown))[::-1]
        for dy, key, colour, label in (
            (0.2, "baseline", BASELINE_COLOUR, "Ukraine's defences alone"),
            (-0.2, "shield", SHIELD_COLOUR, "with the shield"),
        ):
            mean, err = _errors([r[key] for r in shown])
            ax.barh(
                y + dy,
                mean,
                height=0.38,
                color=colour,
                label=label,
                xerr=err,
                error_kw={"ecolor": "#333", "capsize": 2, "lw": 0.8},
            )
        ax.set_yticks(y, [r["name"] for r in shown], fontsize=8)
        ax.set_xlabel("hits a night (mean over replications, 95 % interval)")
        ax.set_xlim(left=0)
        ax.legend(loc="lower right", fontsize=8)
        ax.grid(axis="x", color="#ddd", lw=0.5)
        ax.set_axisbelow(True)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_kills_by_layer(kills: Mapping[str, Mapping[str, Mapping[str, Any]]], title: str) -> Figure:
    """Grouped bars: how the night's threats ended (fate by layer), with Ukraine's defences
    alone and with the shield, 95 % intervals as error bars (``kills`` as
    ``summary["kills_by_layer"]``)."""
    fig = Figure(figsize=(10, 4.6), dpi=110)
    ax = fig.subplots()
    x = np.arange(len(FATES))
    for dx, key, colour, label in (
        (-0.2, "baseline", BASELINE_COLOUR, "Ukraine's defences alone"),
        (0.2, "shield", SHIELD_COLOUR, "with the shield"),
    ):
        mean, err = _errors([kills[key][f] for f in FATES])
        bars = ax.bar(
            x + dx,
            mean,
            width=0.38,
            color=colour,
            label=label,
            yerr=err,
            error_kw={"ecolor": "#333", "capsize": 2, "lw": 0.8},
        )
        ax.bar_label(bars, labels=[f"{m:,.0f}" for m in mean], fontsize=7, padding=2)
    ax.set_xticks(x, [FATE_LABELS[f] for f in FATES], fontsize=8)
    ax.set_ylabel("threats a night (mean, 95 % interval)")
    ax.legend(fontsize=8)
    ax.grid(axis="y", color="#ddd", lw=0.5)
    ax.set_axisbelow(True)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
