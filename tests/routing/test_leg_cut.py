"""Cutting a snapped route's first and last edge: the points shapely's ``substring`` gives
(its rules, GEOS's arithmetic), computed without building geometries, on real edges."""

from __future__ import annotations

import random

import numpy as np
import shapely
from shapely.ops import substring

from routing_service.leg import _cut


def test_cut_equals_shapely_substring(cc_network):
    index, offsets = cc_network.index, cc_network.geom_offsets
    rng = random.Random(3)
    fractions = [0.0, 1.0, 0.5]
    checked = 0
    for _ in range(1500):
        e = rng.randrange(cc_network.n_edges)
        a, b = rng.choice(fractions + [rng.random()]), rng.choice(fractions + [rng.random()])
        start, end = min(a, b), max(a, b)
        want = shapely.get_coordinates(substring(index.lines[e], start, end, normalized=True))
        if len(want) == 1:  # substring gives a Point for an empty cut; the leg needs two
            want = np.vstack([want, want])
        got = _cut(index.xy[offsets[e]:offsets[e + 1]], start, end)
        assert np.array_equal(got, want), (e, start, end)
        checked += 1
    assert checked == 1500
