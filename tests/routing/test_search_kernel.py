"""The compiled bidirectional search agrees with scipy's Dijkstra on every pair it is given.

Pairs are random points on the real inner-city network (fixed seed), searched with the cost
vectors of every profile, with closures, and with one-way edges (escalator-like): the cost must
match scipy's to rounding, and the path must be connected and cost what it says.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import numpy as np
import pytest

from routing_service.bidirectional import BidirectionalGraph, kernel_available
from routing_service.costs import CostModel
from routing_service.options import RouteOptions
from routing_service.pathfind import PairGraph, Path
from routing_service.router import Router

pytestmark = pytest.mark.skipif(not kernel_available(), reason="search kernel not built")

N_PAIRS = 300


def random_snaps(net, n: int, seed: int):
    rng = random.Random(seed)

    def snap():
        e = rng.randrange(net.n_edges)
        coords = net.edge_coords(e)
        i = rng.randrange(len(coords) - 1)
        lon, lat = coords[i] + rng.random() * (coords[i + 1] - coords[i])
        return net.snap(float(lat), float(lon))

    return [(snap(), snap()) for _ in range(n)]


def path_cost(net, cost: np.ndarray, path: Path) -> float:
    """What the pieces cost, and a check that each piece starts where the one before ended."""
    for a, b in zip(path.pieces, path.pieces[1:], strict=False):
        assert net.edge_v[a.edge] == net.edge_u[b.edge]
    return sum(0.0 if p.end <= p.start else cost[p.edge] * (p.end - p.start)
               for p in path.pieces)


def compare(net, cost: np.ndarray, pairs, graph=BidirectionalGraph) -> int:
    """How many pairs have a path; asserts that ``graph`` finds the cost scipy finds."""
    fast, slow = graph(net), PairGraph(net)
    wf, ws = fast.weights(cost), slow.weights(cost)
    found = 0
    for o, d in pairs:
        a, b = fast.shortest(wf, o, d), slow.shortest(ws, o, d)
        assert (a is None) == (b is None), (o, d)
        if a is None:
            continue
        found += 1
        assert a.cost == pytest.approx(b.cost, rel=1e-9, abs=1e-6), (o, d)
        assert path_cost(net, cost, a) == pytest.approx(a.cost, rel=1e-9, abs=1e-6)
    return found


@pytest.mark.parametrize("profile", ["walk", "blind", "low_vision"])
def test_same_cost_as_scipy_on_every_pair(cc_network, profile):
    cost = CostModel(cc_network).costs(profile, RouteOptions())
    assert compare(cc_network, cost, random_snaps(cc_network, N_PAIRS, seed=3)) == N_PAIRS


def test_same_answer_with_closures_and_one_way_edges(cc_network):
    """A tenth of the edges closed and a tenth made one-way: some pairs have no path at all."""
    rng = np.random.default_rng(5)
    cost = CostModel(cc_network).costs("blind", RouteOptions(avoid_steps=True))
    cost[rng.random(len(cost)) < 0.1] = np.inf
    found = compare(cc_network, cost, random_snaps(cc_network, N_PAIRS, seed=4))
    assert 0 < found < N_PAIRS


def test_with_a_limit_it_gives_up_beyond_it(cc_network):
    cost = CostModel(cc_network).costs("walk", RouteOptions())
    fast = BidirectionalGraph(cc_network)
    o, d = random_snaps(cc_network, 1, seed=9)[0]
    full = fast.shortest(fast.weights(cost), o, d)
    assert fast.shortest(fast.weights(cost), o, d, limit=full.cost * 1.01).cost == full.cost
    assert fast.shortest(fast.weights(cost), o, d, limit=full.cost * 0.99) is None


def test_router_fallback_gives_the_same_routes(cc_network):
    """Without the kernel the router searches with scipy: the same routes, edge for edge."""
    kernel, fallback = Router(cc_network), Router(cc_network)
    fallback.graph, fallback.bounded_search = PairGraph(cc_network), True
    assert not kernel.bounded_search
    for o, d in random_snaps(cc_network, 40, seed=11):
        a = kernel.route((o.lat, o.lon), (d.lat, d.lon), profile="blind")
        b = fallback.route((o.lat, o.lon), (d.lat, d.lon), profile="blind")
        assert a.distance_m == pytest.approx(b.distance_m, abs=0.01)


def test_junction_precheck_says_what_visiting_every_junction_says(cc_network):
    """The describer skips junctions its vectorised pre-check finds silent; on 200 real routes
    the maneuvers are exactly those of visiting every junction."""
    fast, slow = Router(cc_network), Router(cc_network)
    slow.describer._may_speak = lambda leg, heads: np.arange(1, len(leg.pieces))
    for profile in ("walk", "blind"):
        for o, d in random_snaps(cc_network, 100, seed=13):
            a = fast.route((o.lat, o.lon), (d.lat, d.lon), profile=profile)
            b = slow.route((o.lat, o.lon), (d.lat, d.lon), profile=profile)
            assert a.maneuvers == b.maneuvers


@pytest.mark.parametrize("profile", ["walk", "blind"])
def test_astar_bound_never_overestimates(cc_network, profile):
    """The A* factor times the straight line between an edge's ends is at most the edge's cost
    (so the heuristic is consistent), and the bound is tight: some edge meets it."""
    fast = BidirectionalGraph(cc_network)
    cost = CostModel(cc_network).costs(profile, RouteOptions())
    k = fast.astar_factor(cost)
    straight = np.hypot(fast.node_x[fast.edge_v] - fast.node_x[fast.edge_u],
                        fast.node_y[fast.edge_v] - fast.node_y[fast.edge_u])
    assert np.all(k * straight <= cost)
    assert np.all(k * fast.geom_length <= cost)
    usable = fast.geom_length > 0
    assert np.min(cost[usable] / fast.geom_length[usable]) == pytest.approx(k, rel=1e-5)
    # the cheapest metre: plain pavement (1), or tactile paving for a blind walker (1/3)
    assert {"walk": 1.0, "blind": 1 / 3}[profile] * 0.999 <= k <= 1.0


def test_bounds_change_only_speed(cc_network):
    """With the A* bounds (straight line and landmarks) the search finds the very paths of the
    plain bidirectional Dijkstra."""
    bounded, plain = BidirectionalGraph(cc_network), BidirectionalGraph(cc_network, bounded=False)
    for profile in ("walk", "blind"):
        cost = CostModel(cc_network).costs(profile, RouteOptions())
        wb, wp = bounded.weights(cost), plain.weights(cost)
        assert wb.bounds is not None and wp.bounds is None
        for o, d in random_snaps(cc_network, 60, seed=21):
            assert bounded.shortest(wb, o, d).pieces == plain.shortest(wp, o, d).pieces


def test_settled_counts_show_the_bounds_at_work(cc_network):
    """The kernel counts the nodes each search settled: never more than the graph has, at
    least one per search that finds a path through a node, and with the bounds well under half
    of what plain bidirectional Dijkstra settles for the same pairs (the bench compares these
    counts between the city and its tiled copy, where timings would be noise)."""
    bounded, plain = BidirectionalGraph(cc_network), BidirectionalGraph(cc_network, bounded=False)
    cost = CostModel(cc_network).costs("blind", RouteOptions())
    wb, wp = bounded.weights(cost), plain.weights(cost)
    with_bounds = without = 0
    for o, d in random_snaps(cc_network, 60, seed=31):
        path = bounded.shortest(wb, o, d)
        count = bounded.settled()
        assert 0 <= count <= cc_network.n_nodes
        if path is not None and len(path.pieces) > 2:
            assert count >= 1
        with_bounds += count
        plain.shortest(wp, o, d)
        without += plain.settled()
    assert 0 < with_bounds < 0.5 * without


def test_landmark_bounds_are_lower_bounds(cc_network):
    """dist(L, t) - dist(L, v) and dist(v, L) - dist(t, L) never exceed dist(v, t) (scipy's),
    with a tenth of the edges closed so that some distances are infinite (capped)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    rng = np.random.default_rng(8)
    cost = CostModel(cc_network).costs("blind", RouteOptions())
    cost[rng.random(len(cost)) < 0.1] = np.inf
    fast = BidirectionalGraph(cc_network)
    tables = fast.tables(cost)
    assert tables.count == 8
    n = cc_network.n_nodes
    usable = np.isfinite(cost)
    matrix = csr_matrix((cost[usable], (cc_network.edge_u[usable], cc_network.edge_v[usable])),
                        shape=(n, n))
    nodes = rng.choice(n, 40, replace=False)
    truth = dijkstra(matrix, directed=True, indices=nodes)
    for row, v in enumerate(nodes.tolist()):
        for t in rng.choice(n, 200).tolist():
            bound = max(0.0, *(tables.to_node[t] - tables.to_node[v]),
                        *(tables.from_node[v] - tables.from_node[t]))
            assert bound <= truth[row, t] + 1e-6


def test_patched_costs_reuse_the_base_tables_only_when_dearer(cc_network):
    """An obstacle that adds cost keeps the profile's tables (still lower bounds); one that
    makes ways cheaper gets its own; both give scipy's costs."""
    fast = BidirectionalGraph(cc_network)
    base_cost = CostModel(cc_network).costs("blind", RouteOptions())
    base = fast.weights(base_cost)
    rng = np.random.default_rng(2)
    dearer = base_cost * np.where(rng.random(len(base_cost)) < 0.2, 5.0, 1.0)
    cheaper = base_cost * np.where(rng.random(len(base_cost)) < 0.2, 0.4, 1.0)
    assert fast.weights(dearer, lower=base).bounds is base.bounds
    assert fast.weights(cheaper, lower=base).bounds is not base.bounds
    pairs = random_snaps(cc_network, 100, seed=6)
    for cost in (dearer, cheaper):
        assert compare(cc_network, cost, pairs) == len(pairs)


def test_prepared_router_builds_no_weights_for_default_routes(cc_network):
    """``prepare`` (run before workers fork) makes what default routes of every profile and the
    detour check need, so the workers share it instead of building their own."""
    router = Router(cc_network)
    router.prepare()
    prepared = dict(router._cache)
    assert len(prepared) >= 3
    assert all(w.metric is not None or w.bounds is not None for w, _ in prepared.values())
    for o, d in random_snaps(cc_network, 10, seed=23):
        for profile in ("walk", "blind", "low_vision"):
            router.route((o.lat, o.lon), (d.lat, d.lon), profile=profile,
                         when=datetime(2026, 5, 4, 10, 0, tzinfo=UTC))
    assert dict(router._cache) == prepared


def test_obstacle_index_is_made_at_first_use_or_by_prepare(cc_network):
    """Snapping with the compiled kernel needs no shapely lines or STRtree, so a server's first
    route does not wait for them; ``prepare`` (before the fork) makes them for the workers."""
    import copy

    from routing_service import nearest_ways

    net = copy.copy(cc_network)
    vars(net).pop("index", None)  # a fresh spatial index on the same arrays
    o, d = random_snaps(cc_network, 1, seed=37)[0]
    router = Router(net)
    router.route((o.lat, o.lon), (d.lat, d.lon), profile="blind")
    if nearest_ways.available():
        assert "tree" not in vars(net.index) and "lines" not in vars(net.index)
    router.prepare()
    assert "tree" in vars(net.index)


def test_dearer_options_reuse_the_profiles_search_bounds(cc_network):
    """Night, no steps, signalled crossings only: each vector is nowhere cheaper than the
    profile's default by day, so its landmark tables are reused, and routes still match scipy."""
    router = Router(cc_network)
    router.graph = BidirectionalGraph(cc_network)
    default, _ = router._costs("blind", RouteOptions(), False, [])
    pairs = random_snaps(cc_network, 60, seed=29)
    for options, night in ((RouteOptions(), True), (RouteOptions(avoid_steps=True), False),
                           (RouteOptions(signalled_crossings_only=True), True)):
        weights, _ = router._costs("blind", options, night, [])
        assert weights.bounds is default.bounds
        assert compare(cc_network, weights.cost, pairs) > 0
