"""Map labels that do not collide: each label takes the first of a few positions around its
point whose box overlaps no label placed before it and no marked point (a greedy repel).

Boxes are estimated in points from the font size (a character about 0.6 of the size wide),
which is close enough for short labels in DejaVu Sans; the axes' scale comes from its size on
the figure, so call :func:`place_labels` after the limits and the aspect are set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes

#: Offsets (points) of a label's lower-left corner from its point, tried in this order; a
#: negative x means "to the left": the label's width is taken off as well.
_OFFSETS = (
    (6, 4),
    (6, -12),
    (-6, 4),
    (-6, -12),
    (0, 12),
    (0, -20),
    (10, 16),
    (10, -26),
    (-10, 16),
    (-10, -26),
    (16, -4),
    (-16, -4),
)
#: A marker's half-size (points) kept clear of labels.
_MARK = 4.0


@dataclass(frozen=True)
class Label:
    """A label: its point (data coordinates), its text and the keywords of ``ax.annotate``
    (``fontsize`` is read for the box; default 7.5)."""

    x: float
    y: float
    text: str
    style: dict[str, Any] = field(default_factory=dict)


Box = tuple[float, float, float, float]


def _overlap(a: Box, b: Box) -> float:
    """The area two boxes ``(x0, y0, x1, y1)`` share."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def label_boxes(points: np.ndarray, sizes: Sequence[tuple[float, float]]) -> list[Box]:
    """Where the labels go: for each point (in points on the page) and label size (width,
    height, points), the box of the first free position of :data:`_OFFSETS`, else of the one
    that overlaps least.  Points themselves are kept clear too."""
    marks = [(x - _MARK, y - _MARK, x + _MARK, y + _MARK) for x, y in points]
    placed: list[Box] = []
    for (px, py), (w, h) in zip(points, sizes, strict=True):
        best: tuple[float, Box] | None = None
        for dx, dy in _OFFSETS:
            x0 = px + dx - (w if dx < 0 else 0.0) - (w / 2 if dx == 0 else 0.0)
            box = (x0, py + dy, x0 + w, py + dy + h)
            cost = sum(_overlap(box, b) for b in placed) + sum(_overlap(box, m) for m in marks)
            if best is None or cost < best[0]:
                best = (cost, box)
            if cost == 0:
                break
        assert best is not None
        placed.append(best[1])
    return placed


def place_labels(ax: Axes, labels: Sequence[Label]) -> list[Box]:
    """Annotate ``ax`` with ``labels`` where they do not collide (:func:`label_boxes`); returns
    the boxes in points relative to the axes' lower-left corner."""
    if not labels:
        return []
    ax.apply_aspect()
    pos = ax.get_position()
    fig = ax.get_figure(root=True)
    assert fig is not None  # axes are always made on a figure here
    fw, fh = fig.get_size_inches()
    width_pt, height_pt = pos.width * fw * 72.0, pos.height * fh * 72.0
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    sx, sy = width_pt / (x1 - x0), height_pt / (y1 - y0)
    pts = np.array([((lb.x - x0) * sx, (lb.y - y0) * sy) for lb in labels])
    sizes = []
    for lb in labels:
        size = float(lb.style.get("fontsize", 7.5))
        sizes.append((0.6 * size * len(lb.text), 1.2 * size))
    boxes = label_boxes(pts, sizes)
    for lb, (bx, by, _, _), (px, py) in zip(labels, boxes, pts, strict=True):
        halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
        style = {"fontsize": 7.5, "zorder": 9, "path_effects": halo, **lb.style}
        ax.annotate(
            lb.text,
            (lb.x, lb.y),
            xytext=(bx - px, by - py),
            textcoords="offset points",
            ha="left",
            va="bottom",
            **style,
        )
    return boxes
