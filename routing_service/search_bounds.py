"""Landmark bounds for the compiled A* (ALT): exact distances to and from a few far-apart nodes.

The straight-line bound is weak for a blind walker: tactile paving costs a third of a metre per
metre, so the bound is a third of the straight line while a typical route costs twice the line.
Distances from and to a handful of landmarks at the city's rim give, by the triangle inequality,
far tighter bounds (``dist(v, t) >= dist(L, t) - dist(L, v)``), and they stay exact lower bounds
for any cost vector that is nowhere cheaper than the one they were measured on (an obstacle only
adds cost), so a patched vector can reuse its base's tables.

Unreachable distances are capped at a value above every finite one (a capped distance still obeys
the triangle inequality, so the bounds stay consistent, and the kernel never subtracts infinities).
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import numpy as np

#: landmarks per network: more tighten the bound, each costs two whole-graph searches per cost
#: vector and 16 bytes per node
LANDMARK_COUNT = 8


def pick_landmarks(x: np.ndarray, y: np.ndarray, count: int = LANDMARK_COUNT) -> np.ndarray:
    """Far-apart nodes: the one farthest from the centre, then each next one farthest from all
    chosen so far (they end up around the rim, where their bounds are sharpest)."""
    if len(x) == 0:
        return np.zeros(0, dtype=np.int32)
    nearest = np.hypot(x - x.mean(), y - y.mean())
    chosen: list[int] = []
    for _ in range(min(count, len(x))):
        pick = int(np.argmax(nearest))
        chosen.append(pick)
        nearest = np.minimum(nearest, np.hypot(x - x[pick], y - y[pick]))
    return np.array(chosen, dtype=np.int32)


@dataclass(frozen=True)
class LandmarkTables:
    """``to_node[v, l]`` = dist(landmark l, v), ``from_node[v, l]`` = dist(v, landmark l)."""

    to_node: np.ndarray
    from_node: np.ndarray
    #: the tables' addresses, taken once
    ptrs: tuple[int, int]

    @property
    def count(self) -> int:
        return self.to_node.shape[1]

    def ends(self, arrive_o: tuple[list[int], list[float]], leave_o: tuple[list[int], list[float]],
             arrive_d: tuple[list[int], list[float]], leave_d: tuple[list[int], list[float]],
             ) -> list[float] | None:
        """dist(L, t), dist(t, L), dist(L, s), dist(s, L) for each landmark, in one list, from
        the ends of the origin's and the destination's ways and what it costs to walk from the
        snapped point to each end (``leave``) or from each end to it (``arrive``); None when
        either point cannot be reached or left at all (the search then goes without them).

        Plain floats: four rows of a few landmarks each, where a dozen numpy calls on tiny
        arrays cost a fifth of the search itself."""
        out = [*_least(self.to_node, arrive_d), *_least(self.from_node, leave_d),
               *_least(self.to_node, arrive_o), *_least(self.from_node, leave_o)]
        return out if all(map(math.isfinite, out)) else None


def _least(table: np.ndarray, end: tuple[list[int], list[float]]) -> list[float]:
    """Per landmark, the least of ``table``'s row at each of the end's nodes plus that end's
    cost (no row where there is no end: -1)."""
    best: list[float] | None = None
    for node, cost in zip(*end, strict=True):
        if node < 0:
            continue
        row = [value + cost for value in table[node].tolist()]
        best = row if best is None else list(map(min, best, row))
    return best if best is not None else [math.inf] * table.shape[1]


def landmark_tables(kernel: ctypes.CDLL, graph_ptrs: tuple[int, ...], cost: np.ndarray,
                    landmarks: np.ndarray, n_nodes: int) -> LandmarkTables:
    """Both tables for one cost vector: a whole-graph Dijkstra per landmark and direction.

    ``graph_ptrs``: addresses of (ptr_f, adj_f, edge_v) and (ptr_b, adj_b, edge_u).
    """
    ptr_f, adj_f, edge_v, ptr_b, adj_b, edge_u = graph_ptrs
    cost = np.ascontiguousarray(cost, dtype=np.float64)
    count = len(landmarks)
    to_node = np.full((count, n_nodes), np.inf)
    from_node = np.full((count, n_nodes), np.inf)
    for i, node in enumerate(landmarks.tolist()):
        for table, (ptr, adj, far) in ((to_node, (ptr_f, adj_f, edge_v)),
                                       (from_node, (ptr_b, adj_b, edge_u))):
            if kernel.lotse_dijkstra_all(ptr, adj, far, cost.ctypes.data, node,
                                         table[i].ctypes.data) == -2:
                raise MemoryError("landmark search")
    finite = np.concatenate((to_node[np.isfinite(to_node)], from_node[np.isfinite(from_node)]))
    cap = 2.0 * float(finite.max(initial=0.0)) + 1.0
    to_node = np.ascontiguousarray(np.minimum(to_node, cap).T)
    from_node = np.ascontiguousarray(np.minimum(from_node, cap).T)
    return LandmarkTables(to_node, from_node, (to_node.ctypes.data, from_node.ctypes.data))
