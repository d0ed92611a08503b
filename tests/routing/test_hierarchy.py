"""The contraction hierarchy finds scipy's costs on every pair, and its query stays small.

The same pairs and cost vectors as the bidirectional kernel's tests (``test_search_kernel``):
every profile, closures and one-way edges, obstacles that make ways dearer or cheaper. Beyond
the costs: the hierarchy is a valid elimination tree (every arc rises in rank, a node's parent
is its lowest upward neighbour), and a query visits no more nodes than two paths up the tree.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from test_search_kernel import compare, path_cost, random_snaps

from routing_service.costs import CostModel
from routing_service.hierarchy import HierarchyGraph, kernel_available
from routing_service.options import RouteOptions
from routing_service.router import Router

pytestmark = pytest.mark.skipif(not kernel_available(), reason="hierarchy kernel not built")

N_PAIRS = 300


@pytest.fixture(scope="module")
def hierarchy(cc_network) -> HierarchyGraph:
    return HierarchyGraph(cc_network)


def test_the_router_searches_the_hierarchy(cc_network):
    assert isinstance(Router(cc_network).graph, HierarchyGraph)


@pytest.mark.parametrize("profile", ["walk", "blind", "low_vision"])
def test_same_cost_as_scipy_on_every_pair(cc_network, profile):
    cost = CostModel(cc_network).costs(profile, RouteOptions())
    pairs = random_snaps(cc_network, N_PAIRS, seed=3)
    assert compare(cc_network, cost, pairs, graph=HierarchyGraph) == N_PAIRS


def test_same_answer_with_closures_and_one_way_edges(cc_network):
    """A tenth of the edges closed (both directions of some ways, one of others): some pairs
    have no path at all, and the hierarchy must say so too."""
    rng = np.random.default_rng(5)
    cost = CostModel(cc_network).costs("blind", RouteOptions(avoid_steps=True))
    cost[rng.random(len(cost)) < 0.1] = np.inf
    found = compare(cc_network, cost, random_snaps(cc_network, N_PAIRS, seed=4),
                    graph=HierarchyGraph)
    assert 0 < found < N_PAIRS


def test_dearer_and_cheaper_obstacles(cc_network):
    """Customization takes any vector: a fifth of the edges five times dearer, or 0.4 times."""
    base = CostModel(cc_network).costs("blind", RouteOptions())
    rng = np.random.default_rng(2)
    pairs = random_snaps(cc_network, 100, seed=6)
    for factor in (5.0, 0.4):
        cost = base * np.where(rng.random(len(base)) < 0.2, factor, 1.0)
        assert compare(cc_network, cost, pairs, graph=HierarchyGraph) == len(pairs)


def test_a_customized_vector_costs_24_bytes_per_arc(cc_network, hierarchy):
    """A worker keeps one customized metric per cached cost vector: two costs and two
    "how walked" codes per arc, nothing more."""
    metric = hierarchy.weights(CostModel(cc_network).costs("walk", RouteOptions())).metric
    size = sum(getattr(metric, f).nbytes for f in ("up", "down", "up_how", "down_how"))
    assert size == 24 * hierarchy.n_arcs
    assert set(vars(metric)) == {"up", "down", "up_how", "down_how"}


def test_with_a_limit_it_gives_up_beyond_it(cc_network, hierarchy):
    cost = CostModel(cc_network).costs("walk", RouteOptions())
    weights = hierarchy.weights(cost)
    o, d = random_snaps(cc_network, 1, seed=9)[0]
    full = hierarchy.shortest(weights, o, d)
    assert hierarchy.shortest(weights, o, d, limit=full.cost * 1.01).cost == full.cost
    assert hierarchy.shortest(weights, o, d, limit=full.cost * 0.99) is None


def test_paths_are_connected_and_cost_what_they_say(cc_network, hierarchy):
    """Unpacked shortcuts give the original edges in walking order, each starting where the
    one before ended, and their costs add up to the path's cost."""
    cost = CostModel(cc_network).costs("low_vision", RouteOptions())
    weights = hierarchy.weights(cost)
    for o, d in random_snaps(cc_network, 100, seed=17):
        path = hierarchy.shortest(weights, o, d)
        assert path_cost(cc_network, cost, path) == pytest.approx(path.cost, rel=1e-9, abs=1e-6)


