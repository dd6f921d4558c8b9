"""A short plain-language verdict on a truce from the monitor's findings.

A truce on **launches** is judged on the launches of the covered classes over the nights it
held in full (a drop is called when the one-sided predictive p-value is below
:data:`SIGNIFICANCE` and the ratio's interval lies below 1) and on the nights that broke it.
A truce on **targets** is judged on what the record's text says of those targets; when the
record names none on the truce's nights or the nights before, the verdict says that launch
counts cannot settle it and gives the launches only as context.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from skyshield.truce.compare import Comparison
from skyshield.truce.monitor import TOTAL, TruceResult

#: p-value below which a change in launches is called.
SIGNIFICANCE = 0.05
#: Nights from which a window counts as long: the fit notes then give the trend carried over.
LONG_WINDOW = 14
#: Pearson chi-square per degree of freedom above which a fit is flagged as too narrow.
PEARSON_FLAG = 2.0


def fmt_p(p: float) -> str:
    """A p-value for text: ``p < 0.001`` or ``p = 0.012``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_count(x: float) -> str:
    """A count of weapons: whole numbers with thousands separators, small means to 1 decimal."""
    return f"{x:,.1f}" if 0 < abs(x) < 10 and x != round(x) else f"{x:,.0f}"


def fmt_ratio(c: Comparison) -> str:
    """``0.48 [0.40, 0.64]``, or ``n/a`` without a ratio."""
    if c.ratio is None or c.ratio_low is None or c.ratio_high is None:
        return "n/a"
    return f"{c.ratio:.2f} [{c.ratio_low:.2f}, {c.ratio_high:.2f}]"


def _dates(nights: list[dt.date]) -> str:
    if not nights:
        return "none"
    if len(nights) > 3 and (nights[-1] - nights[0]).days == len(nights) - 1:
        return f"{nights[0]} to {nights[-1]}"
    return ", ".join(str(n) for n in nights)


def change_phrase(c: Comparison) -> str:
    """What happened to launches against the prediction, in words."""
    if c.p_drop < SIGNIFICANCE and c.ratio_high is not None and c.ratio_high < 1.0:
        if c.observed == 0:
            return "launches stopped"
        return f"launches fell to {100 * (c.ratio or 0.0):.0f} % of what the weeks before predict"
    if c.p_rise < SIGNIFICANCE and c.ratio_low is not None and c.ratio_low > 1.0:
        return "launches rose above what the weeks before predict"
    return (
        "launches stayed within what the weeks before predict (no change the record can"
        " tell from an ordinary night's variation)"
    )


def figures_sentence(result: TruceResult) -> str:
    """The totals over the nights held in full, with interval, ratio and p-value."""
    c = result.total
    held = result.held_nights
    level = f"{100 * result.level:.0f} %"
    return (
        f"On the {len(held)} night(s) it held in full ({_dates(held)}):"
        f" {fmt_count(c.observed)} launched against {fmt_count(c.expected)} expected"
        f" [{fmt_count(c.low)}, {fmt_count(c.high)}] ({level} prediction interval from the"
        f" {result.classes[0].fit.nights} nights before); ratio observed/expected {fmt_ratio(c)};"
        f" {fmt_p(c.p_drop)} for so few launches without a change."
    )


def _partial_sentences(result: TruceResult) -> list[str]:
    t = result.nights
    rows = t[(t["period"] == "truce") & (t["class"] == TOTAL) & (t["coverage"] == "partial")]
    out = []
    w = result.window
    for r in rows.itertuples(index=False):
        if r.night == w.last_night and w.ends is not None:
            outside = f"after it ended at {w.ends:%H:%M} on {w.ends:%Y-%m-%d}"
        elif w.starts is not None:
            outside = f"before it began at {w.starts:%H:%M} on {w.starts:%Y-%m-%d}"
        else:
            outside = "outside its hours"
        split = []
        if r.outside_hours:
            split.append(f"{fmt_count(r.outside_hours)} in reports wholly {outside}")
        if r.overlapping:
            split.append(f"{fmt_count(r.overlapping)} in reports overlapping its start or end")
        if r.inside_hours:
            split.append(f"{fmt_count(r.inside_hours)} in reports inside its hours")
        detail = "; ".join(split) if split else "none"
        out.append(
            f"Night of {r.night}, held only in part ({w.hours_text()}):"
            f" {fmt_count(r.observed)} launched ({detail})."
        )
    return out


