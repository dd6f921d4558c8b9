"""Weapon assignment's solver: a minimum-cost matching of fighters to threats, compiled.

:func:`min_cost_assignment` solves the rectangular linear assignment problem with the shortest
augmenting path method of Crouse (2016, "On implementing 2D rectangular assignment
algorithms", IEEE Trans. Aerospace and Electronic Systems 52(4)), the method of
:func:`scipy.optimize.linear_sum_assignment`, and takes the same decisions on ties (columns
scanned from the last, a tie going to a column not yet assigned, a wide matrix solved as is and a
tall one transposed), so that an assignment with several optima picks the same one: fighters of
one station often score a threat alike.  Tested against SciPy on random and tied matrices.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from skyshield.geo.jit import jit

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@jit
def _shortest_path(
    cost: F64,
    row: int,
    u: F64,
    v: F64,
    path: I64,
    row_of_col: I64,
    dist: F64,
    seen_row: NDArray[np.bool_],
    seen_col: NDArray[np.bool_],
) -> tuple[int, float]:
    """Shortest augmenting path from free ``row`` in the reduced costs: (its sink column, -1
    if the matrix is infeasible; its length).  Fills ``path``, ``dist`` and the rows and columns
    it scanned."""
    nc = cost.shape[1]
    todo = np.arange(nc - 1, -1, -1)  # columns left to scan, last first
    n_todo = nc
    seen_row[:] = False
    seen_col[:] = False
    dist[:] = math.inf
    reached = 0.0
    i = row
    while True:
        seen_row[i] = True
        best, lowest = -1, math.inf
        for k in range(n_todo):
            j = todo[k]
            r = reached + cost[i, j] - u[i] - v[j]
            if r < dist[j]:
                path[j] = i
                dist[j] = r
            if dist[j] < lowest or (dist[j] == lowest and row_of_col[j] == -1):
                lowest = dist[j]
                best = k
        reached = lowest
        if reached == math.inf:
            return -1, reached
        j = todo[best]
        seen_col[j] = True
        n_todo -= 1
        todo[best] = todo[n_todo]
        if row_of_col[j] == -1:
            return j, reached
        i = row_of_col[j]


@jit
def min_cost_assignment(cost: F64) -> tuple[I64, I64]:
    """Rows and columns of a minimum-cost assignment of ``cost`` (rows x columns; every row
    matched if there are no more rows than columns, else every column), in increasing row order;
    empty arrays if a row cannot be matched at finite cost."""
    nr0, nc0 = cost.shape
    tall = nc0 < nr0
    c = np.ascontiguousarray(cost.T) if tall else cost
    nr, nc = c.shape
    u, v = np.zeros(nr), np.zeros(nc)
    dist = np.empty(nc)
    path = np.full(nc, -1, dtype=np.int64)
    col_of_row = np.full(nr, -1, dtype=np.int64)
    row_of_col = np.full(nc, -1, dtype=np.int64)
    seen_row = np.zeros(nr, dtype=np.bool_)
    seen_col = np.zeros(nc, dtype=np.bool_)
    for row in range(nr):
        sink, reached = _shortest_path(c, row, u, v, path, row_of_col, dist, seen_row, seen_col)
        if sink < 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # dual update
        u[row] += reached
        for i in range(nr):
            if seen_row[i] and i != row:
                u[i] += reached - dist[col_of_row[i]]
        for j in range(nc):
            if seen_col[j]:
                v[j] -= reached - dist[j]
        # augment along the path
        j = sink
        while True:
            i = path[j]
            row_of_col[j] = i
            j, col_of_row[i] = col_of_row[i], j
            if i == row:
                break
    if not tall:
        return np.arange(nr, dtype=np.int64), col_of_row
    # pairs of the original matrix (its columns are our rows), in increasing original row
    col_of = np.full(nc, -1, dtype=np.int64)
    for j in range(nr):
        col_of[col_of_row[j]] = j
    rows = np.flatnonzero(col_of >= 0)
    return rows.astype(np.int64), col_of[rows]
