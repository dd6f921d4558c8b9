"""Charts of analyses (matplotlib, no global state)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure


def plot_sizing_curve(table: pd.DataFrame, x: str, path: Path, title: str) -> Path:
    """Hits on protected assets (baseline and shield, 95 % bands) and the shield's cost a night
    against ``x``; one line per value of any other swept column."""
    fig = Figure(figsize=(10, 6), dpi=110)
    ax = fig.subplots()
    ax2 = ax.twinx()
    others = [c for c in table.columns if c.startswith("set:") and c != x]
    groups = table.groupby(others, sort=False) if others else [((), table)]
    for key, g in groups:
        g = g.sort_values(x)
        label = (
            ""
            if not others
            else " ("
            + ", ".join(
                f"{o[4:]}={v}"
                for o, v in zip(others, key if isinstance(key, tuple) else (key,), strict=False)
            )
            + ")"
        )
        ax.plot(
            g[x],
            g["shield.hits_on_assets"],
            "o-",
            color="#0b6e0b",
            label="hits on assets, shield" + label,
        )
        ax.fill_between(
            g[x],
            g["shield.hits_on_assets.low"],
            g["shield.hits_on_assets.high"],
            color="#0b6e0b",
            alpha=0.15,
        )
        ax.plot(
            g[x],
            g["baseline.hits_on_assets"],
            "s--",
            color="#a33",
            label="hits on assets, Ukraine's defences alone" + label,
        )
        ax.fill_between(
            g[x],
            g["baseline.hits_on_assets.low"],
            g["baseline.hits_on_assets.high"],
            color="#a33",
            alpha=0.1,
        )
        cost = g["shield.shield_cost_usd"] / 1e6
        ax2.plot(g[x], cost, "d:", color="#1f3b73", label="shield cost a night (M USD)" + label)
        ax2.fill_between(
            g[x],
            g["shield.shield_cost_usd.low"] / 1e6,
            g["shield.shield_cost_usd.high"] / 1e6,
            color="#1f3b73",
            alpha=0.1,
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
    fig.savefig(path)
    return path