def _break_sentences(result: TruceResult) -> list[str]:
    t = result.nights
    out = []
    for r in result.breaks.itertuples(index=False):
        per = t[(t["period"] == "truce") & (t["night"] == r.night) & (t["class"] != TOTAL)]
        classes = ", ".join(
            f"{c} {fmt_count(v)}" for c, v in zip(per["class"], per["observed"], strict=True) if v
        )
        if r.status == "broken":
            what = f"{fmt_count(r.inside_hours)} launched in reports inside the truce's hours"
        else:
            what = (
                f"{fmt_count(r.overlapping)} launched in reports overlapping the truce's start"
                " or end (the record cannot tell on which side)"
            )
        out.append(f"Night of {r.night} {r.status}: {what} ({classes}).")
    return out


def fit_caveats(result: TruceResult) -> list[str]:
    """One sentence a class whose fit needed a simpler model or looks too narrow."""
    out = []
    for c in result.classes:
        f = c.fit
        notes = list(f.notes)
        if f.pearson_chi2_df is not None and f.pearson_chi2_df > PEARSON_FLAG:
            notes.append(
                f"Pearson chi2/df {f.pearson_chi2_df:.1f}: more spread than the model allows,"
                " its intervals are too narrow"
            )
        if "trend_per_week" in f.terms and len(result.window.nights) >= LONG_WINDOW:
            weekly = 100 * (float(np.exp(f.coefficients()["trend_per_week"])) - 1)
            notes.append(
                f"the expectation carries the fit's trend ({weekly:+.0f} % a week) over the"
                f" truce's {len(result.window.nights)} nights; over a long window that"
                " assumption weighs heavily"
            )
        if notes:
            out.append(f"Fit of {c.name} ({f.model} model): " + "; ".join(notes) + ".")
    return out


def _launches_verdict(result: TruceResult) -> list[str]:
    w = result.window
    b = result.breaks
    broken = [r.night for r in b.itertuples(index=False) if r.status == "broken"]
    possible = [r.night for r in b.itertuples(index=False) if r.status == "possibly broken"]
    if broken:
        kept = f"broken on {len(broken)} night(s): {_dates(broken)}"
    elif possible:
        kept = f"possibly broken on {_dates(possible)}; no night certainly broken"
    elif result.threshold:
        kept = (
            f"no night broke it (none with more than {fmt_count(result.threshold)} launches"
            " inside its hours)"
        )
    else:
        kept = "no night broke it (no launch of a covered class inside its hours)"
    lines = [f"{w.title}: {change_phrase(result.total)}; {kept}.", figures_sentence(result)]
    lines += _partial_sentences(result)
    lines += _break_sentences(result)
    return lines


def _targets_verdict(result: TruceResult) -> list[str]:
    w = result.window
    ev = result.targets
    assert ev is not None
    words = ", ".join(ev.words[:6]) + (", ..." if len(ev.words) > 6 else "")
    lines = [f"{w.title} is a truce on targets (named by: {words}), not on launches."]
    if ev.window_nights_named or ev.fit_nights_named:
        named = list(ev.window_nights_named)
        lines.append(
            f"The record names such targets on {len(named)} of its {ev.window_nights} nights"
            f" ({fmt_count(ev.window_launches_named)} launched in those reports) and on"
            f" {ev.fit_nights_named} of the {ev.fit_nights} nights before"
            f" ({fmt_count(ev.fit_launches_named)} launched)."
        )
        if named:
            lines.append(f"Broken, by the record's own words, on the nights of {_dates(named)}.")
        else:
            lines.append(
                "The record names none of its targets while it held: kept, as far as the record tells."
            )
    else:
        lines.append(
            'The record\'s target fields name regions ("Ukraine", "Odesa oblast"), not kinds'
            f" of target, and none of its {ev.window_nights} nights nor of the"
            f" {ev.fit_nights} nights before names such a target: launch counts cannot settle"
            " whether this truce was kept."
        )
    lines.append(f"For context, {change_phrase(result.total)}. " + figures_sentence(result))
    return lines


def verdict(result: TruceResult) -> list[str]:
    """The verdict on ``result`` as sentences, headline first, then the figures and the nights
    that need a word (partial nights, breaks); :func:`fit_caveats` adds the fits' notes."""
    if result.window.kind == "launches":
        return _launches_verdict(result)
    return _targets_verdict(result)


__all__ = [
    "LONG_WINDOW",
    "PEARSON_FLAG",
    "SIGNIFICANCE",
    "change_phrase",
    "figures_sentence",
    "fit_caveats",
    "fmt_count",
    "fmt_p",
    "fmt_ratio",
    "verdict",
]
