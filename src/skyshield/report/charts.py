"""Charts of analyses (matplotlib, no global state)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from skyshield.files import save_figure

#: Plain names of the fields a sweep usually varies (axis labels); others show their path.
PLAIN_NAMES = {
    "coalition.total_aircraft": "jets in the coalition (every pledge scaled, the mix kept)",
    "theatre.patrol_standoff_km": "patrol standoff from hostile territory, km",
    "theatre.engage_standoff_km": "engagement standoff from hostile territory, km",
    "cap.use_tankers": "air refuelling",
}


def plain_name(path: str) -> str:
    """The plain name of a swept field (``set:`` prefix dropped); its path if it has none."""
    path = path.removeprefix("set:")
    return PLAIN_NAMES.get(path, path)


def plot_sizing_curve(
    table: pd.DataFrame,
    x: str,
    path: Path,
    title: str,
    marked: float | None = None,
    marked_label: str = "",
) -> Path:
    """Write :func:`sizing_figure` to ``path`` (PNG, SVG or PDF by suffix)."""
    fig = sizing_figure(table, x, title, marked, marked_label)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_figure(fig, path)
    return path


def sizing_figure(
    table: pd.DataFrame, x: str, title: str, marked: float | None = None, marked_label: str = ""
) -> Figure:
    """Two panels against ``x``, one quantity each: hits on protected assets a night (Ukraine's
    defences alone and with the shield) above, the shield's cost a night (M USD) below, means
    with 95 % bands; one line per value of any other swept column.  ``marked``: an x value to
    circle in both panels (the point of the main run), explained by ``marked_label``."""
    fig = Figure(figsize=(10, 7.2), dpi=110)
    hits_ax, cost_ax = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    others = [c for c in table.columns if c.startswith("set:") and c != x]
    groups = table.groupby(others, sort=False) if others else [((), table)]
    series = (  # (axis, metric, scale, style, colour, label)
        (hits_ax, "baseline.hits_on_assets", 1.0, "s--", "#a33", "Ukraine's defences alone"),
        (hits_ax, "shield.hits_on_assets", 1.0, "o-", "#0b6e0b", "with the shield"),
        (cost_ax, "shield.shield_cost_usd", 1e-6, "d-", "#1f3b73", "the shield's cost"),
    )
    for key, g in groups:
        g = g.sort_values(x)
        values = key if isinstance(key, tuple) else (key,)
        label = (
            " ("
            + ", ".join(f"{plain_name(o)} = {v}" for o, v in zip(others, values, strict=False))
            + ")"
            if others
            else ""
        )
        for axis, metric, scale, style, colour, name in series:
            axis.plot(g[x], g[metric] * scale, style, color=colour, label=name + label)
            axis.fill_between(
                g[x],
                g[f"{metric}.low"] * scale,
                g[f"{metric}.high"] * scale,
                color=colour,
                alpha=0.15,
                lw=0,
            )
            if marked is not None and (g[x] == marked).any():
                row = g[g[x] == marked].iloc[0]
                axis.plot(
                    [marked],
                    [row[metric] * scale],
                    "o",
                    ms=13,
                    mfc="none",
                    mec="#111",
                    mew=1.4,
                    zorder=5,
                )
    hits_ax.set_ylabel("hits on protected assets a night")
    cost_ax.set_ylabel("shield cost a night, M USD")
    cost_ax.set_xlabel(plain_name(x))
    for ax in (hits_ax, cost_ax):
        ax.set_ylim(bottom=0)
        ax.grid(color="#ddd", lw=0.5)
        ax.set_axisbelow(True)
        ax.legend(fontsize=8, loc="lower right" if ax is hits_ax else "upper left")
    hits_ax.set_title(title, fontsize=11)
    if marked is not None and marked_label:
        cost_ax.annotate(
            f"circled: {marked_label}",
            (0.99, 0.04),
            xycoords="axes fraction",
            ha="right",
            fontsize=8,
            color="#333",
        )
    fig.tight_layout()
    return fig
