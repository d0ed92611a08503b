"""The landmark grid finds what a brute-force search over all points finds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from routing_service.nearby import GridIndex


def test_grid_nearest_equals_brute_force():
    rng = np.random.default_rng(2)
    xy = rng.uniform(-500, 500, size=(2000, 2))
    grid = GridIndex(xy, cell_m=35.0)
    for x, y in rng.uniform(-520, 520, size=(500, 2)).tolist():
        for radius in (20.0, 35.0):
            d = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
            i = int(np.argmin(d))
            expected = (float(d[i]), i) if d[i] <= radius else (math.inf, -1)
            got = grid.nearest(x, y, radius)
            assert got[1] == expected[1] and got[0] == pytest.approx(expected[0])


def test_grid_refuses_a_radius_beyond_its_cell():
    with pytest.raises(ValueError, match="exceeds"):
        GridIndex(np.zeros((1, 2)), cell_m=10.0).nearest(0.0, 0.0, 11.0)
