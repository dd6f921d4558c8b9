"""Threat paths sampled from a raid, with the value each puts at risk.

A night is flown (:func:`skyshield.raids.fly`) as many times as it takes to have ``count``
threats, from one seeded generator, and ``count`` of them are drawn without replacement.  A
path aimed at a protected asset carries that asset's value weight; one aimed at a region carries
the engine's ``region_value`` (the same values the engine's weapon assignment scores with).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from skyshield.raids import Night, RaidContext, fly

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Str = NDArray[np.str_]


@dataclass(frozen=True)
class PathSample:
    """``len(value)`` threat paths: the route of path ``i`` is waypoints
    ``offsets[i]:offsets[i + 1]`` of ``x_km``, ``y_km`` (theatre km), aimed at ``aim_id``.

    ``value``: value at risk of each path; ``per_night``: threats in one night of the raid (to
    scale sampled values to one night); ``nights_flown``: nights flown to draw the sample.
    """

    class_id: Str
    category: Str
    aim_id: Str
    value: F64
    offsets: I64
    x_km: F64
    y_km: F64
    per_night: int
    nights_flown: int

    def __len__(self) -> int:
        return len(self.value)

    def route(self, i: int) -> F64:
        """Waypoints ``(k, 2)`` of path ``i``, km."""
        a, b = self.offsets[i], self.offsets[i + 1]
        return np.column_stack([self.x_km[a:b], self.y_km[a:b]])

    @property
    def per_night_factor(self) -> float:
        """Multiply a sum over the sample by this to get the same sum for one night."""
        return self.per_night / len(self) if len(self) else 0.0


def sample_paths(
    night: Night, ctx: RaidContext, count: int, rng: np.random.Generator, region_value: float
) -> PathSample:
    """``count`` paths of ``night`` flown with ``rng`` (see the module docstring)."""
    per_night = night.total
    if per_night == 0 or count < 1:
        raise ValueError("a sample needs a night with threats and a positive count")
    flown = math.ceil(count / per_night)
    nights = [fly(night, ctx, rng) for _ in range(flown)]
    pick = np.sort(rng.choice(per_night * flown, size=count, replace=False))
    night_of, idx = np.divmod(pick, per_night)
    values = {a.id: a.value for a in ctx.assets}
    class_id, category, aim_id, value, routes = [], [], [], [], []
    for n, i in zip(night_of.tolist(), idx.tolist(), strict=True):
        t = nights[n]
        class_id.append(str(t.class_id[i]))
        category.append(str(t.category[i]))
        aim_id.append(str(t.aim_id[i]))
        asset = t.aim_kind[i] == "asset"
        value.append(values.get(str(t.aim_id[i]), region_value) if asset else region_value)
        a, b = t.offsets[i], t.offsets[i + 1]
        routes.append(np.column_stack([t.x_km[a:b], t.y_km[a:b]]))
    counts = np.array([len(r) for r in routes], dtype=np.int64)
    xy = np.concatenate(routes)
    return PathSample(
        class_id=np.asarray(class_id, dtype=str),
        category=np.asarray(category, dtype=str),
        aim_id=np.asarray(aim_id, dtype=str),
        value=np.asarray(value, dtype=float),
        offsets=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        x_km=xy[:, 0].copy(),
        y_km=xy[:, 1].copy(),
        per_night=per_night,
        nights_flown=flown,
    )
