"""Overlays from outside the graph: closures block, obstacles warn, guidance strips attract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import LineString, Point

from routing_service.errors import InvalidRequest, NoRoute
from routing_service.overlays import Overlay, StaticOverlays, overlay_from_geojson

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
WEST, EAST = (49.4400, 7.76905), (49.4400, 7.77295)


def middle_of_route(route) -> Point:
    lon, lat = route.coords[len(route.coords) // 2]
    return Point(lon, lat)


def test_block_overlay_diverts_the_route(cc_router, places):
    a, b = places["Hauptbahnhof"], places["Stiftsplatz"]
    before = cc_router.route(a, b, profile="walk", when=NOW)
    closure = Overlay(id="works-1", kind="road_works", geometry=middle_of_route(before),
                      effect="block", radius_m=3, valid_from=NOW - timedelta(hours=1),
                      valid_to=NOW + timedelta(hours=1))
    after = cc_router.route(a, b, profile="walk", when=NOW, overlays=StaticOverlays([closure]))
    blocked = set(cc_router.net.index.edges_near(closure.geometry, 3).tolist())
    assert blocked and blocked & set(before.edges) and not blocked & set(after.edges)
    assert after.distance_m > before.distance_m


def test_overlay_outside_its_window_has_no_effect(cc_router, places):
    a, b = places["Hauptbahnhof"], places["Stiftsplatz"]
    before = cc_router.route(a, b, profile="walk", when=NOW)
    expired = Overlay(id="old", kind="road_works", geometry=middle_of_route(before),
                      effect="block", radius_m=3, valid_to=NOW - timedelta(minutes=1))
    later = Overlay(id="later", kind="market", geometry=middle_of_route(before),
                    effect="block", radius_m=3, valid_from=NOW + timedelta(days=1))
    # a plain list is accepted too; the router filters by the window itself
    after = cc_router.route(a, b, profile="walk", when=NOW, overlays=[expired, later])
    assert after.edges == before.edges


def test_penalty_overlay_is_announced_as_hazard(cc_router, places):
    a, b = places["Hauptbahnhof"], places["Stiftsplatz"]
    route = cc_router.route(a, b, profile="blind", when=NOW)
    obstacle = Overlay(id="bin-7", kind="obstacle", geometry=middle_of_route(route),
                       effect="penalty", factor=1.01, radius_m=2,
                       description={"de": "Baustellenzaun auf dem Gehweg",
                                    "en": "Site fence on the pavement"})
    again = cc_router.route(a, b, profile="blind", when=NOW, overlays=[obstacle])
    hazards = [m for m in again.maneuvers if m["type"] == "hazard"]
    assert len(hazards) == 1
    assert hazards[0]["hazard_text"]["de"] == "Baustellenzaun auf dem Gehweg"
    assert "Baustellenzaun" in hazards[0]["text"]


def test_bonus_overlay_attracts_the_route(mini):
    router = mini("tactile_detour")
    plain = router.route(WEST, EAST, profile="walk", when=NOW)
    strip = Overlay(id="strip-1", kind="guidance_strip", effect="bonus", factor=0.5, radius_m=2,
                    geometry=LineString([(7.7700, 49.4400), (7.7710, 49.4405), (7.7720, 49.4400)]))
    guided = router.route(WEST, EAST, profile="walk", when=NOW, overlays=[strip])
    names = router.net.edge_tags.column("name")
    assert "Leitweg" not in {names[e] for e in plain.edges}
    assert "Leitweg" in {names[e] for e in guided.edges}


def test_block_everywhere_means_no_route(mini):
    router = mini("tactile_detour")
    wall = Overlay(id="fence", kind="closure", effect="block", radius_m=5,
                   geometry=LineString([(7.7715, 49.4390), (7.7715, 49.4410)]))
    with pytest.raises(NoRoute):
        router.route(WEST, EAST, profile="walk", when=NOW, overlays=[wall])


def test_overlay_from_geojson():
    o = overlay_from_geojson({
        "id": 12, "kind": "scaffolding", "effect": "penalty",
        "geometry": {"type": "Point", "coordinates": [7.7701, 49.4401]},
        "valid_from": "2026-05-04T08:00:00Z", "valid_to": "2026-05-04T18:00:00+02:00",
        "description_de": "Gerüst", "description_en": "Scaffolding"})
    assert o.id == "12" and o.geometry.equals(Point(7.7701, 49.4401))
    assert o.valid_at(NOW) and not o.valid_at(NOW + timedelta(hours=7))
    assert o.description == {"de": "Gerüst", "en": "Scaffolding"} and o.cost_factor > 1


@pytest.mark.parametrize("bad", [
    {"id": 1, "effect": "block"},
    {"id": 1, "effect": "explode", "geometry": {"type": "Point", "coordinates": [7.7, 49.4]}},
    {"id": 1, "effect": "bonus", "factor": 2, "geometry": {"type": "Point",
                                                          "coordinates": [7.7, 49.4]}},
    {"id": 1, "effect": "block", "radius_m": -3,
     "geometry": {"type": "Point", "coordinates": [7.7, 49.4]}},
    {"id": 1, "effect": "block", "valid_from": "tomorrow",
     "geometry": {"type": "Point", "coordinates": [7.7, 49.4]}},
])
def test_bad_overlay_json_is_rejected(bad):
    with pytest.raises(InvalidRequest):
        overlay_from_geojson(bad)
