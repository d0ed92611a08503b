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
             ) -> np.ndarray | None:
        """dist(L, t), dist(t, L), dist(L, s), dist(s, L) for each landmark, in one array, from
        the ends of the origin's and the destination's ways and what it costs to walk from the
        snapped point to each end (``leave``) or from each end to it (``arrive``); None when
        either point cannot be reached or left at all (the search then goes without them)."""
        # one gather per table: rows of the two ends of the destination's way, then the origin's
        into = _gather(self.to_node, arrive_d, arrive_o)
        out_of = _gather(self.from_node, leave_d, leave_o)
        out = np.concatenate((np.minimum(into[0], into[1]), np.minimum(out_of[0], out_of[1]),
                              np.minimum(into[2], into[3]), np.minimum(out_of[2], out_of[3])))
        return out if np.isfinite(out).all() else None


def _gather(table: np.ndarray, *ends: tuple[list[int], list[float]]) -> np.ndarray:
    """Rows of ``table`` at each end's nodes plus the end's cost (inf where there is no end)."""
    nodes = [v if v >= 0 else 0 for end in ends for v in end[0]]
    costs = [c if v >= 0 else np.inf for end in ends for v, c in zip(*end, strict=True)]
    return table[nodes] + np.array(costs)[:, None]


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
