"""The array build (network_build) gives the compiled graph osmnx's networkx build gives.

Same nodes in the same order, same edges in the same order, same lengths to the bit, same
geometry, tags, way ids, reverse pairs and places, on the real extracts and on hand-made maps
with the patterns simplification has special rules for (rings, loops, one-way chains, parallel
ways, merged ways with different ids or directions, ties between the largest parts).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from osm_maps import bypass_map, osm_xml, write

from lotse_common.settings import SHARED_OSM
from routing_service.compiled import WalkNetwork
from routing_service.network_build import build_network, reverse_edges
from routing_service.osmnx_build import build_network_osmnx

DATA = Path(__file__).parent / "data"
ARRAYS = ("node_osmid", "node_lat", "node_lon", "edge_u", "edge_v", "edge_length", "edge_rev",
          "geom_offsets", "geom_coords")


def assert_same_network(ours: WalkNetwork, reference: WalkNetwork) -> None:
    for name in ARRAYS:
        mine, theirs = getattr(ours, name), getattr(reference, name)
        assert mine.dtype == theirs.dtype, name
        assert np.array_equal(mine, theirs), name
    for kind in ("node_tags", "edge_tags"):
        mine, theirs = getattr(ours, kind), getattr(reference, kind)
        assert list(mine.codes) == list(theirs.codes), kind
        assert mine.vocab == theirs.vocab, kind
        for key, codes in theirs.codes.items():
            assert mine.codes[key].dtype == codes.dtype, f"{kind} {key}"
            assert np.array_equal(mine.codes[key], codes), f"{kind} {key}"
    assert ours.places == reference.places


def both(path: Path) -> tuple[WalkNetwork, WalkNetwork]:
    return build_network(path, "h", path.name), build_network_osmnx(path, "h", path.name)


@pytest.fixture(scope="module")
def city() -> tuple[WalkNetwork, WalkNetwork]:
    city = SHARED_OSM / "kaiserslautern.osm.gz"
    assert city.exists(), f"the whole-city extract is missing: {city}"
    return both(city)


def test_inner_city_equals_osmnx_build(cc_osm):
    ours, reference = both(cc_osm)
    assert ours.n_edges > 1900
    assert_same_network(ours, reference)


def test_whole_city_equals_osmnx_build(city):
    ours, reference = city
    assert (ours.n_nodes, ours.n_edges) == (8441, 22214)
    assert_same_network(ours, reference)


@pytest.mark.parametrize("profile", ["walk", "blind", "low_vision"])
def test_whole_city_costs_equal_osmnx_build(city, profile):
    """What the tags are for: every profile prices every edge the same, by day and night."""
    from routing_service.costs import CostModel
    from routing_service.options import RouteOptions

    ours, reference = (CostModel(net) for net in city)
    for night in (False, True):
        options = RouteOptions()
        assert np.array_equal(ours.costs(profile, options, night),
                              reference.costs(profile, options, night))


def test_reverse_pairs_are_mutual_and_complete(city):
    """Each edge's opposite runs the same geometry backwards, pairs are mutual, never an edge
    with itself, and no edge stays alone while an unpaired opposite exists (the city has ways
    mapped twice over the same nodes: the pairing once gave two of them the same partner)."""
    net = city[0]
    rev = net.edge_rev
    paired = np.flatnonzero(rev >= 0)
    assert np.array_equal(rev[rev[paired]], paired)
    assert not np.any(rev[paired] == paired)
    for e in paired.tolist():
        assert np.allclose(net.edge_coords(int(rev[e]))[::-1], net.edge_coords(e), rtol=0,
                           atol=1e-9)
    by_ends: dict[tuple[int, int], list[int]] = {}
    for e in np.flatnonzero(rev < 0).tolist():
        by_ends.setdefault((int(net.edge_u[e]), int(net.edge_v[e])), []).append(e)
    for (u, v), alone in by_ends.items():
        for e in alone:
            assert not any(c != e and np.array_equal(net.edge_coords(c)[::-1], net.edge_coords(e))
                           for c in by_ends.get((v, u), [])), e
    assert len(paired) == net.n_edges  # every way of the city is walkable both ways


def test_reverse_pairs_of_parallel_ways():
    """Two identical two-way ways between the same nodes: each edge gets one partner."""
    coords = np.array([[0.0, 0.0], [1.0, 0.0]] * 2 + [[1.0, 0.0], [0.0, 0.0]] * 2)
    rev = reverse_edges(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]), coords,
                        np.array([0, 2, 4, 6, 8]))
    assert rev.tolist() == [2, 3, 0, 1]


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.osm")))
def test_hand_made_maps_equal_osmnx_build(name):
    assert_same_network(*both(DATA / name))


#: a grid of nodes 100 m apart: id = 10 * row + column + 1
GRID = {10 * r + c + 1: (49.44 + 0.0009 * r, 7.76 + 0.0014 * c) for r in range(4) for c in range(6)}
FOOT = {"highway": "footway"}
EDGE_CASES = {
    # a closed way with untagged nodes beside the network: a ring without endpoints
    "ring": [(1, [1, 2, 3], FOOT), (2, [12, 13, 23, 22, 12], FOOT)],
    # a closed way attached at one node: a loop edge and its reverse
    "loop": [(1, [1, 2, 3], FOOT), (2, [3, 14, 15, 25, 24, 3], FOOT)],
    # two parts of the same size: the part with the lowest node id stays
    "tie": [(1, [1, 2, 3], FOOT), (2, [21, 22, 23], FOOT)],
    # one path made of three ways (different ids, one drawn the other way round)
    "merged_ways": [(5, [1, 2, 3], FOOT), (3, [4, 3], FOOT), (9, [4, 5, 6], FOOT),
                    (1, [6, 16], FOOT), (2, [16, 26], FOOT)],
    # a one-way (oneway:foot) chain beside a two-way one, and a one-way way both ways
    "one_way": [(1, [1, 2, 3, 4], {**FOOT, "oneway:foot": "yes"}),
                (2, [4, 14, 13, 12, 1], FOOT), (3, [11, 12], FOOT),
                (4, [4, 5], {**FOOT, "oneway:foot": "-1"}), (6, [5, 4], FOOT)],
    # parallel ways over the same nodes, a way doubling back on itself, a triangle
    "parallel": [(1, [1, 2, 3], FOOT), (2, [1, 2, 3], {**FOOT, "name": "Zweitweg"}),
                 (3, [3, 4, 5], FOOT), (4, [3, 4, 5], FOOT), (7, [5, 6, 5, 16], FOOT),
                 (8, [1, 11], FOOT), (9, [1, 12, 11], FOOT)],
    # two one-way ways from A into B and B on to C: B is kept, parallel segments merge
    "one_way_parallel": [(1, [1, 2], {**FOOT, "oneway:foot": "yes"}),
                         (2, [1, 2], {**FOOT, "oneway:foot": "yes"}),
                         (3, [2, 3], FOOT), (4, [3, 4, 14], FOOT), (5, [14, 1], FOOT)],
    # the same, one-way on into C and back: B is passed through, the first of the twin
    # segments A-B gives the merged edge its way id
    "one_way_twins": [(1, [1, 2], {**FOOT, "oneway:foot": "yes"}),
                      (2, [1, 2], {**FOOT, "oneway:foot": "yes"}),
                      (3, [2, 3], {**FOOT, "oneway:foot": "yes"}),
                      (4, [3, 2], {**FOOT, "oneway:foot": "yes"}),
                      (5, [3, 4, 14], FOOT), (6, [14, 13, 1], FOOT)],
}


@pytest.mark.parametrize("case", sorted(EDGE_CASES))
def test_simplification_edge_cases_equal_osmnx_build(case, tmp_path):
    path = write(tmp_path, osm_xml(GRID, EDGE_CASES[case]))
    ours, reference = both(path)
    assert ours.n_edges > 0
    assert_same_network(ours, reference)


def test_access_rules_map_equals_osmnx_build(tmp_path):
    """The bypass map with a locked gate in the middle of the short way and a one-way detour."""
    text = bypass_map(short={"oneway:foot": "yes"}, middle={"barrier": "gate", "locked": "yes"})
    assert_same_network(*both(write(tmp_path, text)))
