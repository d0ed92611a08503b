"""Each cost rule on a hand-written map where the right answer is known (tests/routing/data)."""

from __future__ import annotations

import numpy as np
import pytest

from routing_service.options import RouteOptions

# start / end points on the lead-in ways of the mini maps
WEST, EAST = (49.4400, 7.76905), (49.4400, 7.77295)
SOUTH, NORTH = (49.43965, 7.7700), (49.44075, 7.7700)
CROSS_FROM, CROSS_TO = (49.4402, 7.7651), (49.4398, 7.7706)


def streets(route, router=None) -> set[str]:
    """Names of every way the route walks along (not only those named in maneuvers)."""
    names = ROUTERS[id(route)].net.edge_tags.column("name")
    return {names[e] for e in route.edges if names[e]}


ROUTERS: dict[int, object] = {}


@pytest.fixture
def mini(mini):
    """The session's mini maps, remembering which router made each route (for streets())."""

    class Tracking:
        def __init__(self, router):
            self._router = router
            self.net, self.model = router.net, router.model

        def route(self, *args, **kwargs):
            route = self._router.route(*args, **kwargs)
            ROUTERS[id(route)] = self._router
            return route

    return lambda name: Tracking(mini(name))


def test_tactile_paving_detour_preferred_by_blind_only(mini):
    router = mini("tactile_detour")
    walk = router.route(WEST, EAST, profile="walk")
    blind = router.route(WEST, EAST, profile="blind")
    plain_blind = router.route(WEST, EAST, profile="blind",
                               options=RouteOptions(prefer_tactile_paving=False))
    assert "Kurzer Weg" in streets(walk) and "Leitweg" not in streets(walk)
    assert "Leitweg" in streets(blind) and blind.distance_m > walk.distance_m + 30
    assert "Leitweg" not in streets(plain_blind)
    assert any(m["tactile_paving"] for m in blind.maneuvers)
    # low vision does not prefer tactile paving unless asked
    low = router.route(WEST, EAST, profile="low_vision")
    asked = router.route(WEST, EAST, profile="low_vision",
                         options=RouteOptions(prefer_tactile_paving=True))
    assert "Leitweg" not in streets(low) and "Leitweg" in streets(asked)


@pytest.mark.parametrize("profile", ["blind", "low_vision"])
def test_main_road_without_pavement_avoided(mini, profile):
    router = mini("no_pavement")
    walk = router.route(WEST, EAST, profile="walk")
    careful = router.route(WEST, EAST, profile=profile)
    assert "Bundesstraße" in streets(walk)
    assert "Bundesstraße" not in streets(careful) and "Fußweg" in streets(careful)


def test_building_outline_and_private_way_are_not_walkable(mini):
    net = mini("no_pavement").net
    # nodes 6-9 belong to the building; the private footway to node 6 is dropped too
    assert not {6, 7, 8, 9} & set(net.node_osmid.tolist())
    assert set(net.edge_tags.column("highway")) == {"footway", "primary"}


def test_detour_factor_falls_back_to_the_plain_route_and_warns(mini):
    router = mini("no_pavement")
    tight = router.route(WEST, EAST, profile="blind", options=RouteOptions(max_detour_factor=1.1))
    assert "Bundesstraße" in streets(tight)
    assert any("zu lang" in w for w in tight.warnings)


def test_out_of_range_option_uses_default_and_warns(mini):
    route = mini("no_pavement").route(WEST, EAST, profile="blind", lang="en",
                                      options=RouteOptions(max_detour_factor=0.2))
    assert "Bundesstraße" not in streets(route)
    assert any("default 2.5" in w for w in route.warnings)


def test_steps_penalised_for_blind_and_removed_by_avoid_steps(mini):
    router = mini("steps_ramp")
    walk = router.route(SOUTH, NORTH, profile="walk")
    steps = [m for m in walk.maneuvers if m["type"] == "steps"]
    assert len(steps) == 1
    assert steps[0]["step_count"] == 12 and steps[0]["handrail"] == "left"
    assert steps[0]["steps_direction"] == "up"
    assert "12" in steps[0]["text"]
    blind = router.route(SOUTH, NORTH, profile="blind")
    assert "Rampe" in streets(blind) and not any(m["type"] == "steps" for m in blind.maneuvers)
    no_steps = router.route(SOUTH, NORTH, profile="walk", options=RouteOptions(avoid_steps=True))
    assert not any(m["type"] == "steps" for m in no_steps.maneuvers)
    assert no_steps.distance_m > walk.distance_m


