"""The tornado chart of a sensitivity analysis (matplotlib, no global state)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from skyshield.files import save_figure

#: Colours of the bars: the factor at its low and at its high value.
LOW_COLOUR, HIGH_COLOUR = "#3b6fb6", "#d9822b"


def plot_tornado(table: pd.DataFrame, path: Path, title: str, metric_label: str) -> Path:
    """One row per factor (the table of :func:`skyshield.analysis.sensitivity.tornado_table`,
    largest swing at the top): a bar from the base case's mean to the mean at the factor's low
    value and one to its high value, each with the 95 % interval of the paired difference from
    the base; a line at the base case's mean and its 95 % band."""
    n = len(table)
    fig = Figure(figsize=(10, 1.6 + 0.55 * max(n, 1)), dpi=110)
    ax = fig.subplots()
    base = float(table["base"].iloc[0]) if n else 0.0
    y = np.arange(n)[::-1]  # first row (largest swing) at the top
    h = 0.38
    for lv, colour, dy in (("low", LOW_COLOUR, h / 2), ("high", HIGH_COLOUR, -h / 2)):
        delta = table[f"delta_{lv}"].to_numpy(float)
        err = np.vstack(
            [
                delta - table[f"delta_{lv}.low"].to_numpy(float),
                table[f"delta_{lv}.high"].to_numpy(float) - delta,
            ]
        )
        ax.barh(y + dy, delta, h, left=base, color=colour, label=f"factor at its {lv} value")
        ax.errorbar(
            base + delta,
            y + dy,
            xerr=np.nan_to_num(err),
            fmt="none",
            ecolor="#333",
            capsize=3,
            lw=1,
        )
        ends = table[f"delta_{lv}.high"].where(delta >= 0, table[f"delta_{lv}.low"])
        for yi, d, end, text in zip(
            y + dy, delta, ends.fillna(0.0), table[f"{lv}_value"], strict=True
        ):
            if math.isfinite(d):  # the level's value, just beyond the whisker
                right = d >= 0
                ax.annotate(
                    str(text),
                    (base + max(d, end) if right else base + min(d, end), yi),
                    xytext=(4 if right else -4, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                    ha="left" if right else "right",
                )
    ax.axvline(base, color="#222", lw=1)
    if n:
        ax.axvspan(
            float(table["base.low"].iloc[0]),
            float(table["base.high"].iloc[0]),
            color="#999",
            alpha=0.15,
            label="base case, 95 % interval",
        )
    ax.set_yticks(
        y,
        [
            f"{lab}\n(base {bv})"
            for lab, bv in zip(table["label"], table["base_value"], strict=True)
        ],
        fontsize=8,
    )
    ax.set_xlabel(f"{metric_label} (mean; whiskers: 95 % interval of the difference from base)")
    ax.margins(x=0.15)
    ax.legend(fontsize=8, loc="best")
    ax.set_title(title, fontsize=11)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    save_figure(fig, path)
    return path
