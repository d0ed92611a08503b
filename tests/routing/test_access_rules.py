"""Access rules: ways and nodes a pedestrian may not pass are never routed over, in any profile.

Each case is a small map (tests/routing/osm_maps.py) with one rule's tags on the short way or on
a node in its middle; the known right answer is the 460 m detour when the rule forbids, and the
145 m short way when a control variant of the same map allows it.
"""

from __future__ import annotations

import pytest
from osm_maps import EAST, PROFILES, WEST, bypass_map

from routing_service.router import Router


def names(router: Router, route) -> set[str]:
    column = router.net.edge_tags.column("name")
    return {column[e] for e in route.edges if column[e]}


FORBIDDEN_WAYS = [
    {"foot": "no"},
    {"foot": "private"},
    {"access": "private"},
    {"access": "no"},
    {"highway": "primary", "foot": "use_sidepath"},
    {"highway": "primary", "motorroad": "yes"},
    {"highway": "cycleway"},
]
ALLOWED_WAYS = [
    {},
    {"access": "no", "foot": "yes"},
    {"highway": "primary", "sidewalk": "both"},
    {"highway": "cycleway", "foot": "designated"},
    {"oneway": "yes"},  # a one-way street binds vehicles, not walkers
]
FORBIDDEN_NODES = [
    {"barrier": "wall"},
    {"barrier": "fence"},
    {"barrier": "hedge"},
    {"barrier": "gate", "access": "private"},
    {"barrier": "gate", "access": "no"},
    {"barrier": "gate", "locked": "yes"},
    {"barrier": "bollard", "foot": "no"},
    {"barrier": "chain", "access": "no"},
    {"barrier": "yes", "access": "private"},
    {"barrier": "yes", "locked": "yes"},
    {"barrier": "lift_gate", "foot": "private"},
]
ALLOWED_NODES = [
    {"barrier": "gate"},
    {"barrier": "bollard"},
    {"barrier": "yes"},
    {"barrier": "gate", "access": "private", "foot": "yes"},
    {"barrier": "fence", "foot": "yes"},  # a gap in the fence for walkers
    {"barrier": "kissing_gate", "locked": "no"},
]


@pytest.mark.parametrize("tags", FORBIDDEN_WAYS, ids=lambda t: ",".join(f"{k}={v}" for k, v in
                                                                           t.items()))
@pytest.mark.parametrize("profile", PROFILES)
def test_forbidden_way_is_never_walked(hand_map, tags, profile):
    router = hand_map(bypass_map(short=tags))
    route = router.route(WEST, EAST, profile=profile)
    assert "Kurzweg" not in names(router, route)
    assert "Umweg" in names(router, route) and route.distance_m > 450


@pytest.mark.parametrize("tags", ALLOWED_WAYS, ids=lambda t: ",".join(f"{k}={v}" for k, v in
                                                                         t.items()) or "plain")
def test_allowed_way_is_the_short_walk(hand_map, tags):
    router = hand_map(bypass_map(short=tags))
    route = router.route(WEST, EAST, profile="walk")
    assert "Kurzweg" in names(router, route) and route.distance_m < 300


@pytest.mark.parametrize("tags", FORBIDDEN_NODES, ids=lambda t: ",".join(f"{k}={v}" for k, v in
                                                                            t.items()))
@pytest.mark.parametrize("profile", PROFILES)
def test_forbidden_node_is_never_passed(hand_map, tags, profile):
    """A blind walker's barrier cost (40 m) is far below the 315 m detour: only the access rule
    can send the route around."""
    router = hand_map(bypass_map(middle=tags))
    route = router.route(WEST, EAST, profile=profile)
    assert "Kurzweg" not in names(router, route)
    assert route.distance_m > 450


@pytest.mark.parametrize("tags", ALLOWED_NODES, ids=lambda t: ",".join(f"{k}={v}" for k, v in
                                                                          t.items()))
@pytest.mark.parametrize("profile", PROFILES)
def test_passable_barrier_is_walked_through(hand_map, tags, profile):
    router = hand_map(bypass_map(middle=tags))
    route = router.route(WEST, EAST, profile=profile)
    assert "Kurzweg" in names(router, route) and route.distance_m < 300


DIRECTED = [
    ({"oneway:foot": "yes"}, (2, 20, 3)),
    ({"oneway:foot": "-1"}, (3, 20, 2)),
    ({"highway": "steps", "conveying": "forward"}, (2, 20, 3)),
    ({"highway": "steps", "conveying": "backward"}, (3, 20, 2)),
]


@pytest.mark.parametrize("tags,nodes", DIRECTED, ids=["oneway:foot=yes", "oneway:foot=-1",
                                                      "escalator-forward", "escalator-backward"])
@pytest.mark.parametrize("profile", PROFILES)
def test_one_way_for_walkers(hand_map, tags, nodes, profile):
    """Both maps let walkers go west to east only, one by node order, one by -1 / backward."""
    router = hand_map(bypass_map(short=tags, short_nodes=nodes))
    east = router.route(WEST, EAST, profile=profile)
    west = router.route(EAST, WEST, profile=profile)
    assert "Kurzweg" in names(router, east) and east.distance_m < 300
    assert "Kurzweg" not in names(router, west) and west.distance_m > 450


@pytest.mark.parametrize("profile", PROFILES)
def test_reversible_escalator_goes_both_ways(hand_map, profile):
    router = hand_map(bypass_map(short={"highway": "steps", "conveying": "reversible"}))
    for a, b in ((WEST, EAST), (EAST, WEST)):
        assert "Kurzweg" in names(router, router.route(a, b, profile=profile))


def test_one_way_origin_on_the_escalator_only_goes_forward(hand_map):
    """Standing on a forward escalator, the route leaves by its top end even to go back west."""
    router = hand_map(bypass_map(short={"highway": "steps", "conveying": "forward"}))
    route = router.route((49.4400, 7.7705), WEST, profile="walk")
    assert "Umweg" in names(router, route) and route.distance_m > 450