def test_steps_walked_down_are_announced_down_with_handrail_on_the_other_side(mini):
    down = mini("steps_ramp").route(NORTH, SOUTH, profile="walk")
    steps = next(m for m in down.maneuvers if m["type"] == "steps")
    assert steps["steps_direction"] == "down" and steps["handrail"] == "right"


def test_signalled_crossing_preferred_over_unmarked(mini):
    router = mini("crossings")
    walk = router.route(CROSS_FROM, CROSS_TO, profile="walk")
    blind = router.route(CROSS_FROM, CROSS_TO, profile="blind")
    walk_crossings = [m["crossing"] for m in walk.maneuvers if m["type"] == "cross"]
    blind_crossings = [m["crossing"] for m in blind.maneuvers if m["type"] == "cross"]
    assert walk_crossings == ["unmarked"]
    assert blind_crossings == ["signals_sound"]
    assert any("ohne Ampel" in w for w in walk.warnings)
    assert blind.distance_m > walk.distance_m + 80  # about 2 x 54 m back and forth


def test_signalled_crossings_only_removes_unsignalled_crossings(mini):
    router = mini("crossings")
    walk = router.route(CROSS_FROM, CROSS_TO, profile="walk",
                        options=RouteOptions(signalled_crossings_only=True))
    assert [m["crossing"] for m in walk.maneuvers if m["type"] == "cross"] == ["signals_sound"]


def test_walk_cost_is_plain_length(mini):
    router = mini("crossings")
    cost = router.model.costs("walk", RouteOptions())
    assert cost == pytest.approx(router.net.edge_length)


def test_open_square_blind_keeps_to_the_rim(mini):
    router = mini("open_square")
    a, b = (49.4400, 7.7686), (49.4409, 7.7727)
    walk = router.route(a, b, profile="walk")
    blind = router.route(a, b, profile="blind")
    assert "Diagonale" in streets(walk) and "Diagonale" not in streets(blind)
    assert "Testplatz" in streets(blind)
    for route in (walk, blind):
        kinds = [m["type"] for m in route.maneuvers]
        assert "barrier" in kinds
        assert next(m for m in route.maneuvers if m["type"] == "barrier")["barrier"] == "bollard"
    assert any(m["type"] == "open_square" for m in blind.maneuvers)


def test_unlit_way_avoided_by_low_vision_at_night_only(mini):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    router = mini("unlit")
    berlin = ZoneInfo("Europe/Berlin")
    night, day = datetime(2026, 1, 15, 22, 0, tzinfo=berlin), datetime(2026, 1, 15, 12, 0,
                                                                       tzinfo=berlin)
    assert "Heller Weg" in streets(router.route(WEST, EAST, profile="low_vision", when=night))
    assert "Dunkler Weg" in streets(router.route(WEST, EAST, profile="low_vision", when=day))
    assert "Dunkler Weg" in streets(router.route(WEST, EAST, profile="blind", when=night))


def test_rough_narrow_path_with_raised_kerb(mini):
    from routing_service.costs import TABLES

    router = mini("rough_narrow")
    assert "Pflasterweg" in streets(router.route(WEST, EAST, profile="walk"))
    blind = router.route(WEST, EAST, profile="blind")
    assert "Glatter Weg" in streets(blind) and "Pflasterweg" not in streets(blind)
    assert "Glatter Weg" in streets(router.route(WEST, EAST, profile="low_vision"))
    # the short path costs every penalty of the table: surface x smoothness x width (+ kerb)
    net = router.net
    names = net.edge_tags.column("name")
    kerb_node = int(np.flatnonzero(net.node_osmid == 6)[0])
    cost = router.model.costs("blind", RouteOptions())
    t = TABLES["blind"]
    for e in np.flatnonzero(names == "Pflasterweg"):
        expected = net.edge_length[e] * t.rough_surface * t.bad_smoothness * t.narrow
        if net.edge_v[e] == kerb_node:
            expected += t.kerb_raised_m
        assert cost[e] == pytest.approx(expected)
    walk_on_path = router.route((49.4400, 7.7702), (49.4400, 7.7718), profile="walk")
    barrier = [m for m in walk_on_path.maneuvers if m["type"] == "barrier"]
    assert barrier and barrier[0]["kerb"] == "raised"
