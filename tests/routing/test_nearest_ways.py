"""The compiled snapping kernel gives exactly shapely's answers (the way, its distance, the
fraction along it and the snapped point), on the real inner-city network: random points in and
around it, points exactly at nodes and at drawing vertices (where several ways are equally
near and the tie-break decides), and points a few metres off them."""

from __future__ import annotations

import random

import pytest

from routing_service import nearest_ways
from routing_service.snap import SNAP_LIMIT_M, SNAP_TIE_M

pytestmark = pytest.mark.skipif(not nearest_ways.available(), reason="kernel not built")

N_EACH = 1500


def points(net, seed: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    min_lon, min_lat, max_lon, max_lat = net.bbox
    out = [(rng.uniform(min_lat - 0.005, max_lat + 0.005),
            rng.uniform(min_lon - 0.005, max_lon + 0.005)) for _ in range(N_EACH)]
    for _ in range(N_EACH):
        n = rng.randrange(net.n_nodes)
        out.append((float(net.node_lat[n]), float(net.node_lon[n])))
    for _ in range(N_EACH):
        lon, lat = net.geom_coords[rng.randrange(len(net.geom_coords))].tolist()
        out.append((lat, lon))
        out.append((lat + rng.gauss(0, 2e-5), lon + rng.gauss(0, 3e-5)))
    return out


def test_kernel_snaps_exactly_as_shapely(cc_network):
    index = cc_network.index
    assert index.ways is not None  # the router snaps through the kernel
    proj = index.proj
    outside = 0
    for lat, lon in points(cc_network, seed=5):
        x, y = (lon - proj.lon0) * proj.kx, (lat - proj.lat0) * proj.ky
        expected = index.shapely_nearest(x, y, SNAP_LIMIT_M)
        assert index.ways.nearest(x, y, SNAP_LIMIT_M, SNAP_TIE_M) == expected, (lat, lon)
        if expected is None:
            outside += 1
            continue
        edge = expected[0]
        assert index.ways.locate(edge, x, y) == index.shapely_locate(edge, x, y), (lat, lon)
    # the sample holds both kinds of points
    assert 100 < outside < N_EACH


def test_snap_outside_the_limit_is_refused(cc_network):
    from routing_service.errors import OutsideServiceArea

    min_lon, min_lat, _, _ = cc_network.bbox
    with pytest.raises(OutsideServiceArea):
        cc_network.snap(min_lat - 0.01, min_lon - 0.01)  # about 1.3 km south-west of the city
