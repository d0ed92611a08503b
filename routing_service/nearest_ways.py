"""The walkable way nearest to a point, found by a small compiled kernel (``_nearest.c``).

A route snaps two points. Asking shapely's STRtree cost about eight calls into shapely per
point (a point object, a nearest query, a ``dwithin`` query, distances, locate, interpolate),
each behind its own Python wrapper: a sixth of a long route's time. Here a uniform grid of the
segments (every cell lists the segments whose bounding box touches it) is searched ring by ring
in C, and the point is placed on the chosen way there too: one call per point.

The kernel does GEOS's own arithmetic, operation for operation, so the chosen way, the fraction
and the snapped point are the very doubles shapely gives; tests compare both on many random
points, and on points exactly at nodes, where several ways are equally near.
``available()`` is False when the kernel was not built; ``snap.EdgeIndex`` then asks shapely.
"""

from __future__ import annotations

import ctypes

import numpy as np

from routing_service import kernels

#: side of a grid cell (metres): a point on the network finds its way in the first ring or two
CELL_M = 25.0
_P = ctypes.c_void_p
_D = ctypes.c_double


def _load() -> ctypes.CDLL | None:
    lib = kernels.load("_nearest")
    if lib is None:
        return None
    lib.lotse_nearest.restype = ctypes.c_int32
    lib.lotse_nearest.argtypes = [_P, _P, _P, _P, _P, _P, _P, _D, _D, _D, _D, _P]
    lib.lotse_locate.restype = None
    lib.lotse_locate.argtypes = [_P, ctypes.c_int32, _D, _D, _P]
    return lib


_KERNEL = _load()


def available() -> bool:
    return _KERNEL is not None


class NearestWays:
    """Segments of the given edges in a grid, searchable by distance to a point (metres)."""

    def __init__(self, xy: np.ndarray, offsets: np.ndarray, edges: np.ndarray,
                 rank: np.ndarray) -> None:
        """``xy``: every edge's coordinates, edge e at ``offsets[e]:offsets[e + 1]``; ``edges``:
        the edges to search; ``rank``: per edge, lower wins among equally near ways (before the
        distance, then the edge number)."""
        if _KERNEL is None:
            raise RuntimeError("the compiled snapping kernel is not built")
        self.xy = np.ascontiguousarray(xy, dtype=np.float64)
        self.offsets = offsets
        self.rank = np.ascontiguousarray(rank, dtype=np.int8)
        first, count = offsets[edges], offsets[edges + 1] - offsets[edges] - 1
        self.seg_edge = np.repeat(edges, count).astype(np.int32)
        within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        start = np.repeat(first, count) + within
        a, b = self.xy[start], self.xy[start + 1]
        self.seg = np.ascontiguousarray(np.column_stack((a, b)))
        low = np.minimum(a, b).min(axis=0) if len(a) else np.zeros(2)
        high = np.maximum(a, b).max(axis=0) if len(a) else np.zeros(2)
        nx, ny = (np.floor((high - low) / CELL_M).astype(np.int64) + 1).tolist()
        # the cells each segment's bounding box touches, listed per cell
        lo = np.floor((np.minimum(a, b) - low) / CELL_M).astype(np.int64)
        hi = np.minimum(np.floor((np.maximum(a, b) - low) / CELL_M).astype(np.int64),
                        [nx - 1, ny - 1])
        wide, tall = hi[:, 0] - lo[:, 0] + 1, hi[:, 1] - lo[:, 1] + 1
        per_seg = wide * tall
        owner = np.repeat(np.arange(len(per_seg)), per_seg)
        k = np.arange(int(per_seg.sum())) - np.repeat(np.cumsum(per_seg) - per_seg, per_seg)
        cells = (lo[owner, 1] + k // wide[owner]) * nx + lo[owner, 0] + k % wide[owner]
        order = np.argsort(cells, kind="stable")
        self.cell_seg = owner[order].astype(np.int32)
        self.cell_ptr = np.r_[0, np.cumsum(np.bincount(cells, minlength=nx * ny))
                              ].astype(np.int64)
        self.grid_f = np.array([low[0], low[1], CELL_M], dtype=np.float64)
        self.grid_i = np.array([nx, ny], dtype=np.int32)
        self._ptrs = tuple(a.ctypes.data for a in (self.grid_f, self.grid_i, self.cell_ptr,
                                                   self.cell_seg, self.seg, self.seg_edge,
                                                   self.rank))
        self._xy_ptr, self._item = self.xy.ctypes.data, self.xy.itemsize * 2

    def nearest(self, x: float, y: float, limit: float, tie: float) -> tuple[int, float] | None:
        """(edge, distance) of the nearest way within ``limit``, or None. Ways at most ``tie``
        farther than the nearest count as equally near: the lowest rank wins, then the nearer,
        then the lower edge number."""
        gap = ctypes.c_double()
        edge = _KERNEL.lotse_nearest(*self._ptrs, x, y, limit, tie, ctypes.byref(gap))
        return None if edge < 0 else (edge, gap.value)

    def locate(self, edge: int, x: float, y: float) -> tuple[float, float, float]:
        """(fraction of the edge's length, x, y) of the point on ``edge`` nearest to (x, y):
        shapely's ``line_locate_point``, ``length`` and ``line_interpolate_point``."""
        first, stop = int(self.offsets[edge]), int(self.offsets[edge + 1])
        out = np.zeros(3, dtype=np.float64)  # per call: routes may snap from several threads
        _KERNEL.lotse_locate(self._xy_ptr + first * self._item, stop - first, x, y,
                             out.ctypes.data)
        fraction, nx, ny = out.tolist()
        return fraction, nx, ny
