"""Routes over the real inner-city extract of Kaiserslautern."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pytest

from routing_service.options import RouteOptions

NAMES = ("Hauptbahnhof", "Stiftsplatz", "Rathaus", "Fackelrondell")


def metres(a, b) -> float:
    (lat1, lon1), (lat2, lon2) = a, b
    dy = (lat2 - lat1) * 111_195
    dx = (lon2 - lon1) * 111_195 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


@pytest.fixture(scope="module")
def nx_graph(cc_network):
    """The same walk graph as networkx (lengths of the compiled edges), the reference."""
    g = nx.DiGraph()
    for u, v, length in zip(cc_network.edge_u.tolist(), cc_network.edge_v.tolist(),
                            cc_network.edge_length.tolist(), strict=True):
        if not g.has_edge(u, v) or g[u][v]["length"] > length:
            g.add_edge(u, v, length=length)
    return g


@pytest.mark.parametrize("a,b", list(itertools.permutations(NAMES, 2)))
@pytest.mark.parametrize("profile", ["walk", "blind", "low_vision"])
def test_routes_between_real_places_exist(cc_router, places, a, b, profile):
    PLACES = places
    route = cc_router.route(PLACES[a], PLACES[b], profile=profile)
    body = route.to_dict()
    crow = metres(PLACES[a], PLACES[b])
    assert crow <= body["distance_m"] < 3 * crow + 100
    coords = body["geometry"]["coordinates"]
    assert 7.75 < coords[0][0] < 7.78 and 49.43 < coords[0][1] < 49.45  # lon, lat order
    assert metres((coords[0][1], coords[0][0]), PLACES[a]) < 60
    assert metres((coords[-1][1], coords[-1][0]), PLACES[b]) < 60
    assert body["maneuvers"][0]["type"] == "depart" and body["maneuvers"][-1]["type"] == "arrive"
    assert body["attribution"] == "© OpenStreetMap contributors"


@pytest.mark.parametrize("a,b", list(itertools.combinations(NAMES, 2)))
def test_walk_length_is_the_true_shortest_path(cc_network, cc_router, nx_graph, places, a, b):
    PLACES = places
    """From the graph node nearest each place to the other: networkx's Dijkstra agrees."""
    def nearest_node(point):
        d = (cc_network.node_lat - point[0]) ** 2 + \
            ((cc_network.node_lon - point[1]) * math.cos(math.radians(point[0]))) ** 2
        return int(np.argmin(d))

    s, t = nearest_node(PLACES[a]), nearest_node(PLACES[b])
    route = cc_router.route((cc_network.node_lat[s], cc_network.node_lon[s]),
                            (cc_network.node_lat[t], cc_network.node_lon[t]), profile="walk")
    expected = nx.shortest_path_length(nx_graph, s, t, weight="length")
    assert route.distance_m == pytest.approx(expected, abs=0.01)


def test_walk_length_between_points_on_edges(cc_network, cc_router, nx_graph, places):
    HAUPTBAHNHOF, STIFTSPLATZ = places["Hauptbahnhof"], places["Stiftsplatz"]
    """Points in the middle of ways: the route is never shorter than networkx's node-to-node
    path minus the two partial edges, and never longer than it plus them."""
    o, d = cc_network.snap(*HAUPTBAHNHOF), cc_network.snap(*STIFTSPLATZ)
    route = cc_router.route(HAUPTBAHNHOF, STIFTSPLATZ, profile="walk")
    lo = math.inf
    for a in (cc_network.edge_u[o.edge], cc_network.edge_v[o.edge]):
        for b in (cc_network.edge_u[d.edge], cc_network.edge_v[d.edge]):
            lo = min(lo, nx.shortest_path_length(nx_graph, int(a), int(b), weight="length"))
    slack = cc_network.edge_length[o.edge] + cc_network.edge_length[d.edge]
    assert lo - slack <= route.distance_m <= lo + slack


def steps_edges(net) -> np.ndarray:
    return np.flatnonzero(net.edge_tags.isin("highway", {"steps"}))


def test_avoid_steps_takes_no_steps_where_a_detour_exists(cc_network, cc_router):
    """For every flight of steps in the inner city the walk route across it uses it;
    with avoid_steps the blind route (if the steps are not the only way) has none."""
    steps = set(steps_edges(cc_network).tolist())
    checked = 0
    for e in sorted(steps):
        u, v = cc_network.edge_u[e], cc_network.edge_v[e]
        a = (cc_network.node_lat[u], cc_network.node_lon[u])
        b = (cc_network.node_lat[v], cc_network.node_lon[v])
        walk = cc_router.route(a, b, profile="walk")
        if not steps & set(walk.edges):
            continue
        try:
            blind = cc_router.route(a, b, profile="blind",
                                    options=RouteOptions(avoid_steps=True, max_detour_factor=10))
        except LookupError:  # NoRoute: the steps are the only way
            continue
        assert not steps & set(blind.edges)
        assert not any(m["type"] == "steps" for m in blind.maneuvers)
        checked += 1
    assert checked >= 3


