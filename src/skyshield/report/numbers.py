"""How the report and the terminal round numbers: means to three significant figures, counts
of a single night as whole numbers, an interval's bounds to the same unit as its mean.

A rounding *unit* is the place value of the last digit shown (1,000 for 671,318 shown as
"671,000", 0.001 for 0.6713 shown as "0.671"); the report writes it beside each number
(``data-round``) so that a test can check the shown text against ``summary.json``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

#: Significant figures of a mean over replications.
SIGNIFICANT = 3


def sig_unit(x: float, sig: int = SIGNIFICANT) -> float:
    """The rounding unit that keeps ``sig`` significant figures of ``x`` (1 for 0 or a value
    that is not finite)."""
    if x == 0 or not math.isfinite(x):
        return 1.0
    return 10.0 ** (math.floor(math.log10(abs(x))) - sig + 1)


def decimals(unit: float) -> int:
    """Decimal places a number rounded to ``unit`` shows (0 for a unit of 1 or more)."""
    return max(0, -math.floor(math.log10(unit) + 1e-9))


def rounded(x: float, unit: float) -> str:
    """``x`` rounded to ``unit`` with thousands separators: ``rounded(671318, 1000)`` is
    ``"671,000"``, ``rounded(0.6713, 0.001)`` is ``"0.671"``; a rounded 0 shows no sign."""
    if unit >= 1:
        value = round(x / unit) * unit
        return f"{value + 0.0:,.0f}"
    text = f"{x:,.{decimals(unit)}f}"
    return text.removeprefix("-") if float(text.replace(",", "")) == 0 else text


def sig(x: float, n: int = SIGNIFICANT) -> str:
    """``x`` to ``n`` significant figures (at least whole units for numbers of ``n`` digits or
    more: ``sig(120.0)`` is ``"120"``, ``sig(48.27)`` ``"48.3"``, ``sig(671318)`` ``"671,000"``)."""
    return rounded(x, sig_unit(x, n))


def count(x: float) -> str:
    """A whole number with thousands separators (a count of one night, a rule in km)."""
    return rounded(x, 1.0)


def exact_unit(x: float) -> float:
    """The rounding unit that shows a given figure as it was written (up to three decimals):
    1 for 3.0, 0.5 -> 0.1, 0.25 -> 0.01 (a weight or a rule, not a result)."""
    for d in range(4):
        if abs(x * 10**d - round(x * 10**d)) < 1e-9:
            return 10.0**-d
    return 0.001


def aircraft_unit(x: float) -> float:
    """The rounding unit of an average number of aircraft: 1 when it is whole (to 0.05), else
    0.1 (``"4 of 4"`` on station, ``"0.9 of 2"``; jets committed ``"120"``, ``"15.7"``); 0.01
    for a small share that is not 0 (``"0.04"``, not ``"0"``)."""
    if 0 < abs(x) < 0.05:
        return 0.01
    return 1.0 if abs(x - round(x)) < 0.05 else 0.1


def aircraft(x: float) -> str:
    """An average number of aircraft, rounded by :func:`aircraft_unit`."""
    return rounded(x, aircraft_unit(x))


def interval_text(iv: Mapping[str, Any], scale: float = 1.0, sep: str = "\u2013") -> str:
    """An interval of ``summary.json`` (``mean``, ``low``, ``high``) as ``"mean [low-high]"``,
    each times ``scale``, the bounds to the mean's unit; the mean alone without an interval
    (or when both bounds equal it), "n/a" without a mean."""
    if iv.get("mean") is None:
        return "n/a"
    mean = iv["mean"] * scale
    unit = interval_unit(iv, scale)
    text = rounded(mean, unit)
    low, high = iv.get("low"), iv.get("high")
    if low is None or high is None:
        return text
    lo, hi = rounded(low * scale, unit), rounded(high * scale, unit)
    return text if lo == hi == text else f"{text} [{lo}{sep}{hi}]"


def interval_unit(iv: Mapping[str, Any], scale: float = 1.0) -> float:
    """The rounding unit of an interval: three significant figures of its mean, or of the
    largest bound when the mean rounds to 0 (a mean of 0.0 with bounds up to 0.4)."""
    mean = abs((iv.get("mean") or 0.0) * scale)
    if mean == 0:
        bounds = [abs(v * scale) for v in (iv.get("low"), iv.get("high")) if v is not None]
        mean = max(bounds, default=0.0)
    return sig_unit(mean)
