"""The monitor's chart: launches per night, observed against expected, with the prediction
band over the truce's nights and the fit period before it.

One row for all covered classes together, then one a class; on the left the fit nights and
the truce, on the right a closer view of the truce and the week before it.  Fit nights: grey
bars (launched) and a dashed line (the model's mean at its estimates).  Truce (shaded yellow):
black bars and dots for nights held in full, hatched bars for nights held in part, the
expected launches (blue steps) and the prediction interval (blue band); red marks over the
nights that broke the truce (orange: possibly).  Nights of other truces left out of the fit
are shaded grey.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from skyshield.files import save_figure
from skyshield.truce.monitor import TOTAL, TruceResult

_BREAK_COLOURS = {"broken": "tab:red", "possibly broken": "tab:orange", "targets named": "tab:red"}


def _days(nights: pd.Series) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(nights.astype(str)))


def _panel(ax: Any, result: TruceResult, name: str, first: pd.Timestamp | None) -> None:
    """Draw one class (or :data:`TOTAL`) on ``ax``, from night ``first`` on (None: all)."""
    t = result.nights
    one_day = pd.Timedelta(days=1)
    fit = t[(t["period"] == "fit") & (t["class"] == name)]
    win = t[(t["period"] == "truce") & (t["class"] == name)]
    wx = _days(win["night"])
    # every fit night in order, NaN on the nights left out (a gap in the stairs and the line)
    fx = pd.date_range(pd.Timestamp(result.fit_first), pd.Timestamp(result.fit_last))
    if first is not None:
        fx = fx[fx >= first]
    by_night = fit.set_index(_days(fit["night"]))
    observed_fit = by_night["observed"].reindex(fx).to_numpy(dtype=float)
    # one patch for all fit nights: a bar each would be slow to draw
    ax.stairs(
        observed_fit,
        fx.append(fx[-1:] + one_day) - one_day / 2,
        fill=True,
        color="0.7",
        label="launched (fit nights)",
    )
    ax.plot(
        fx, by_night["expected"].reindex(fx), "--", color="tab:blue", lw=1, label="model mean (fit)"
    )
    full = (win["coverage"] == "full").to_numpy()
    observed = win["observed"].to_numpy(dtype=float)
    ax.bar(wx[full], observed[full], width=0.8, color="black", label="launched (truce)")
    if not full.all():
        ax.bar(
            wx[~full],
            observed[~full],
            width=0.8,
            color="white",
            edgecolor="black",
            hatch="///",
            label="launched (night held in part)",
        )
    ax.plot(wx, observed, "o", color="black", ms=3)  # shows a night of 0 launches
    ax.fill_between(
        wx,
        win["low"],
        win["high"],
        step="mid",
        color="tab:blue",
        alpha=0.2,
        label=f"{100 * result.level:.0f} % prediction interval",
    )
    ax.step(wx, win["expected"], where="mid", color="tab:blue", lw=1.5, label="expected")
    ax.axvspan(wx[0] - one_day / 2, wx[-1] + one_day / 2, color="gold", alpha=0.15, lw=0)
    for night in sorted(result.fit_left_out):
        day = pd.Timestamp(night)
        if first is None or day >= first:
            ax.axvspan(day - one_day / 2, day + one_day / 2, color="0.85", lw=0)
    top = float(np.nanmax([np.nanmax(observed_fit), win["high"].max(), observed.max(), 1.0]))
    if name == TOTAL:
        for status, colour in _BREAK_COLOURS.items():
            sel = (win["status"] == status).to_numpy()
            if sel.any():
                ax.scatter(
                    wx[sel],
                    np.full(sel.sum(), 1.05 * top),
                    marker="v",
                    s=40,
                    color=colour,
                    label=f"night {status}",
                    zorder=5,
                )
    ax.set_ylim(0, 1.12 * top)


def plot_truce(result: TruceResult, path: Path, headline: str = "") -> Path:
    """Write the chart of ``result`` to ``path`` (PNG, SVG or PDF by suffix); returns it.
    ``headline`` (the verdict's first sentence) goes under the title.  Left: the fit nights
    and the truce; right: the truce and the week before it, closer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    w = result.window
    names = [TOTAL, *(c.name for c in result.classes)]
    fig = Figure(figsize=(13, 2.2 + 2.3 * len(names)), dpi=110)
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(names), 2, squeeze=False, gridspec_kw={"width_ratios": [3, 1.3]})
    zoom_from = pd.Timestamp(w.first_night) - pd.Timedelta(days=7)
    for row, name in zip(axes, names, strict=True):
        _panel(row[0], result, name, None)
        _panel(row[1], result, name, zoom_from)
        row[0].set_ylabel("launched per night")
        label = "all covered classes" if name == TOTAL else name
        row[0].set_title(label, loc="left", fontsize=9)
        row[1].set_title(f"{label}: the truce and the week before", loc="left", fontsize=9)
        for ax in row:
            ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    axes[0][0].legend(loc="upper left", fontsize=7, ncol=3)
    span = f"nights {w.first_night} to {w.last_night}"
    hours = f"; {w.hours_text()}" if w.hours_text() else ""
    fig.suptitle(f"{w.title} ({span}{hours})\n{headline}", fontsize=10)
    fig.supxlabel(
        "night (date of the evening, Kyiv time); shaded yellow: the truce; grey: nights of"
        " other truces left out of the fit",
        fontsize=8,
    )
    fig.tight_layout()
    save_figure(fig, path)
    return path


__all__ = ["plot_truce"]
