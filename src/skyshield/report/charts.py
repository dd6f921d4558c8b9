"""Charts of analyses (matplotlib, no global state)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from skyshield.files import save_figure


def plot_sizing_curve(table: pd.DataFrame, x: str, path: Path, title: str) -> Path:
    """Hits on protected assets (baseline and shield, 95 % bands) and the shield's cost a night
    against ``x``; one line per value of any other swept column."""
    fig = Figure(figsize=(10, 6), dpi=110)
    ax = fig.subplots()
    ax2 = ax.twinx()
    others = [c for c in table.columns if c.startswith("set:") and c != x]
    groups = table.groupby(others, sort=False) if others else [((), table)]
    series = (  # (axis, metric, scale, style, colour, band opacity, label)
        (ax, "shield.hits_on_assets", 1.0, "o-", "#0b6e0b", 0.15, "hits on assets, shield"),
        (ax, "baseline.hits_on_assets", 1.0, "s--", "#a33", 0.1, "hits on assets, Ukraine's defences alone"),
        (ax2, "shield.shield_cost_usd", 1e-6, "d:", "#1f3b73", 0.1, "shield cost a night (M USD)"),
    )  # fmt: skip
    for key, g in groups:
        g = g.sort_values(x)
        values = key if isinstance(key, tuple) else (key,)
        label = (
            " (" + ", ".join(f"{o[4:]}={v}" for o, v in zip(others, values, strict=False)) + ")"
            if others
            else ""
        )
        for axis, metric, scale, style, colour, alpha, name in series:
            axis.plot(g[x], g[metric] * scale, style, color=colour, label=name + label)
            axis.fill_between(
                g[x],
                g[f"{metric}.low"] * scale,
                g[f"{metric}.high"] * scale,
                color=colour,
                alpha=alpha,
            )
    ax.set_xlabel(x.removeprefix("set:"))
    ax.set_ylabel("hits on protected assets a night (mean, 95 % band)")
    ax2.set_ylabel("shield cost a night, M USD (mean, 95 % band)")
    ax.set_ylim(bottom=0)
    ax2.set_ylim(bottom=0)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper right")
    ax.set_title(title, fontsize=11)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    save_figure(fig, path)
    return path