def test_decision_points_only(cc_router, places):
    HAUPTBAHNHOF, STIFTSPLATZ = places["Hauptbahnhof"], places["Stiftsplatz"]
    """Turns happen where ways meet, with angles that match their words."""
    route = cc_router.route(HAUPTBAHNHOF, STIFTSPLATZ, profile="blind")
    body = route.to_dict()
    net = cc_router.net
    degree = np.bincount(net.edge_u, minlength=net.n_nodes)
    turns = [m for m in body["maneuvers"] if m["type"] == "turn"]
    assert turns, "a walk across the inner city has turns"
    for m in turns:
        lon, lat = body["geometry"]["coordinates"][m["geometry_index"]]
        assert (lat, lon) == (m["location"]["lat"], m["location"]["lon"])
        node = int(np.argmin((net.node_lat - lat) ** 2 + (net.node_lon - lon) ** 2))
        assert degree[node] >= 3, "a turn without a choice is no decision point"
        assert abs(m["angle_deg"]) >= 20
        assert m["turn"].endswith("right") == (m["angle_deg"] > 0)
        assert m["clock"] in (range(1, 7) if m["angle_deg"] > 0 else range(6, 12))
    at = [m["at_m"] for m in body["maneuvers"]]
    assert at == sorted(at)
    assert sum(m["distance_m"] for m in body["maneuvers"]) == pytest.approx(
        body["distance_m"], abs=0.5 * len(at))
    assert body["maneuvers"][-1]["side"] in ("left", "right", None)
    for m in body["maneuvers"]:
        assert m["text"] and 0 <= m["bearing_deg"] < 360


def test_english_on_request(cc_router, places):
    HAUPTBAHNHOF, RATHAUS = places["Hauptbahnhof"], places["Rathaus"]
    de = cc_router.route(HAUPTBAHNHOF, RATHAUS, profile="blind").maneuvers
    en = cc_router.route(HAUPTBAHNHOF, RATHAUS, profile="blind", lang="en").maneuvers
    assert de[-1]["text"] != en[-1]["text"]
    assert "Ziel" in de[-1]["text"] and "arrived" in en[-1]["text"]


def test_arrival_names_the_landmark_at_the_destination(cc_router, places):
    route = cc_router.route(places["Hauptbahnhof"], places["Fackelrondell"], profile="blind")
    arrive = route.maneuvers[-1]
    assert arrive["landmark"] == "Fackelbrunnen" and "Fackelbrunnen" in arrive["text"]
    landmarks = [m["landmark"] for m in route.maneuvers if m["landmark"]]
    assert all(a != b for a, b in zip(landmarks, landmarks[1:], strict=False))


def test_same_point_twice_is_arrival_at_once(cc_router, places):
    body = cc_router.route(places["Stiftsplatz"], places["Stiftsplatz"]).to_dict()
    assert body["distance_m"] == 0
    assert [m["type"] for m in body["maneuvers"]] == ["depart", "arrive"]


@pytest.mark.parametrize("a,b", list(itertools.permutations(NAMES, 2)))
def test_a_turn_is_said_on_its_own_before_what_the_new_way_is(cc_router, places, a, b):
    """One idea per message: at a node where the walker turns onto a crossing, square or steps,
    the turn comes first, then the crossing/square/steps, at the same place."""
    net = cc_router.net
    degree = np.bincount(net.edge_u, minlength=net.n_nodes)
    ms = cc_router.route(places[a], places[b], profile="blind").maneuvers
    order = ["barrier", "turn", "cross", "steps", "open_square", "tactile_paving"]
    for prev, m in zip(ms, ms[1:], strict=False):
        if m["geometry_index"] == prev["geometry_index"] and prev["type"] in order \
                and m["type"] in order:
            assert order.index(prev["type"]) < order.index(m["type"])
            assert prev["distance_m"] == 0
    for k, m in enumerate(ms):
        if m["type"] in ("cross", "steps", "open_square") and abs(m["angle_deg"]) >= 60:
            lon, lat = m["location"]["lon"], m["location"]["lat"]
            node = int(np.argmin((net.node_lat - lat) ** 2 + (net.node_lon - lon) ** 2))
            if degree[node] >= 3:
                assert any(p["type"] == "turn" and p["geometry_index"] == m["geometry_index"]
                           for p in ms[:k])
