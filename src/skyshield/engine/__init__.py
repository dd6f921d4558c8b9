"""The engine: analytic kinematics on piecewise-linear routes (docs/engine.md)."""

from skyshield.engine.kinematics import (
    INTERCEPT_TOL_KM,
    Intercept,
    Positions,
    circle_entry_times,
    earliest_intercept,
    positions_at,
)

__all__ = [
    "INTERCEPT_TOL_KM",
    "Intercept",
    "Positions",
    "circle_entry_times",
    "earliest_intercept",
    "positions_at",
]