def test_elimination_tree_is_sound(cc_network, hierarchy):
    h = hierarchy
    assert sorted(h.rank.tolist()) == list(range(cc_network.n_nodes))
    assert np.array_equal(h.order[h.rank], np.arange(cc_network.n_nodes))
    assert np.all(h.rank[h.head] > h.rank[h.tail])
    for v in range(cc_network.n_nodes):
        heads = h.head[h.first[v]:h.first[v + 1]]
        assert h.parent[v] == (heads[0] if len(heads) else -1)
        assert np.all(np.diff(h.rank[heads]) > 0)  # each upward neighbour once, by rank
    # every original link between two nodes is an arc of the hierarchy
    u, v = cc_network.edge_u, cc_network.edge_v
    links = {(min(a, b, key=h.rank.__getitem__), max(a, b, key=h.rank.__getitem__))
             for a, b in zip(u.tolist(), v.tolist(), strict=True) if a != b}
    arcs = set(zip(h.tail.tolist(), h.head.tolist(), strict=True))
    assert links <= arcs


def test_a_query_visits_two_paths_up_the_tree_at_most(cc_network, hierarchy):
    """The query's work is bounded by the tree's height, not by the network's size; the
    separators keep the tree far lower than the network is large; and a short route stops
    relaxing where the tree above it can only be dearer."""
    height = hierarchy.height()
    assert height < cc_network.n_nodes / 10
    cost = CostModel(cc_network).costs("blind", RouteOptions())
    weights = hierarchy.weights(cost)
    short = 0
    for o, d in random_snaps(cc_network, 200, seed=41):
        path = hierarchy.shortest(weights, o, d)
        assert 0 < hierarchy.settled() <= 2 * height
        if len(path.pieces) <= 4:  # a short route: the tree above it is dearer than the path
            assert hierarchy.settled() < height
            short += 1
    assert short >= 3


def test_the_build_stores_the_hierarchy_and_routers_map_it(tmp_path, cc_osm):
    """``lotse build-graph`` writes the order and arcs beside the graph: a router over the
    mapped files orders nothing again and searches the very hierarchy a fresh one makes."""
    from routing_service.graph_files import build_compiled, open_compiled
    from routing_service.hierarchy import ARRAYS, make_arrays

    build_compiled(cc_osm, tmp_path)
    mapped = open_compiled(cc_osm, tmp_path)
    assert set(mapped.hierarchy) == set(ARRAYS)
    graph = Router(mapped).graph
    assert isinstance(graph.head.base, np.memmap)
    fresh = make_arrays(mapped)
    for key in ARRAYS:
        assert np.array_equal(mapped.hierarchy[key], fresh[key])
    # the file phones download stays as it was: no hierarchy in it
    with np.load(io.BytesIO(mapped.to_bytes())) as download:
        assert not [name for name in download.files if name.startswith("cch:")]
        assert "edge_u" in download.files


def test_equal_cost_vectors_share_one_customization(cc_network):
    """Options a profile ignores (tactile paving for the plain walk) and darkness where no way
    is unlit give the same vector: the router keeps its customization once. Different vectors
    keep their own."""
    router = Router(cc_network)
    walk, _ = router._costs("walk", RouteOptions(), False, [])
    assert router._costs("walk", RouteOptions(prefer_tactile_paving=True), False, [])[0] is walk
    assert router._costs("walk", RouteOptions(), True, [])[0] is walk
    steps, _ = router._costs("walk", RouteOptions(avoid_steps=True), False, [])
    assert steps is not walk and not np.array_equal(steps.cost, walk.cost)
    blind, _ = router._costs("blind", RouteOptions(), False, [])
    assert blind is not walk
