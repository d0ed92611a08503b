"""The crossing-cost order, and what each crossing costs per edge on hand-made crossing maps.

A blind walker is safest at a signal that sounds, then one that vibrates, then silent lights,
then a zebra, and least safe at an unmarked crossing; the cost table must keep that order, and
walking over a crossing way must be charged its crossing type once — not on both halves, not
twice when both the node and the way are tagged.
"""

from __future__ import annotations

import numpy as np
import pytest

from accessibility.facts import CROSSINGS
from routing_service.costs import TABLES
from routing_service.options import RouteOptions

#: safest first; the first two may cost the same, every later one costs strictly more
SAFEST_FIRST = ("signals_sound", "signals_vibration", "signals", "zebra", "unmarked")
#: crossing way of crossing_kinds.osm by (north, road, south) node ids -> its crossing type
KIND_WAYS = {(11, 12, 13): "signals_sound", (21, 22, 23): "signals_vibration",
             (31, 32, 33): "signals", (41, 42, 43): "zebra", (51, 52, 53): "unmarked",
             (61, 62, 63): "unmarked"}  # the last: bare footway=crossing, untagged road node
#: the two crossing ways of crossings.osm
CROSSINGS_WAYS = {(2, 22, 12): "unmarked", (3, 23, 13): "signals_sound"}


@pytest.mark.parametrize("profile", [p for p, t in TABLES.items() if t.crossing_m])
def test_crossing_cost_order(profile):
    costs = TABLES[profile].crossing_m
    assert set(costs) == set(CROSSINGS) == set(SAFEST_FIRST)
    sound, vibration, silent, zebra, unmarked = (costs[k] for k in SAFEST_FIRST)
    assert 0 < sound <= vibration < silent < zebra < unmarked


def test_careful_profiles_charge_crossings_and_plain_walking_does_not():
    assert TABLES["walk"].crossing_m == {}
    assert set(TABLES) == {"walk", "blind", "low_vision"}  # a new profile needs a row above


def _fixed_costs(router, profile: str) -> dict[tuple[int, int], float]:
    """What each edge costs beyond its length, by (from, to) OSM node id, for a profile whose
    length factor is 1 on footways (tactile paving preference off)."""
    net = router.net
    cost = router.model.costs(profile, RouteOptions(prefer_tactile_paving=False))
    osm = net.node_osmid
    return {(int(osm[u]), int(osm[v])): float(c - length) for u, v, c, length in
            zip(net.edge_u, net.edge_v, cost, net.edge_length, strict=True)}


@pytest.mark.parametrize(("name", "ways"), [("crossing_kinds", KIND_WAYS),
                                            ("crossings", CROSSINGS_WAYS)])
@pytest.mark.parametrize("profile", ["blind", "low_vision"])
def test_each_crossing_way_is_charged_once_in_either_direction(mini, name, ways, profile):
    fixed = _fixed_costs(mini(name), profile)
    table = TABLES[profile].crossing_m
    for (north, road, south), kind in ways.items():
        for a, b in ((north, south), (south, north)):
            halves = [fixed[(a, road)], fixed[(road, b)]]
            assert sum(halves) == pytest.approx(table[kind]), (name, a, b, halves)
            assert sorted(halves) == pytest.approx([0.0, table[kind]])


def test_pavements_cost_their_length_only(mini):
    """The pavements beside the road pass no crossing: nothing is added to them."""
    router = mini("crossing_kinds")
    fixed = _fixed_costs(router, "blind")
    names = router.net.edge_tags.column("footway")
    sidewalk = {(int(router.net.node_osmid[u]), int(router.net.node_osmid[v]))
                for u, v, f in zip(router.net.edge_u, router.net.edge_v, names, strict=True)
                if f == "sidewalk"}
    assert len(sidewalk) == 28  # 7 pieces per side, both ways
    assert all(fixed[e] == pytest.approx(0.0) for e in sidewalk)


def test_route_over_a_signalled_crossing_pays_one_crossing(mini):
    """On crossings.osm the blind route crosses at the sounding signal; its edges together
    carry that crossing's cost once and nothing more."""
    router = mini("crossings")
    route = router.route((49.4402, 7.7651), (49.4398, 7.7706), profile="blind",
                         options=RouteOptions(prefer_tactile_paving=False))
    cost = router.model.costs("blind", RouteOptions(prefer_tactile_paving=False))
    edges = np.array(route.edges)
    extra = float(np.sum(cost[edges] - router.net.edge_length[edges]))
    assert [m["crossing"] for m in route.maneuvers if m["type"] == "cross"] == ["signals_sound"]
    assert extra == pytest.approx(TABLES["blind"].crossing_m["signals_sound"])
