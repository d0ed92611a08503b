"""Real data: the turning loop of Paul-Münch-Straße (whole-city extract), a closed way attached
to the street at one node. Before, it became a self-loop paired with itself and was never
indexed, and its point snapped 6.8 m away onto another street."""

from __future__ import annotations

from pathlib import Path

import osmium
import pytest

from routing_service.ingest import load_network
from routing_service.router import Router

CITY = Path(__file__).resolve().parents[3] / "shared" / "data" / "osm" / "kaiserslautern.osm.gz"
#: a box around the loop (way 106510213) and the street leading to it
BOX = (49.4335, 7.7400, 49.4380, 7.7480)
LOOP_WAY = "106510213"
ON_LOOP = (49.43613, 7.74512)  # node 1225356836, on the loop's far side


def cut_out(src: Path, dst: Path) -> None:
    """The ways lying wholly inside BOX, with their nodes (pyosmium, one streaming pass)."""
    south, west, north, east = BOX
    inside = {}
    ways = []
    for obj in osmium.FileProcessor(str(src)).with_locations():
        if obj.is_node() and south <= obj.lat <= north and west <= obj.lon <= east:
            inside[obj.id] = osmium.osm.mutable.Node(
                id=obj.id, location=(obj.lon, obj.lat), tags=dict(obj.tags))
        elif obj.is_way() and all(n.ref in inside for n in obj.nodes):
            ways.append(osmium.osm.mutable.Way(id=obj.id, nodes=[n.ref for n in obj.nodes],
                                               tags=dict(obj.tags)))
    with osmium.SimpleWriter(str(dst)) as writer:
        for node in inside.values():
            writer.add_node(node)
        for way in ways:
            writer.add_way(way)


@pytest.fixture(scope="module")
def loop_router(tmp_path_factory) -> Router:
    assert CITY.exists(), f"the whole-city extract is missing: {CITY}"
    tmp = tmp_path_factory.mktemp("paul-muench")
    cut_out(CITY, tmp / "box.osm")
    return Router(load_network(tmp / "box.osm", cache_dir=tmp))


def test_point_on_the_loop_snaps_onto_it(loop_router):
    net = loop_router.net
    snap = net.snap(*ON_LOOP)
    assert net.edge_tags.value("osmid", snap.edge) == LOOP_WAY
    assert snap.distance_m < 1.0
    assert net.edge_rev[snap.edge] >= 0 and net.edge_rev[snap.edge] != snap.edge


@pytest.mark.parametrize("profile", ["walk", "blind", "low_vision"])
def test_route_to_the_loop_ends_on_it(loop_router, profile):
    route = loop_router.route((49.43589, 7.74383), ON_LOOP, profile=profile)
    osmid = loop_router.net.edge_tags.column("osmid")
    assert osmid[route.edges[-1]] == LOOP_WAY
    assert route.maneuvers[-1]["street"] == "Paul-Münch-Straße"
