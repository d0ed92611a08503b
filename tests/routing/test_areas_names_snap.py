"""Walkable areas and ways without ``highway``, closed loops, sidewalk names, stacked layers.

Each on a small hand-made map (tests/routing/osm_maps.py) with the known right answer.
"""

from __future__ import annotations

import pytest
from osm_maps import EAST, PROFILES, WEST, layers_map, link_map, loop_map, sidewalk_map

LINKS = {
    "platform-line": ([2, 20, 3], {"railway": "platform", "name": "Gleis 1"}),
    "platform-area": ([2, 31, 3, 32, 2], {"railway": "platform", "area": "yes",
                                          "name": "Gleis 2"}),
    "public-transport-platform": ([2, 20, 3], {"public_transport": "platform", "name": "Bus"}),
    "footway-area": ([2, 31, 3, 32, 2], {"highway": "footway", "area": "yes", "name": "Hof"}),
    "pedestrian-area": ([2, 31, 3, 32, 2], {"highway": "pedestrian", "area": "yes",
                                            "name": "Platz"}),
    "pier": ([2, 20, 3], {"man_made": "pier", "name": "Steg"}),
}


@pytest.mark.parametrize("kind", list(LINKS))
@pytest.mark.parametrize("profile", PROFILES)
def test_only_link_is_walkable(hand_map, kind, profile):
    """The platform, pier or area is the only way from W to E: a route must exist and use it."""
    refs, tags = LINKS[kind]
    router = hand_map(link_map(refs, tags))
    route = router.route(WEST, EAST, profile=profile)
    names = router.net.edge_tags.column("name")
    assert tags["name"] in {names[e] for e in route.edges}
    straight = 280  # W to E in a straight line (282 m); an area's rim bulges 11 m out
    assert straight < route.distance_m < straight + 20


def test_platform_is_a_platform_for_costs_and_speech(hand_map):
    net = hand_map(link_map(*LINKS["platform-line"])).net
    assert "platform" in set(net.edge_tags.column("highway"))


@pytest.mark.parametrize("tags", [
    {"highway": "residential", "name": "Wendeschleife"},
    {"highway": "pedestrian", "area": "yes", "name": "Wendeschleife"},
], ids=["turning-loop", "square-rim"])
@pytest.mark.parametrize("profile", PROFILES)
def test_closed_way_attached_at_one_node(hand_map, tags, profile):
    """The loop A-40-41-42-A is one self-loop edge each way: both must be snappable and each
    the other's reverse, so a route takes the shorter side of the loop."""
    router = hand_map(loop_map(tags))
    net = router.net
    loops = [e for e in range(net.n_edges) if net.edge_u[e] == net.edge_v[e]]
    assert len(loops) == 2 and net.edge_rev[loops[0]] == loops[1] \
        and net.edge_rev[loops[1]] == loops[0]
    far_end = (49.44002, 7.77198)  # beside node 41, the loop's far end
    snap = net.snap(*far_end)
    assert snap.edge in loops and snap.distance_m < 2.0
    north, south = (49.44028, 7.77095), (49.43972, 7.77095)
    for point in (north, south):  # either side: the short way round, about 72 + 75 m
        route = router.route(WEST, point, profile=profile)
        assert 130 < route.distance_m < 160, point
    assert 220 < router.route(WEST, far_end, profile=profile).distance_m < 245


@pytest.mark.parametrize("tags", [{"is_sidepath:of:name": "Hauptstraße"},
                                  {"street:name": "Hauptstraße"}], ids=["is_sidepath", "street"])
@pytest.mark.parametrize("profile", PROFILES)
def test_sidewalk_takes_the_street_name(hand_map, tags, profile):
    router = hand_map(sidewalk_map(tags))
    route = router.route(WEST, (49.4410, 7.7715), profile=profile)  # onto the Nordweg
    highway = router.net.edge_tags.column("highway")
    assert "primary" not in {highway[e] for e in route.edges}  # foot=use_sidepath
    streets = [m.get("street") for m in route.maneuvers]
    assert "Hauptstraße" in streets, streets


def test_snap_prefers_the_ground_below_a_bridge(hand_map):
    net = hand_map(layers_map()).net
    names = net.edge_tags.column("name")
    under = (49.4400, 7.7710)  # on both lines
    north = (49.4400 + 0.3 / 111_195, 7.7710)  # 0.3 m nearer the bridge: still the ground
    for point in (under, north):
        assert names[net.snap(*point).edge] == "Unten", point
    off = (49.4400 + 3 / 111_195, 7.7710)  # 3 m off the ground way, on the bridge: the bridge
    assert names[net.snap(*off).edge] == "Brücke"
