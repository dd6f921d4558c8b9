"""Polygonal regions (the engagement zone, Ukraine, a weapon's reach) for compiled loops.

A :class:`Region` is a shapely polygon or multipolygon (theatre km) reduced to its border's
straight edges and two indexes over them, built once per world:

* horizontal *bands*: the edges whose y-range meets each band, for point-in-region tests by
  ray casting (a ray to +x crosses only edges of the point's band);
* square *cells*: the edges whose bounding box meets each cell, for segment tests (a segment
  meets only edges of the cells it passes through; the cells of a segment are found column by
  column, widened by a millimetre against rounding).

The queries agree with shapely:

* :func:`locate`, :func:`point_in`, :func:`point_on`: GEOS's own point location (ray crossings
  with its robust orientation predicate), so points on a border to within rounding, such as
  where a route enters a region, go the same way as in ``shapely.contains_xy`` and
  ``shapely.intersects_xy``;
* :func:`segment_covered`, :func:`dash_covered`: both ends are in the region (or on its
  border) and no edge crosses the segment properly (``shapely.covers`` of the segment, away
  from segments that only touch the border);
* :func:`inside_pieces`, :func:`entry_times`: the parts of legs inside the region, and the
  first time each route is inside it, bit for bit what the engine computed before with
  shapely's STR tree and NumPy (the same split of each leg at the border, with the same
  arithmetic and tolerance; the tests keep that implementation as the reference).

Units: km, s.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from skyshield.geo.jit import borrowed, jit, jit_inline

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

#: Relative tolerance of the leg/border crossing test (extra splits are harmless).
CROSS_TOL = 1e-9

#: Margin (km) by which a segment's cells are widened against rounding (1 mm).
CELL_MARGIN_KM = 1e-6

#: Edges per band and per cell the indexes aim at (more: fewer, larger bands and cells).
EDGES_PER_BAND = 2
CELLS_PER_SIDE = 96


class Region(NamedTuple):
    """A region's border edges ``(ex0, ey0) -> (ex1, ey1)`` (km) and their indexes.

    Bands: band ``k`` covers ``y`` in ``[ymin + k band_h, ymin + (k + 1) band_h]`` and lists
    edges ``band_edge[band_start[k]:band_start[k + 1]]``.  Cells: cell ``(cx, cy)`` (number
    ``cy * nx + cx``) covers ``[gx + cx cell_km, gx + (cx + 1) cell_km]`` by the same in ``y``
    from ``gy`` and lists edges ``cell_edge[cell_start[c]:cell_start[c + 1]]``.
    """

    ex0: F64
    ey0: F64
    ex1: F64
    ey1: F64
    xmin: float
    ymin: float
    xmax: float
    ymax: float
    band_h: float
    band_start: I64
    band_edge: I64
    gx: float
    gy: float
    cell_km: float
    nx: int
    ny: int
    cell_start: I64
    cell_edge: I64
    cell_inside: NDArray[np.bool_]


def _csr(owner: I64, item: I64, n: int) -> tuple[I64, I64]:
    """Compressed rows: ``items`` grouped by ``owner`` (0..n-1), in order of ``item``."""
    order = np.lexsort((item, owner))
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=start[1:])
    return start, item[order].astype(np.int64)


def region_of(geom: BaseGeometry) -> Region:
    """The :class:`Region` of a polygon or multipolygon (holes allowed), km."""
    rings = shapely.get_rings(shapely.get_parts(geom))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]
    e0, e1 = coords[:-1][same], coords[1:][same]
    n_edges = len(e0)
    if n_edges == 0:
        e0 = e1 = np.zeros((0, 2))
        lo, hi = np.zeros(2), np.ones(2)
    else:
        lo = np.minimum(e0, e1).min(axis=0)
        hi = np.maximum(e0, e1).max(axis=0)
    edge = np.arange(n_edges, dtype=np.int64)
    # bands
    n_bands = int(np.clip(n_edges // EDGES_PER_BAND, 1, 4096))
    band_h = max(float(hi[1] - lo[1]) / n_bands, 1e-9)
    ylo = np.minimum(e0[:, 1], e1[:, 1])
    yhi = np.maximum(e0[:, 1], e1[:, 1])
    k0 = np.clip(((ylo - lo[1]) / band_h).astype(np.int64), 0, n_bands - 1)
    k1 = np.clip(((yhi - lo[1]) / band_h).astype(np.int64), 0, n_bands - 1)
    span = k1 - k0 + 1
    b_owner = np.repeat(k0, span) + _ramp(span)
    band_start, band_edge = _csr(b_owner, np.repeat(edge, span), n_bands)
    # cells (with a margin of one cell all round)
    cell_km = max(float(np.max(hi - lo)) / CELLS_PER_SIDE, 1e-6)
    gx, gy = float(lo[0]) - cell_km, float(lo[1]) - cell_km
    nx = int((hi[0] - gx) / cell_km) + 2
    ny = int((hi[1] - gy) / cell_km) + 2
    bx0 = np.floor((np.minimum(e0[:, 0], e1[:, 0]) - gx) / cell_km).astype(np.int64)
    bx1 = np.floor((np.maximum(e0[:, 0], e1[:, 0]) - gx) / cell_km).astype(np.int64)
    by0 = np.floor((ylo - gy) / cell_km).astype(np.int64)
    by1 = np.floor((yhi - gy) / cell_km).astype(np.int64)
    bx0, by0 = np.maximum(bx0, 0), np.maximum(by0, 0)
    bx1, by1 = np.minimum(bx1, nx - 1), np.minimum(by1, ny - 1)
    w, h = bx1 - bx0 + 1, by1 - by0 + 1
    per = w * h
    e_rep = np.repeat(edge, per)
    k = _ramp(per)
    cx = np.repeat(bx0, per) + k % np.repeat(w, per)
    cy = np.repeat(by0, per) + k // np.repeat(w, per)
    cell_start, cell_edge = _csr(cy * nx + cx, e_rep, nx * ny)
    cell_inside = np.zeros(nx * ny, dtype=bool)
    empty = np.flatnonzero(np.diff(cell_start) == 0)
    centre_x = gx + (empty % nx + 0.5) * cell_km
    centre_y = gy + (empty // nx + 0.5) * cell_km
    cell_inside[empty] = shapely.intersects_xy(geom, centre_x, centre_y)
    return Region(
        ex0=np.ascontiguousarray(e0[:, 0]),
        ey0=np.ascontiguousarray(e0[:, 1]),
        ex1=np.ascontiguousarray(e1[:, 0]),
        ey1=np.ascontiguousarray(e1[:, 1]),
        xmin=float(lo[0]),
        ymin=float(lo[1]),
        xmax=float(hi[0]),
        ymax=float(hi[1]),
        band_h=band_h,
        band_start=band_start,
        band_edge=band_edge,
        gx=gx,
        gy=gy,
        cell_km=cell_km,
        nx=nx,
        ny=ny,
        cell_start=cell_start,
        cell_edge=cell_edge,
        cell_inside=cell_inside,
    )


def _ramp(counts: I64) -> I64:
    """``0..c-1`` for each entry ``c`` of ``counts``, concatenated."""
    total = int(counts.sum())
    start = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) - np.repeat(start, counts)


#: Where a point lies with respect to a region (GEOS's locations).
EXTERIOR, BOUNDARY, INTERIOR = 0, 1, 2

#: Veltkamp's splitter for double-double products (2^27 + 1).
_SPLIT = 134217729.0


@jit_inline
def _dd_add(ahi: float, alo: float, bhi: float, blo: float) -> tuple[float, float]:
    """Double-double sum (GEOS ``DD::selfAdd``)."""
    big = ahi + bhi
    small = alo + blo
    e = big - ahi
    f = small - alo
    s = big - e
    t = small - f
    s = (bhi - e) + (ahi - s)
    t = (blo - f) + (alo - t)
    e = s + small
    h_sum = big + e
    h = e + (big - h_sum)
    e = t + h
    hi = h_sum + e
    return hi, e + (h_sum - hi)


@jit_inline
def _dd_mul(ahi: float, alo: float, bhi: float, blo: float) -> tuple[float, float]:
    """Double-double product (GEOS ``DD::selfMultiply``)."""
    c_big = _SPLIT * ahi
    hx = c_big - ahi
    c = _SPLIT * bhi
    hx = c_big - hx
    tx = ahi - hx
    hy = c - bhi
    c_big = ahi * bhi
    hy = c - hy
    ty = bhi - hy
    c = ((((hx * hy - c_big) + hx * ty) + tx * hy) + tx * ty) + (ahi * blo + alo * bhi)
    hi = c_big + c
    return hi, c + (c_big - hi)


@jit
def orientation(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> int:
    """Side of ``c`` from the line ``a -> b``: 1 left, -1 right, 0 on it; GEOS's robust
    predicate (``CGAlgorithmsDD::orientationIndex``: a floating-point filter, then
    double-double arithmetic), so that point tests agree with shapely even for points that lie
    on a border to within rounding (e.g. where a route enters the engagement zone)."""
    det_left = (ax - cx) * (by - cy)
    det_right = (ay - cy) * (bx - cx)
    det = det_left - det_right
    if abs(det) >= abs(det_left + det_right) * 3.3306690621773724e-16:
        return 1 if det > 0 else (-1 if det < 0 else 0)
    dx1 = _dd_add(bx, 0.0, -ax, 0.0)
    dy1 = _dd_add(by, 0.0, -ay, 0.0)
    dx2 = _dd_add(cx, 0.0, -bx, 0.0)
    dy2 = _dd_add(cy, 0.0, -by, 0.0)
    m1 = _dd_mul(dx1[0], dx1[1], dy2[0], dy2[1])
    m2 = _dd_mul(dy1[0], dy1[1], dx2[0], dx2[1])
    hi, lo = _dd_add(m1[0], m1[1], -1.0 * m2[0], -1.0 * m2[1])
    if hi < 0.0 or (hi == 0.0 and lo < 0.0):
        return -1
    if hi > 0.0 or (hi == 0.0 and lo > 0.0):
        return 1
    return 0


@jit_inline
def locate(rg: Region, x: float, y: float) -> int:
    """:data:`INTERIOR`, :data:`BOUNDARY` or :data:`EXTERIOR`: GEOS's ray-crossing count over
    the edges of the point's band (``RayCrossingCounter``, with its conventions for vertices
    and horizontal edges and its robust :func:`orientation`)."""
    if not (rg.ymin <= y <= rg.ymax) or x > rg.xmax or x < rg.xmin:
        return EXTERIOR
    k = min(int((y - rg.ymin) / rg.band_h), len(rg.band_start) - 2)
    crossings = 0
    for m in range(rg.band_start[k], rg.band_start[k + 1]):
        e = rg.band_edge[m]
        ax, ay, bx, by = rg.ex0[e], rg.ey0[e], rg.ex1[e], rg.ey1[e]
        if ax < x and bx < x:
            continue  # strictly to the left
        if x == bx and y == by:
            return BOUNDARY
        if ay == y and by == y:  # horizontal: on it, or not counted
            if min(ax, bx) <= x <= max(ax, bx):
                return BOUNDARY
            continue
        if (ay > y and by <= y) or (by > y and ay <= y):
            side = orientation(ax, ay, bx, by, x, y)
            if side == 0:
                return BOUNDARY
            if by < ay:
                side = -side
            if side > 0:
                crossings += 1
    return INTERIOR if crossings % 2 == 1 else EXTERIOR


@jit_inline
def point_in(rg: Region, x: float, y: float) -> bool:
    """Is ``(x, y)`` in the region's interior (``shapely.contains_xy``)?"""
    return locate(rg, x, y) == INTERIOR


