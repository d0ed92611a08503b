"""Cheapest path between two snapped points with scipy's compiled Dijkstra.

The graph is a CSR matrix over node pairs (parallel edges reduced to the cheaper one). The origin
lies somewhere along an edge, so a virtual node N is the matrix's last row with two entries, to
both ends of the origin's way; the destination's two ends are compared after the search.
A ``limit`` stops the search early when the caller only needs to know "is it within X".

The matrix of one cost vector (``Weights``) is built once and kept by the router: a request only
writes the two entries of the virtual row. Building a CSR matrix per request cost about a quarter
of a millisecond per search; the search itself about one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from routing_service.compiled import WalkNetwork
from routing_service.snap import Snap

if TYPE_CHECKING:  # scipy is imported only when this fallback search is used
    from scipy.sparse import csr_matrix


class Piece(NamedTuple):
    """Part of a directed edge walked from fraction ``start`` to ``end`` (0..1, start < end).

    A named tuple rather than a frozen dataclass: a long route unwinds 150 of them, and a
    frozen dataclass takes twice as long to make.
    """

    edge: int
    start: float = 0.0
    end: float = 1.0


@dataclass(frozen=True)
class Path:
    cost: float
    pieces: list[Piece]
    #: the pieces' edges and the share of each edge walked, as arrays, when the search hands
    #: them over (``arrays`` makes them otherwise)
    edges: np.ndarray | None = None
    shares: np.ndarray | None = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(edges, shares walked) of the pieces, for lookups over the whole path at once."""
        if self.edges is not None and self.shares is not None:
            return self.edges, self.shares
        n = len(self.pieces)
        return (np.fromiter((p.edge for p in self.pieces), dtype=np.int64, count=n),
                np.fromiter((p.end - p.start for p in self.pieces), dtype=np.float64, count=n))


#: entries of the virtual origin row: the two ends of the origin's way
VIRTUAL_SLOTS = 2


@dataclass
class Weights:
    """One cost vector and its search matrix (node pairs + the virtual origin row).

    The virtual row is rewritten per search, so a shared ``Weights`` is searched under its lock
    (scipy releases the GIL during the search; two requests must not swap the row under it).
    """

    cost: np.ndarray
    matrix: csr_matrix | None  # None: the compiled search reads the cost vector itself
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: the compiled search's landmark tables for this vector (``search_bounds``), if any
    bounds: Any = None
    #: the vector customized into the contraction hierarchy (``hierarchy.Metric``), if any
    metric: Any = None
    #: a digest of the cost vector's bytes: equal vectors share one ``Weights``
    digest: bytes = b""


