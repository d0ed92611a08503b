"""Point-to-point search with the compiled bidirectional A* (``_bidijkstra.c``): the router's
fallback when the contraction hierarchy (``hierarchy``) is not built or ``LOTSE_SEARCH`` is
``bidirectional``, and the baseline the bench times the hierarchy against.

The kernel searches from both snapped points at once and stops when the two searches meet, so it
settles only the nodes around the route, never the whole city, and needs no distance limit and
no second try. It reads the edge costs directly: a cost vector with obstacles applied is used as
it is, without building a search matrix.

The A* bound: for each cost vector the smallest cost per metre of (projected) edge geometry,
``astar_factor``; no path can cost less than that times the straight line, so the heuristic
never overestimates and the route stays the cheapest one. It is taken from the vector itself,
so an overlay that makes a way cheaper (a guidance strip) lowers the bound with it. Landmark
tables (``search_bounds``) sharpen the bound where the straight line is weak.

``kernel_available()`` is False when the extension was not built (a source checkout without
``pip install``); the router then falls back to scipy's Dijkstra (``pathfind.PairGraph``).
Set ``LOTSE_SEARCH=scipy`` to force that fallback. ``way_ends``, ``assemble_path`` and
``SearchBuffers`` serve both compiled searches.
"""

from __future__ import annotations

import ctypes
import threading
import weakref

import numpy as np

from routing_service import kernels
from routing_service.compiled import WalkNetwork
from routing_service.pathfind import Path, Piece, Weights, _direct, _part
from routing_service.search_bounds import LandmarkTables, landmark_tables, pick_landmarks
from routing_service.snap import Snap

_P = ctypes.c_void_p
#: addresses of this many cost vectors are remembered (the router caches about as many vectors)
COST_POINTERS_KEPT = 64
#: the A* factor is shrunk by this share, so float rounding in the straight lines can never make
#: the heuristic overestimate
ASTAR_MARGIN = 1e-6


def _load_kernel() -> ctypes.CDLL | None:
    lib = kernels.load("_bidijkstra", unless_search=("scipy",))
    if lib is None:
        return None
    lib.lotse_ws_new.restype = _P
    lib.lotse_ws_new.argtypes = [ctypes.c_int32]
    lib.lotse_ws_free.argtypes = [_P]
    if hasattr(lib, "lotse_ws_settled"):  # a kernel built before it had no counter
        lib.lotse_ws_settled.restype = ctypes.c_int64
        lib.lotse_ws_settled.argtypes = [_P]
    lib.lotse_bidijkstra.restype = ctypes.c_int64
    lib.lotse_bidijkstra.argtypes = [
        _P, _P, _P, _P, _P, _P, _P, _P,
        ctypes.c_int32, _P, _P, ctypes.c_int32, _P, _P, ctypes.c_double,
        _P, _P, ctypes.c_double, _P,
        ctypes.c_int32, _P, _P, _P,
        _P, ctypes.c_int64, _P, _P]
    lib.lotse_dijkstra_all.restype = ctypes.c_int64
    lib.lotse_dijkstra_all.argtypes = [_P, _P, _P, _P, ctypes.c_int32, _P]
    return lib


_KERNEL = _load_kernel()
_ptr = kernels.address


def kernel_available() -> bool:
    return _KERNEL is not None


class SearchBuffers:
    """One thread's workspace of a compiled search and its small in/out buffers: two weighted
    sources and targets in, the path's edges, the entries it used and its cost out."""

    def __init__(self, n_nodes: int, new, free) -> None:
        """``new(n)`` makes the kernel's workspace, ``free(ws)`` frees it with this object."""
        self.ws = new(n_nodes)
        if not self.ws:
            raise MemoryError("route search workspace")
        weakref.finalize(self, free, self.ws)
        self.src_node = np.zeros(2, dtype=np.int32)
        self.dst_node = np.zeros(2, dtype=np.int32)
        self.src_cost = np.zeros(2, dtype=np.float64)
        self.dst_cost = np.zeros(2, dtype=np.float64)
        self.out_edges = np.zeros(max(n_nodes, 1) + 2, dtype=np.int32)
        self.out_slots = np.zeros(2, dtype=np.int32)
        self.out_cost = np.zeros(1, dtype=np.float64)


class PerThreadSearch:
    """A compiled search whose buffers are per thread, made at the thread's first search (the
    kernel writes into them; threads search at once, the GIL released)."""

    net: WalkNetwork
    _local: threading.local
    #: the buffers' class (a ``SearchBuffers``), made for ``net.n_nodes``
    buffers: type

    def _scratch(self):
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self.buffers(self.net.n_nodes)
        return scratch