@jit_inline
def point_on(rg: Region, x: float, y: float) -> bool:
    """Is ``(x, y)`` in the region or on its border (``shapely.intersects_xy``)?"""
    return locate(rg, x, y) != EXTERIOR


@jit_inline
def _cells_of(rg: Region, x0: float, y0: float, x1: float, y1: float) -> I64:
    """Numbers of the cells a segment passes through (a column at a time, its rows widened by
    :data:`CELL_MARGIN_KM`; a cell may repeat)."""
    xa, xb = min(x0, x1), max(x0, x1)
    c0 = max((math.floor((xa - rg.gx) / rg.cell_km)), 0)
    c1 = min((math.floor((xb - rg.gx) / rg.cell_km)), rg.nx - 1)
    if c1 < c0:
        return np.zeros(0, dtype=np.int64)
    out = np.empty(4 * (c1 - c0 + 1) + 4, dtype=np.int64)
    n = 0
    for cx in range(c0, c1 + 1):
        lo = max(xa, rg.gx + cx * rg.cell_km)
        hi = min(xb, rg.gx + (cx + 1) * rg.cell_km)
        if x1 != x0:
            ya = y0 + (lo - x0) * (y1 - y0) / (x1 - x0)
            yb = y0 + (hi - x0) * (y1 - y0) / (x1 - x0)
        else:
            ya, yb = y0, y1
        r0 = max(math.floor((min(ya, yb) - CELL_MARGIN_KM - rg.gy) / rg.cell_km), 0)
        r1 = min(math.floor((max(ya, yb) + CELL_MARGIN_KM - rg.gy) / rg.cell_km), rg.ny - 1)
        for cy in range(r0, r1 + 1):
            if n == len(out):
                out = np.concatenate((out, np.empty(len(out), dtype=np.int64)))
            out[n] = cy * rg.nx + cx
            n += 1
    return out[:n]