class PairGraph:
    """The fixed CSR structure of a network; per request only the data vector changes."""

    def __init__(self, net: WalkNetwork) -> None:
        self.net = net
        n = net.n_nodes
        u, v = net.edge_u.astype(np.int64), net.edge_v.astype(np.int64)
        self.order = np.lexsort((v, u))
        key = u[self.order] * (n + 1) + v[self.order]
        first = np.r_[True, key[1:] != key[:-1]]
        self.starts = np.flatnonzero(first)
        self.pair_key = key[first]
        self.indices = v[self.order][first].astype(np.int32)
        sizes = np.diff(np.r_[self.starts, len(self.order)])
        #: the edge of each node pair when it has no parallel edge (the usual case), else -1
        self.single = np.where(sizes == 1, self.order[self.starts], -1)
        counts = np.bincount(u[self.order][first], minlength=n)
        self.indptr = np.r_[0, np.cumsum(counts)].astype(np.int32)

    def reduce(self, cost: np.ndarray) -> np.ndarray:
        """Cheapest parallel edge of every node pair."""
        return np.minimum.reduceat(cost[self.order], self.starts)

    def weights(self, cost: np.ndarray) -> Weights:
        """The search matrix of ``cost``, its virtual row still to be filled by ``shortest``."""
        n = self.net.n_nodes
        data = np.concatenate((self.reduce(cost), np.full(VIRTUAL_SLOTS, np.inf)))
        indices = np.concatenate((self.indices, np.full(VIRTUAL_SLOTS, n, dtype=np.int32)))
        indptr = np.append(self.indptr, self.indptr[-1] + VIRTUAL_SLOTS).astype(np.int32)
        from scipy.sparse import csr_matrix

        return Weights(cost, csr_matrix((data, indices, indptr), shape=(n + 1, n + 1)))

    def edge_between(self, a: int, b: int, cost: np.ndarray) -> int:
        n = self.net.n_nodes
        i = int(np.searchsorted(self.pair_key, a * (n + 1) + b))
        stop = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.order)
        group = self.order[self.starts[i]:stop]
        return int(group[np.argmin(cost[group])])

    def shortest(self, weights: Weights, origin: Snap, dest: Snap,
                 limit: float = np.inf) -> Path | None:
        """Cheapest path origin -> dest, or None if there is none (within ``limit``)."""
        net, n, cost = self.net, self.net.n_nodes, weights.cost
        e_o, t_o = origin.edge, origin.fraction
        r_o = int(net.edge_rev[e_o])
        # virtual origin row: to the end node along e_o, to the start node along its reverse
        # (a one-way origin leaves the second entry unusable: infinite, pointing at itself)
        targets = (int(net.edge_v[e_o]), int(net.edge_u[e_o]) if r_o >= 0 else n)
        row = (_part(cost[e_o], 1 - t_o), _part(cost[r_o], t_o) if r_o >= 0 else np.inf)
        from scipy.sparse.csgraph import dijkstra

        matrix = weights.matrix
        with weights.lock:
            matrix.indices[-VIRTUAL_SLOTS:] = targets
            matrix.data[-VIRTUAL_SLOTS:] = row
            # min_only: scipy's single-array code path, measurably faster than one matrix row
            dist, pred, _ = dijkstra(matrix, directed=True, indices=[n],
                                     return_predecessors=True, limit=limit, min_only=True)
        best = _direct(net, cost, origin, dest)
        e_d, t_d = dest.edge, dest.fraction
        r_d = int(net.edge_rev[e_d])
        arrivals = [(dist[net.edge_u[e_d]] + _part(cost[e_d], t_d), int(net.edge_u[e_d]),
                     Piece(e_d, 0.0, t_d))]
        if r_d >= 0:
            arrivals.append((dist[net.edge_v[e_d]] + _part(cost[r_d], 1 - t_d),
                             int(net.edge_v[e_d]), Piece(r_d, 0.0, 1 - t_d)))
        best_cost = best.cost if best is not None else np.inf
        winner = None  # unwind only the cheaper arrival: the walk back is Python
        for total, node, last in arrivals:
            if np.isfinite(total) and total <= limit and total < best_cost:
                best_cost, winner = total, (node, last)
        if winner is None:
            return best
        node, last = winner
        return Path(float(best_cost), self._unwind(pred, cost, node, origin) + [last])

    def _unwind(self, pred: np.ndarray, cost: np.ndarray, node: int, origin: Snap) -> list[Piece]:
        n, net = self.net.n_nodes, self.net
        nodes = [node]
        while pred[nodes[-1]] != n:
            nodes.append(int(pred[nodes[-1]]))
        nodes.reverse()
        e_o, t_o = origin.edge, origin.fraction
        if nodes[0] == int(net.edge_v[e_o]):
            first = Piece(e_o, t_o, 1.0)
        else:
            first = Piece(int(net.edge_rev[e_o]), 1 - t_o, 1.0)
        path = np.array(nodes, dtype=np.int64)
        slots = np.searchsorted(self.pair_key, path[:-1] * (n + 1) + path[1:])
        edges = self.single[slots].tolist()
        for k, e in enumerate(edges):
            if e < 0:
                edges[k] = self.edge_between(nodes[k], nodes[k + 1], cost)
        return [first, *(Piece(e) for e in edges)]


def _part(cost: float, fraction: float) -> float:
    """Cost of a fraction of an edge; none at all for a point right on its node (even if the
    edge itself is blocked: standing at its end does not use it)."""
    return 0.0 if fraction <= 0.0 else float(cost) * fraction


def _direct(net: WalkNetwork, cost: np.ndarray, origin: Snap, dest: Snap) -> Path | None:
    """Both points on the same way: walk straight along it (if that way is usable)."""
    e, t_o = origin.edge, origin.fraction
    if dest.edge == e:
        t_d = dest.fraction
    elif dest.edge == net.edge_rev[e]:
        t_d = 1 - dest.fraction
    else:
        return None
    if t_d >= t_o:
        piece, c = Piece(e, t_o, t_d), _part(cost[e], t_d - t_o)
    else:
        r = int(net.edge_rev[e])
        if r < 0:
            return None
        piece, c = Piece(r, 1 - t_o, 1 - t_d), _part(cost[r], t_o - t_d)
    return Path(float(c), [piece]) if np.isfinite(c) else None