class _Scratch(SearchBuffers):
    """The A* kernel's buffers, and the landmark bounds' per-search values."""

    def __init__(self, n_nodes: int) -> None:
        super().__init__(n_nodes, _KERNEL.lotse_ws_new, _KERNEL.lotse_ws_free)
        self.ends_xy = np.zeros(4, dtype=np.float64)
        # buffer addresses, taken once: ``array.ctypes`` builds a helper object on every access
        self.ptrs = tuple(_ptr(a) for a in (self.src_node, self.src_cost, self.dst_node,
                                            self.dst_cost, self.ends_xy, self.out_edges,
                                            self.out_slots, self.out_cost))
        #: the landmark bounds' per-search values, written in place (the address stays)
        self.lm_ends = np.zeros(0)
        self.lm_ptr = 0

    def landmark_ends(self, values: list[float]) -> int:
        """Address of ``values`` copied into this thread's buffer (grown when too small)."""
        if len(self.lm_ends) < len(values):
            self.lm_ends = np.zeros(len(values))
            self.lm_ptr = _ptr(self.lm_ends)
        self.lm_ends[:len(values)] = values
        return self.lm_ptr


class BidirectionalGraph(PerThreadSearch):
    """Forward and backward adjacency of a network, searched by the compiled kernel."""

    buffers = _Scratch

    def __init__(self, net: WalkNetwork, bounded: bool = True) -> None:
        """``bounded=False``: plain bidirectional Dijkstra (no A* bounds; a baseline)."""
        if _KERNEL is None:
            raise RuntimeError("the compiled search kernel is not built")
        self.net = net
        self.bounded = bounded
        n = net.n_nodes
        self.edge_u = np.ascontiguousarray(net.edge_u, dtype=np.int32)
        self.edge_v = np.ascontiguousarray(net.edge_v, dtype=np.int32)
        self.adj_f = np.argsort(self.edge_u, kind="stable").astype(np.int32)
        self.adj_b = np.argsort(self.edge_v, kind="stable").astype(np.int32)
        self.ptr_f = np.r_[0, np.cumsum(np.bincount(self.edge_u, minlength=n))].astype(np.int64)
        self.ptr_b = np.r_[0, np.cumsum(np.bincount(self.edge_v, minlength=n))].astype(np.int64)
        self._static = [_ptr(a) for a in (self.ptr_f, self.adj_f, self.ptr_b, self.adj_b,
                                          self.edge_u, self.edge_v)]
        # the A* geometry: nodes and edge lengths in the snapping index's metric projection
        # (an edge's geometry starts and ends exactly on its nodes)
        self.proj = net.index.proj
        node_xy = self.proj.forward(np.column_stack((net.node_lon, net.node_lat)))
        self.node_x = np.ascontiguousarray(node_xy[:, 0])
        self.node_y = np.ascontiguousarray(node_xy[:, 1])
        self._xy_ptrs = (_ptr(self.node_x), _ptr(self.node_y))
        self.geom_length = _geometry_lengths(net.index.xy, net.geom_offsets)
        self.landmarks = pick_landmarks(self.node_x, self.node_y)
        #: the whole-edge piece of every edge, made once (a long path is 150 of them)
        self._whole = [Piece(e) for e in range(net.n_edges)]
        self._local = threading.local()
        #: id(cost vector) -> (the vector, kept alive, its address, its A* factor)
        self._cost_ptr: dict[int, tuple[np.ndarray, int, float]] = {}

    def weights(self, cost: np.ndarray, lower: Weights | None = None) -> Weights:
        """The kernel searches the cost vector itself: nothing to build but its address, its
        A* factor and its landmark tables. ``lower``: the weights of a vector nowhere dearer
        than this one (the profile's, before obstacles were added); its tables are reused."""
        weights = Weights(np.ascontiguousarray(cost, dtype=np.float64), None)
        self._remember(weights.cost)
        if not self.bounded:
            weights.bounds = None
        elif lower is not None and lower.bounds is not None and \
                bool(np.all(weights.cost >= lower.cost)):
            weights.bounds = lower.bounds
        else:
            weights.bounds = self.tables(weights.cost)
        return weights

    def tables(self, cost: np.ndarray) -> LandmarkTables:
        """The landmark tables of one cost vector (two whole-graph searches per landmark)."""
        graph = tuple(_ptr(a) for a in (self.ptr_f, self.adj_f, self.edge_v,
                                        self.ptr_b, self.adj_b, self.edge_u))
        return landmark_tables(_KERNEL, graph, cost, self.landmarks, self.net.n_nodes)

    def _remember(self, cost: np.ndarray) -> tuple[np.ndarray, int, float]:
        entry = (cost, _ptr(cost), self.astar_factor(cost))
        self._cost_ptr[id(cost)] = entry
        if len(self._cost_ptr) > COST_POINTERS_KEPT:
            self._cost_ptr.pop(next(iter(self._cost_ptr)))
        return entry

    def astar_factor(self, cost: np.ndarray) -> float:
        """The least cost per metre of any usable edge: k * straight line <= any path's cost."""
        usable = np.isfinite(cost) & (self.geom_length > 0)
        if not usable.any():
            return 0.0
        least = float(np.min(cost[usable] / self.geom_length[usable]))
        return max(least * (1.0 - ASTAR_MARGIN), 0.0)

    def settled(self) -> int:
        """Nodes this thread's last search settled (how sharp the bounds were); -1 when the
        built kernel predates the counter (rebuild it)."""
        if not hasattr(_KERNEL, "lotse_ws_settled"):
            return -1
        return int(_KERNEL.lotse_ws_settled(self._scratch().ws))

    def shortest(self, weights: Weights, origin: Snap, dest: Snap,
                 limit: float = np.inf) -> Path | None:
        """Cheapest path origin -> dest, or None if there is none (within ``limit``)."""
        net, cost, s = self.net, weights.cost, self._scratch()
        # leave the origin's way at either end; reach the destination's way from either end
        leave_o, arrive_o = way_ends(net, cost, origin)
        leave_d, arrive_d = way_ends(net, cost, dest)
        s.src_node[:], s.src_cost[:] = leave_o
        s.dst_node[:], s.dst_cost[:] = arrive_d
        tables: LandmarkTables | None = weights.bounds
        bound_ends = tables.ends(arrive_o, leave_o, arrive_d, leave_d) if tables else None
        if bound_ends is None:
            landmarks = (0, None, None, None)
        else:
            landmarks = (tables.count, *tables.ptrs, s.landmark_ends(bound_ends))
        known = self._cost_ptr.get(id(cost))
        if known is None or known[0] is not cost:
            known = self._remember(np.ascontiguousarray(cost, dtype=np.float64))
        _, cost_ptr, factor = known
        if not self.bounded:
            factor = 0.0
        s.ends_xy[:] = (*self._xy(origin), *self._xy(dest))
        src_node, src_cost, dst_node, dst_cost, ends_xy, out_edges, out_slots, out_cost = s.ptrs
        count = _KERNEL.lotse_bidijkstra(
            s.ws, *self._static, cost_ptr, 2, src_node, src_cost, 2, dst_node, dst_cost,
            float(limit), *self._xy_ptrs, factor, ends_xy, *landmarks,
            out_edges, len(s.out_edges), out_slots, out_cost)
        if count == -2:
            raise MemoryError("route search")
        best = _direct(net, cost, origin, dest)
        if count < 0 or best is not None and best.cost <= s.out_cost[0]:
            return best
        return assemble_path(net, origin, dest, s.out_edges[:count], s.out_slots,
                             float(s.out_cost[0]), self._whole)

    def _xy(self, snap: Snap) -> tuple[float, float]:
        """A snapped point in the nodes' projection."""
        proj = self.proj
        return (snap.lon - proj.lon0) * proj.kx, (snap.lat - proj.lat0) * proj.ky