@jit_inline
def _orient(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> float:
    """Twice the signed area of triangle ``abc`` (> 0: counter-clockwise)."""
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


@jit_inline
def _cross_properly(
    ax: float, ay: float, bx: float, by: float, px: float, py: float, qx: float, qy: float
) -> bool:
    """Do segments ``ab`` and ``pq`` cross at a point inside both (not at an end, not along)?"""
    d1 = _orient(ax, ay, bx, by, px, py)
    d2 = _orient(ax, ay, bx, by, qx, qy)
    d3 = _orient(px, py, qx, qy, ax, ay)
    d4 = _orient(px, py, qx, qy, bx, by)
    return ((d1 > 0 and d2 < 0) or (d1 < 0 and d2 > 0)) and (
        (d3 > 0 and d4 < 0) or (d3 < 0 and d4 > 0)
    )


@jit
def segment_covered(rg: Region, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Does the segment ``(x0, y0) -> (x1, y1)`` lie in the region: both ends inside and no
    edge crossing it?"""
    if not (point_on(rg, x0, y0) and point_on(rg, x1, y1)):
        return False
    for c in _cells_of(rg, x0, y0, x1, y1):
        for m in range(rg.cell_start[c], rg.cell_start[c + 1]):
            e = rg.cell_edge[m]
            if _cross_properly(rg.ex0[e], rg.ey0[e], rg.ex1[e], rg.ey1[e], x0, y0, x1, y1):
                return False
    return True


@jit_inline
def _segments_meet(
    ax: float, ay: float, bx: float, by: float, px: float, py: float, qx: float, qy: float
) -> bool:
    """Do the closed segments ``ab`` and ``pq`` share a point?  GEOS's test
    (``LineIntersector::computeIntersect``): their boxes meet, and neither has both ends
    strictly on one side of the other (:func:`orientation`, robust)."""
    if (
        max(ax, bx) < min(px, qx)
        or min(ax, bx) > max(px, qx)
        or max(ay, by) < min(py, qy)
        or min(ay, by) > max(py, qy)
    ):
        return False
    p1, p2 = orientation(ax, ay, bx, by, px, py), orientation(ax, ay, bx, by, qx, qy)
    if (p1 > 0 and p2 > 0) or (p1 < 0 and p2 < 0):
        return False
    q1, q2 = orientation(px, py, qx, qy, ax, ay), orientation(px, py, qx, qy, bx, by)
    return not ((q1 > 0 and q2 > 0) or (q1 < 0 and q2 < 0))


@jit
def routes_meet(rg: Region, offsets: I64, x_km: F64, y_km: F64) -> NDArray[np.bool_]:
    """Whether each route of the compressed layout (route ``i``: waypoints ``offsets[i]`` to
    ``offsets[i + 1] - 1`` of ``x_km, y_km``) meets the region, its border included:
    ``shapely.intersects`` of the route's line and the region, by GEOS's own steps (its first
    point in the region or on its border, else a leg meeting an edge) and predicates."""
    rg = borrowed(rg)
    n = len(offsets) - 1
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        a, b = offsets[i], offsets[i + 1]
        if b == a:
            continue
        if point_on(rg, x_km[a], y_km[a]):
            out[i] = True
            continue
        for k in range(a, b - 1):
            px, py, qx, qy = x_km[k], y_km[k], x_km[k + 1], y_km[k + 1]
            for c in _cells_of(rg, px, py, qx, qy):
                for m in range(rg.cell_start[c], rg.cell_start[c + 1]):
                    e = rg.cell_edge[m]
                    if _segments_meet(rg.ex0[e], rg.ey0[e], rg.ex1[e], rg.ey1[e], px, py, qx, qy):
                        out[i] = True
                        break
                if out[i]:
                    break
            if out[i]:
                break
    return out


#: What :func:`_clear_of_border` finds: the segment meets cells with edges, or it lies wholly
#: outside, or wholly inside the region.
NEAR_BORDER, ALL_OUTSIDE, ALL_INSIDE = -1, 0, 1


@jit_inline
def _clear_of_border(rg: Region, cells: I64) -> int:
    """:data:`ALL_INSIDE` or :data:`ALL_OUTSIDE` if no cell of a segment holds an edge (the
    segment then lies on one side of the border), else :data:`NEAR_BORDER`."""
    if len(cells) == 0:
        return ALL_OUTSIDE  # beyond the grid, which holds the whole region
    for c in cells:
        if rg.cell_start[c + 1] > rg.cell_start[c]:
            return NEAR_BORDER
    return ALL_INSIDE if rg.cell_inside[cells[0]] else ALL_OUTSIDE


@jit_inline
def leg_splits(rg: Region, cells: I64, px: float, py: float, qx: float, qy: float) -> F64:
    """Where the segment ``p -> q`` (passing through ``cells``: :func:`_cells_of`) meets the
    region's border, as sorted fractions 0..1 of it (0 and 1 included; repeats possible):
    every crossing with an edge, with relative tolerance :data:`CROSS_TOL`, and both ends of
    an edge lying along it."""
    rx, ry = qx - px, qy - py
    rr = rx * rx + ry * ry
    size = 2
    for c in cells:
        size += 2 * (rg.cell_start[c + 1] - rg.cell_start[c])
    split = np.empty(size, dtype=np.float64)
    split[0], split[1] = 0.0, 1.0
    n = 2
    for c in cells:
        for m in range(rg.cell_start[c], rg.cell_start[c + 1]):
            e = rg.cell_edge[m]
            if (
                max(rg.ex0[e], rg.ex1[e]) < min(px, qx)
                or min(rg.ex0[e], rg.ex1[e]) > max(px, qx)
                or max(rg.ey0[e], rg.ey1[e]) < min(py, qy)
                or min(rg.ey0[e], rg.ey1[e]) > max(py, qy)
            ):
                continue  # bounding boxes apart: never a candidate
            qpx, qpy = rg.ex0[e] - px, rg.ey0[e] - py
            sx, sy = rg.ex1[e] - rg.ex0[e], rg.ey1[e] - rg.ey0[e]
            den = rx * sy - ry * sx
            scale = math.sqrt(rr * (sx * sx + sy * sy))
            if abs(den) > CROSS_TOL * scale:
                t = (qpx * sy - qpy * sx) / den
                u = (qpx * ry - qpy * rx) / den
                tol = CROSS_TOL
                if -tol <= t <= 1 + tol and -tol <= u <= 1 + tol:
                    split[n] = min(max(t, 0.0), 1.0)
                    n += 1
            else:
                off_line = abs(qpx * ry - qpy * rx)
                if off_line <= CROSS_TOL * math.sqrt(rr) * max(np.hypot(qpx, qpy), 1.0):
                    t_q = (qpx * rx + qpy * ry) / rr
                    t_e = ((qpx + sx) * rx + (qpy + sy) * ry) / rr
                    split[n] = min(max(t_q, 0.0), 1.0)
                    split[n + 1] = min(max(t_e, 0.0), 1.0)
                    n += 2
    s = split[:n]
    for k in range(1, n):  # insertion sort: a handful of splits
        v, j = s[k], k - 1
        while j >= 0 and s[j] > v:
            s[j + 1] = s[j]
            j -= 1
        s[j + 1] = v
    return s


@jit_inline
def first_inside(rg: Region, px: float, py: float, qx: float, qy: float) -> float:
    """Fraction (0..1) of the segment ``p -> q`` at which its first part inside the region
    begins (the first part between two :func:`leg_splits` whose midpoint is inside); -1 if no
    part is inside."""
    cells = _cells_of(rg, px, py, qx, qy)
    side = _clear_of_border(rg, cells)
    if side != NEAR_BORDER:
        return 0.0 if side == ALL_INSIDE else -1.0  # (the one part, [0, 1], or none)
    s = leg_splits(rg, cells, px, py, qx, qy)
    for k in range(len(s) - 1):
        if s[k + 1] > s[k]:
            mid = 0.5 * (s[k] + s[k + 1])
            if point_on(rg, px + mid * (qx - px), py + mid * (qy - py)):
                return float(s[k])
    return -1.0


@jit
def inside_pieces(
    rg: Region, x0: F64, y0: F64, x1: F64, y1: F64, length_km: F64, sel: I64
) -> tuple[I64, F64, F64]:
    """The parts of legs ``sel`` (``(x0, y0) -> (x1, y1)``, of ``length_km``) inside the
    region: ``(leg, s0, s1)`` per part, its start and end along the leg (km), in the order of
    ``sel`` then along each leg; touching parts merged.  Legs of zero length have none."""
    rg = borrowed(rg)
    cap = 2 * len(sel) + 16
    leg, s0, s1 = np.empty(cap, dtype=np.int64), np.empty(cap), np.empty(cap)
    n = 0
    for j in sel:
        ln = length_km[j]
        if not ln > 0:
            continue
        cells = _cells_of(rg, x0[j], y0[j], x1[j], y1[j])
        side = _clear_of_border(rg, cells)
        if side == ALL_OUTSIDE:
            continue
        s = (
            np.array([0.0, 1.0])
            if side == ALL_INSIDE
            else leg_splits(rg, cells, x0[j], y0[j], x1[j], y1[j])
        )
        rx, ry = x1[j] - x0[j], y1[j] - y0[j]
        open_from, open_to = -1.0, -1.0  # the part being merged, as fractions
        for k in range(len(s) - 1):
            if not s[k + 1] > s[k]:
                continue
            mid = 0.5 * (s[k] + s[k + 1])
            if not point_on(rg, x0[j] + mid * rx, y0[j] + mid * ry):
                continue
            if open_from >= 0 and s[k] == open_to:
                open_to = s[k + 1]  # touches the part before: one part
                continue
            if open_from >= 0:
                leg[n], s0[n], s1[n] = j, open_from * ln, open_to * ln
                n += 1
            open_from, open_to = s[k], s[k + 1]
            if n + 1 >= len(leg):
                leg = np.concatenate((leg, np.empty(len(leg), dtype=np.int64)))
                s0 = np.concatenate((s0, np.empty(len(s0))))
                s1 = np.concatenate((s1, np.empty(len(s1))))
        if open_from >= 0:
            leg[n], s0[n], s1[n] = j, open_from * ln, open_to * ln
            n += 1
            if n + 1 >= len(leg):
                leg = np.concatenate((leg, np.empty(len(leg), dtype=np.int64)))
                s0 = np.concatenate((s0, np.empty(len(s0))))
                s1 = np.concatenate((s1, np.empty(len(s1))))
    return leg[:n], s0[:n], s1[:n]


@jit
def entry_times(rg: Region, offsets: I64, x: F64, y: F64, t: F64) -> F64:
    """First time (s) each route of the compressed layout (``offsets``, waypoints ``x, y, t``)
    is inside the region; inf if never.  A one-waypoint route is inside at its only time if
    its point is; legs of zero length are skipped."""
    rg = borrowed(rg)
    n = len(offsets) - 1
    out = np.full(n, np.inf)
    for i in range(n):
        a, b = offsets[i], offsets[i + 1] - 1
        if a == b:
            if point_in(rg, x[a], y[a]):
                out[i] = t[a]
            continue
        for k in range(a, b):
            length = np.hypot(x[k + 1] - x[k], y[k + 1] - y[k])
            if not length > 0:
                continue
            s = first_inside(rg, x[k], y[k], x[k + 1], y[k + 1])
            if s >= 0:
                frac = min(max(s * length / length, 0.0), 1.0)
                out[i] = t[k] + frac * (t[k + 1] - t[k])
                break
    return out


# ----------------------------------------------------------------------------- dashes


#: Angular bins of a :class:`StationView` (a bin is about 0.35 degrees).
VIEW_BINS = 1024


class StationView(NamedTuple):
    """What fixed points (stations) see of a region's border: per point ``k`` at
    ``(x_km[k], y_km[k])``, whether it is inside, and per angular bin ``b`` of directions from
    it the edges whose angular span meets the bin (``edge[start[k * VIEW_BINS + b]:...]``).
    A segment from the point crosses only edges listed in the bin of its direction."""

    x_km: F64
    y_km: F64
    inside: NDArray[np.bool_]
    start: I64
    edge: I64


def view_of(rg: Region, points_km: F64) -> StationView:
    """The :class:`StationView` of ``rg`` from ``points_km`` ``(k, 2)``."""
    pts = np.asarray(points_km, dtype=np.float64).reshape(-1, 2)
    owners: list[I64] = []
    items: list[I64] = []
    step = 2 * np.pi / VIEW_BINS
    edge = np.arange(len(rg.ex0), dtype=np.int64)
    for k, (x, y) in enumerate(pts):
        a0 = np.arctan2(rg.ey0 - y, rg.ex0 - x)
        a1 = np.arctan2(rg.ey1 - y, rg.ex1 - x)
        lo = np.minimum(a0, a1)
        width = np.abs(a1 - a0)
        wrap = width > np.pi  # the short way round crosses the -pi/pi cut
        lo = np.where(wrap, np.maximum(a0, a1), lo)
        width = np.where(wrap, 2 * np.pi - width, width)
        b0 = np.floor((lo + np.pi) / step).astype(np.int64) - 1  # one bin of margin each side
        n_bins = np.floor(width / step).astype(np.int64) + 3
        b = (np.repeat(b0, n_bins) + _ramp(n_bins)) % VIEW_BINS
        owners.append(k * VIEW_BINS + b)
        items.append(np.repeat(edge, n_bins))
    n = len(pts) * VIEW_BINS
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
    item = np.concatenate(items) if items else np.zeros(0, dtype=np.int64)
    start, edge_of = _csr(owner, item, n)
    inside = np.array([point_on(rg, float(x), float(y)) for x, y in pts], dtype=bool)
    return StationView(pts[:, 0].copy(), pts[:, 1].copy(), inside, start, edge_of)


@jit_inline
def dash_covered(rg: Region, view: StationView, k: int, qx: float, qy: float) -> bool:
    """:func:`segment_covered` for the segment from point ``k`` of ``view`` to ``(qx, qy)``:
    only the edges in the direction of ``q`` are tested."""
    x0, y0 = view.x_km[k], view.y_km[k]
    if not (view.inside[k] and point_on(rg, qx, qy)):
        return False
    step = 2 * np.pi / VIEW_BINS
    b = min(int((math.atan2(qy - y0, qx - x0) + np.pi) / step), VIEW_BINS - 1)
    at = k * VIEW_BINS + b
    for m in range(view.start[at], view.start[at + 1]):
        e = view.edge[m]
        if _cross_properly(rg.ex0[e], rg.ey0[e], rg.ex1[e], rg.ey1[e], x0, y0, qx, qy):
            return False
    return True


# ----------------------------------------------------------------------------- distance


#: Edges per block of :func:`segment_distance`'s bounding boxes.
BLOCK_EDGES = 16


class Blocks(NamedTuple):
    """Bounding boxes (km) of consecutive runs of :data:`BLOCK_EDGES` border edges."""

    x0: F64
    y0: F64
    x1: F64
    y1: F64


def blocks_of(rg: Region) -> Blocks:
    """The :class:`Blocks` of ``rg``'s edges."""
    n = len(rg.ex0)
    cut = np.arange(0, max(n, 1), BLOCK_EDGES)
    xs = np.minimum(rg.ex0, rg.ex1), np.maximum(rg.ex0, rg.ex1)
    ys = np.minimum(rg.ey0, rg.ey1), np.maximum(rg.ey0, rg.ey1)
    if n == 0:
        empty = np.zeros(0)
        return Blocks(empty, empty, empty, empty)
    return Blocks(
        np.minimum.reduceat(xs[0], cut),
        np.minimum.reduceat(ys[0], cut),
        np.maximum.reduceat(xs[1], cut),
        np.maximum.reduceat(ys[1], cut),
    )


@jit_inline
def _point_distance(px: float, py: float, qx: float, qy: float) -> float:
    dx, dy = px - qx, py - qy
    return math.sqrt(dx * dx + dy * dy)


@jit
def _point_to_segment(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """Distance (km) from a point to a segment, with GEOS's arithmetic (``Distance::
    pointToSegment``), so that :func:`segment_distance` gives shapely's values to the bit."""
    if ax == bx and ay == by:
        return _point_distance(px, py, ax, ay)
    len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
    r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
    if r <= 0.0:
        return _point_distance(px, py, ax, ay)
    if r >= 1.0:
        return _point_distance(px, py, bx, by)
    s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2
    return abs(s) * math.sqrt(len2)


@jit
def _segment_to_segment(
    ax: float, ay: float, bx: float, by: float, cx: float, cy: float, dx: float, dy: float
) -> float:
    """Distance (km) between segments ``ab`` and ``cd`` (GEOS's ``Distance::segmentToSegment``)."""
    if ax == bx and ay == by:
        return _point_to_segment(ax, ay, cx, cy, dx, dy)
    if cx == dx and cy == dy:
        return _point_to_segment(dx, dy, ax, ay, bx, by)
    apart = (
        max(ax, bx) < min(cx, dx)
        or min(ax, bx) > max(cx, dx)
        or max(ay, by) < min(cy, dy)
        or min(ay, by) > max(cy, dy)
    )
    if not apart:
        denom = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx)
        if denom == 0:
            apart = True
        else:
            r = ((ay - cy) * (dx - cx) - (ax - cx) * (dy - cy)) / denom
            s = ((ay - cy) * (bx - ax) - (ax - cx) * (by - ay)) / denom
            apart = r < 0 or r > 1 or s < 0 or s > 1
    if not apart:
        return 0.0
    return min(
        _point_to_segment(ax, ay, cx, cy, dx, dy),
        min(
            _point_to_segment(bx, by, cx, cy, dx, dy),
            min(
                _point_to_segment(cx, cy, ax, ay, bx, by), _point_to_segment(dx, dy, ax, ay, bx, by)
            ),
        ),
    )


@jit_inline
def _box_gap(bl: Blocks, k: int, ax: float, ay: float, bx: float, by: float) -> float:
    """Distance (km) from the box of segment ``ab`` to the box of block ``k`` (0 if they meet)."""
    gx = max(max(bl.x0[k] - max(ax, bx), min(ax, bx) - bl.x1[k]), 0.0)
    gy = max(max(bl.y0[k] - max(ay, by), min(ay, by) - bl.y1[k]), 0.0)
    return math.sqrt(gx * gx + gy * gy)


@jit
def segment_distance(
    rg: Region, bl: Blocks, ax: float, ay: float, bx: float, by: float, below: float = np.inf
) -> float:
    """Distance (km) from segment ``ab`` to the region, if less than ``below`` (else
    ``below``): 0 if ``a`` is inside, else the least distance to an edge, ``shapely.distance``
    of the segment and the polygon to the bit.  Blocks of edges whose box is no nearer than
    the best distance so far are skipped."""
    if point_on(rg, ax, ay):
        return 0.0
    best = below
    for k in range(len(bl.x0)):
        if _box_gap(bl, k, ax, ay, bx, by) >= best:  # from the segment's box to the block's
            continue
        for e in range(k * BLOCK_EDGES, min((k + 1) * BLOCK_EDGES, len(rg.ex0))):
            d = _segment_to_segment(ax, ay, bx, by, rg.ex0[e], rg.ey0[e], rg.ex1[e], rg.ey1[e])
            best = min(best, d)
    return best


@jit
def least_distance(rg: Region, bl: Blocks, x0: F64, y0: F64, x1: F64, y1: F64) -> float:
    """Least :func:`segment_distance` (km) of the segments ``(x0, y0) -> (x1, y1)``; inf if
    there are none.  A segment is measured only if its box could come nearer than the best so
    far (the segment nearest by its box first)."""
    rg, bl = borrowed(rg), borrowed(bl)
    n = len(x0)
    lower = np.full(n, np.inf)
    for k in range(n):
        if point_on(rg, x0[k], y0[k]):
            return 0.0
        for b in range(len(bl.x0)):  # the nearest block's box
            lower[k] = min(lower[k], _box_gap(bl, b, x0[k], y0[k], x1[k], y1[k]))
    if n == 0:
        return np.inf
    first = int(np.argmin(lower))  # the likeliest nearest first, then the rest against it
    best = segment_distance(rg, bl, x0[first], y0[first], x1[first], y1[first], np.inf)
    for k in range(n):
        if lower[k] < best:
            best = segment_distance(rg, bl, x0[k], y0[k], x1[k], y1[k], best)
    return best
