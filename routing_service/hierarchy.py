"""Point-to-point search on a customizable contraction hierarchy (``_hierarchy.c``).

The hierarchy is made once per graph from the nodes' positions alone (nested dissection, then
the contraction), so it holds for every cost vector; each vector is then "customized" into the
hierarchy's arcs in a few milliseconds and kept with the router's cached weights. A query walks
only the ancestors of its two ends in the hierarchy's elimination tree, which is why its cost
hardly grows with the city, and needs no bound, radius or second search: it is exact.

Costs change per profile, option set and set of active obstacles; each such vector is its own
``Weights`` (customized once, when the router first needs it). ``kernel_available()`` is False
when the extension was not built; the router then uses the bidirectional search or scipy's.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import numpy as np

from routing_service import kernels
from routing_service.bidirectional import (
    PerThreadSearch,
    SearchBuffers,
    assemble_path,
    way_ends,
)
from routing_service.compiled import WalkNetwork
from routing_service.pathfind import Path, Piece, Weights, _direct
from routing_service.snap import LocalProjection, Snap

_P = ctypes.c_void_p
_I32, _I64 = ctypes.c_int32, ctypes.c_int64


def _load_kernel() -> ctypes.CDLL | None:
    lib = kernels.load("_hierarchy", unless_search=("scipy", "bidirectional"))
    if lib is None:
        return None
    lib.lotse_cch_build.restype = _P
    lib.lotse_cch_build.argtypes = [_I32, _I64, _P, _P, _P, _P]
    lib.lotse_cch_free.argtypes = [_P]
    lib.lotse_cch_arcs.restype = _I64
    lib.lotse_cch_arcs.argtypes = [_P]
    lib.lotse_cch_export.argtypes = [_P] * 7
    lib.lotse_cch_customize.argtypes = [_I32, _I64] + [_P] * 11
    lib.lotse_cch_ws_new.restype = _P
    lib.lotse_cch_ws_new.argtypes = [_I32]
    lib.lotse_cch_ws_free.argtypes = [_P]
    lib.lotse_cch_ws_visited.restype = _I64
    lib.lotse_cch_ws_visited.argtypes = [_P]
    lib.lotse_cch_query.restype = _I64
    lib.lotse_cch_query.argtypes = (
        [_P] * 10 + [_I32, _P, _P, _I32, _P, _P, _P, _I64, _P, _P])
    return lib


_KERNEL = _load_kernel()
_ptr = kernels.address


def kernel_available() -> bool:
    return _KERNEL is not None


#: the hierarchy's arrays, as ``make_arrays`` returns them and the graph files keep them
ARRAYS = {"rank": np.int32, "order": np.int32, "parent": np.int32, "first": np.int64,
          "head": np.int32, "tail": np.int32}


def make_arrays(net: WalkNetwork) -> dict[str, np.ndarray]:
    """Order and contract the network (independent of costs: once per graph, by the build)."""
    if _KERNEL is None:
        raise RuntimeError("the compiled hierarchy kernel is not built")
    n, m = net.n_nodes, net.n_edges
    edge_u = np.ascontiguousarray(net.edge_u, dtype=np.int32)
    edge_v = np.ascontiguousarray(net.edge_v, dtype=np.int32)
    # metres east and north of the middle: all the separators need (not the spatial index)
    middle = (float(np.mean(net.node_lat)), float(np.mean(net.node_lon))) if n else (0.0, 0.0)
    proj = LocalProjection(*middle)
    xy = proj.forward(np.column_stack((net.node_lon, net.node_lat)))
    x, y = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    built = _KERNEL.lotse_cch_build(n, m, _ptr(edge_u), _ptr(edge_v), _ptr(x), _ptr(y))
    if not built:
        raise MemoryError("contraction hierarchy")
    try:
        arcs = int(_KERNEL.lotse_cch_arcs(built))
        sizes = {"rank": n, "order": n, "parent": n, "first": n + 1, "head": arcs, "tail": arcs}
        made = {k: np.zeros(sizes[k], dtype=t) for k, t in ARRAYS.items()}
        _KERNEL.lotse_cch_export(built, *(_ptr(made[k]) for k in ARRAYS))
    finally:
        _KERNEL.lotse_cch_free(built)
    return made


def _valid(arrays: dict[str, np.ndarray], net: WalkNetwork) -> bool:
    """Stored arrays fit for the kernel: all there, of its types, for this many nodes."""
    return set(arrays) == set(ARRAYS) and len(arrays["rank"]) == net.n_nodes and all(
        arrays[k].dtype == t and arrays[k].flags.c_contiguous for k, t in ARRAYS.items())


@dataclass(frozen=True)
class Metric:
    """One cost vector customized into the hierarchy's arcs (both directions of each)."""

    up: np.ndarray    # cost tail -> head of every arc
    down: np.ndarray  # cost head -> tail
    #: how each direction is walked: an original edge (>= 0), a shortcut through node v
    #: (-2 - v), or not at all (-1)
    up_how: np.ndarray
    down_how: np.ndarray

    @property
    def ptrs(self) -> tuple[int, ...]:
        return tuple(_ptr(a) for a in (self.up, self.down, self.up_how, self.down_how))