def way_ends(net: WalkNetwork, cost: np.ndarray, snap: Snap
             ) -> tuple[tuple[list[int], list[float]], tuple[list[int], list[float]]]:
    """The ends of a snapped point's way, with the cost of walking from the point to each
    (leave) and from each to the point (arrive); -1 and inf where the way is one-way."""
    e, t = snap.edge, snap.fraction
    r = int(net.edge_rev[e])
    u, v = int(net.edge_u[e]), int(net.edge_v[e])
    if r < 0:
        return (([v, -1], [_part(cost[e], 1 - t), np.inf]),
                ([u, -1], [_part(cost[e], t), np.inf]))
    return (([v, u], [_part(cost[e], 1 - t), _part(cost[r], t)]),
            ([u, v], [_part(cost[e], t), _part(cost[r], 1 - t)]))


def assemble_path(net: WalkNetwork, origin: Snap, dest: Snap, inner: np.ndarray,
                  slots: np.ndarray, cost: float, whole: list[Piece]) -> Path:
    """The path a kernel found: the part of the origin's way up to the end it was left by
    (``slots[0]``: 0 the way's own end, 1 its reverse's), the whole edges between, and the part
    of the destination's way from the end it was reached at (``slots[1]`` likewise)."""
    e_o, t_o, r_o = origin.edge, origin.fraction, int(net.edge_rev[origin.edge])
    e_d, t_d, r_d = dest.edge, dest.fraction, int(net.edge_rev[dest.edge])
    first = Piece(e_o, t_o, 1.0) if slots[0] == 0 else Piece(r_o, 1 - t_o, 1.0)
    last = Piece(e_d, 0.0, t_d) if slots[1] == 0 else Piece(r_d, 0.0, 1 - t_d)
    count = len(inner)
    middle = list(map(whole.__getitem__, inner.tolist()))
    edges = np.empty(count + 2, dtype=np.int64)
    edges[0], edges[1:-1], edges[-1] = first.edge, inner, last.edge
    shares = np.ones(count + 2)
    shares[0], shares[-1] = first.end - first.start, last.end - last.start
    return Path(cost, [first, *middle, last], edges, shares)


def _geometry_lengths(xy: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Length of every edge's projected geometry (what a snapped fraction is a share of)."""
    seg = np.r_[np.hypot(*np.diff(xy, axis=0).T), 0.0]
    seg[offsets[1:] - 1] = 0.0  # the jump from one edge's last point to the next edge's first
    return np.add.reduceat(seg, offsets[:-1])
