"""Nearest point within a radius, for a handful of queries per route: a grid of buckets.

A route asks for the nearest landmark at its few turns and at its end; a spatial tree costs tens
of microseconds per call in set-up alone, while looking into the nine grid cells around a point
costs a few, whatever the size of the city.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np


class GridIndex:
    """Points (projected metres) bucketed in square cells of ``cell_m``; queries up to that far."""

    def __init__(self, xy: np.ndarray, cell_m: float) -> None:
        self.cell = float(cell_m)
        self.xy = [(float(x), float(y)) for x, y in np.asarray(xy, dtype=np.float64)]
        buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (x, y) in enumerate(self.xy):
            buckets[(math.floor(x / self.cell), math.floor(y / self.cell))].append(i)
        self.buckets = dict(buckets)

    def nearest(self, x: float, y: float, max_m: float) -> tuple[float, int]:
        """(distance, index) of the nearest point within ``max_m`` (<= cell size), else
        (inf, -1). Ties go to the lower index."""
        if max_m > self.cell:
            raise ValueError(f"query radius {max_m} m exceeds the grid cell {self.cell} m")
        cx, cy = math.floor(x / self.cell), math.floor(y / self.cell)
        best, best_i = math.inf, -1
        for gx in (cx - 1, cx, cx + 1):
            for gy in (cy - 1, cy, cy + 1):
                for i in self.buckets.get((gx, gy), ()):
                    px, py = self.xy[i]
                    d = math.hypot(px - x, py - y)
                    if d < best or d == best and i < best_i:
                        best, best_i = d, i
        return (best, best_i) if best <= max_m else (math.inf, -1)