class _Scratch(SearchBuffers):
    """One thread's query workspace and buffers, their addresses taken once."""

    def __init__(self, n_nodes: int) -> None:
        super().__init__(n_nodes, _KERNEL.lotse_cch_ws_new, _KERNEL.lotse_cch_ws_free)
        self.ptrs = tuple(_ptr(a) for a in (self.src_node, self.src_cost, self.dst_node,
                                            self.dst_cost, self.out_edges))
        self.tail_ptrs = (_ptr(self.out_slots), _ptr(self.out_cost))


class HierarchyGraph(PerThreadSearch):
    """The network's contraction hierarchy, searched by the compiled kernel."""

    buffers = _Scratch

    def __init__(self, net: WalkNetwork) -> None:
        if _KERNEL is None:
            raise RuntimeError("the compiled hierarchy kernel is not built")
        self.net = net
        self.edge_u = np.ascontiguousarray(net.edge_u, dtype=np.int32)
        self.edge_v = np.ascontiguousarray(net.edge_v, dtype=np.int32)
        made = net.hierarchy if _valid(net.hierarchy, net) else make_arrays(net)
        self.rank, self.order, self.parent = made["rank"], made["order"], made["parent"]
        self.first, self.head, self.tail = made["first"], made["head"], made["tail"]
        self._static = tuple(_ptr(a) for a in (self.rank, self.parent, self.first, self.head,
                                               self.tail))
        #: the whole-edge piece of every edge, made once (a long path is 150 of them)
        self._whole = [Piece(e) for e in range(net.n_edges)]
        self._local = threading.local()

    @property
    def n_arcs(self) -> int:
        return len(self.head)

    def height(self) -> int:
        """The elimination tree's height: the most nodes one side of a query can visit."""
        depth = np.zeros(self.net.n_nodes, dtype=np.int64)
        for v in self.order[::-1].tolist():  # parents rank above their children
            p = self.parent[v]
            depth[v] = depth[p] + 1 if p >= 0 else 1
        return int(depth.max(initial=0))

    def weights(self, cost: np.ndarray, lower: Weights | None = None) -> Weights:
        """The cost vector customized into the hierarchy (``lower`` is not needed here: the
        hierarchy has no bound to reuse)."""
        cost = np.ascontiguousarray(cost, dtype=np.float64)
        arcs = self.n_arcs
        metric = Metric(np.empty(arcs), np.empty(arcs), np.empty(arcs, np.int32),
                        np.empty(arcs, np.int32))
        _KERNEL.lotse_cch_customize(
            self.net.n_nodes, self.net.n_edges, _ptr(self.order), _ptr(self.rank),
            _ptr(self.first), _ptr(self.head), _ptr(self.edge_u), _ptr(self.edge_v),
            _ptr(cost), *metric.ptrs)
        return Weights(cost, None, metric=metric)

    def settled(self) -> int:
        """Nodes this thread's last query visited on both sides."""
        return int(_KERNEL.lotse_cch_ws_visited(self._scratch().ws))

    def shortest(self, weights: Weights, origin: Snap, dest: Snap,
                 limit: float = np.inf) -> Path | None:
        """Cheapest path origin -> dest, or None if there is none (costing at most ``limit``)."""
        net, cost, s = self.net, weights.cost, self._scratch()
        metric: Metric = weights.metric
        leave_o, _ = way_ends(net, cost, origin)
        _, arrive_d = way_ends(net, cost, dest)
        s.src_node[:], s.src_cost[:] = leave_o
        s.dst_node[:], s.dst_cost[:] = arrive_d
        src_node, src_cost, dst_node, dst_cost, out_edges = s.ptrs
        count = _KERNEL.lotse_cch_query(
            s.ws, *self._static, *metric.ptrs, 2, src_node, src_cost, 2, dst_node, dst_cost,
            out_edges, len(s.out_edges), *s.tail_ptrs)
        if count == -2:
            raise MemoryError("route search")
        if count >= 0 and s.out_cost[0] > limit:
            count = -1
        best = _direct(net, cost, origin, dest)
        if count < 0 or best is not None and best.cost <= s.out_cost[0]:
            return best
        return assemble_path(net, origin, dest, s.out_edges[:count], s.out_slots,
                             float(s.out_cost[0]), self._whole)
