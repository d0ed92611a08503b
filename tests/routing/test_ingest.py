"""Ingest: the walk filter, crossings, kept nodes, compressed inputs, the compiled cache."""

from __future__ import annotations

import bz2
import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from routing_service.compiled import WalkNetwork
from routing_service.errors import OsmLoadError
from routing_service.ingest import content_hash, crossing_type, is_walkable, load_network
from routing_service.router import Router

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("tags,expected", [
    ({"highway": "footway"}, True),
    ({"highway": "steps"}, True),
    ({"highway": "residential"}, True),
    ({"highway": "pedestrian", "area": "yes"}, True),   # a square's rim
    ({"highway": "footway", "area": "yes"}, True),     # a footway area's outline
    ({"highway": "parking", "area": "yes"}, False),
    ({"highway": "cycleway"}, False),
    ({"highway": "cycleway", "foot": "designated"}, True),
    ({"highway": "footway", "foot": "no"}, False),
    ({"highway": "service", "access": "private"}, False),
    ({"highway": "service", "access": "private", "foot": "yes"}, True),
    ({"highway": "construction"}, False),
    ({"highway": "motorway"}, False),
    ({"building": "yes"}, False),
])
def test_walk_filter(tags, expected):
    assert is_walkable(tags) is expected


@pytest.mark.parametrize("tags,expected", [
    ({"crossing": "traffic_signals", "traffic_signals:sound": "yes"}, "signals_sound"),
    ({"crossing": "traffic_signals", "traffic_signals:vibration": "yes"}, "signals_vibration"),
    ({"highway": "traffic_signals"}, "signals"),
    ({"crossing": "zebra"}, "zebra"),
    ({"crossing": "uncontrolled", "crossing_ref": "zebra"}, "zebra"),
    ({"crossing": "uncontrolled"}, "unmarked"),
    ({"highway": "crossing"}, "unmarked"),
    ({"crossing": "no"}, None),
    ({"highway": "footway"}, None),
])
def test_crossing_types(tags, expected):
    assert crossing_type(tags) == expected


def test_crossing_and_barrier_nodes_survive_simplification(cc_network):
    """The inner city has tagged crossings and bollards; each stays a node of the graph."""
    kinds = set(cc_network.node_tags.column("lotse:crossing")) - {None}
    assert {"signals", "zebra", "unmarked"} <= kinds
    assert "bollard" in set(cc_network.node_tags.column("barrier"))


def test_steps_and_footways_never_merge(cc_network):
    """A simplified edge carries one value per tag (no lists) - steps stay steps."""
    for key in ("highway", "name", "tactile_paving", "step_count"):
        assert not any(str(v).startswith("[") for v in cc_network.edge_tags.column(key) if v)


def test_compiled_cache_reload_equals_fresh_build(tmp_path):
    src = DATA / "crossings.osm"
    fresh = load_network(src, cache_dir=tmp_path)
    assert fresh.compiled_path and fresh.compiled_path.name.startswith("lotse-graph-")
    again = load_network(src, cache_dir=tmp_path)
    assert again.graph_hash == fresh.graph_hash == content_hash(src)
    for name in ("node_osmid", "node_lat", "edge_u", "edge_v", "edge_length", "edge_rev",
                 "geom_offsets", "geom_coords"):
        assert np.array_equal(getattr(again, name), getattr(fresh, name)), name
    assert again.places == fresh.places
    assert again.edge_tags.vocab == fresh.edge_tags.vocab
    a, b = (49.4402, 7.7651), (49.4398, 7.7706)
    assert Router(again).route(a, b).to_dict() == Router(fresh).route(a, b).to_dict()


def test_inner_city_cache_reload_equals_fresh_build(cc_osm, cc_network, places, tmp_path):
    """The real extract once without the cache: identical arrays and identical routes."""
    fresh = load_network(cc_osm, cache_dir=None)
    cached = WalkNetwork.load(cc_network.compiled_path)
    assert np.array_equal(fresh.edge_length, cached.edge_length)
    assert fresh.places == cached.places
    a, b = places["Hauptbahnhof"], places["Stiftsplatz"]
    assert Router(fresh).route(a, b).to_dict() == Router(cached).route(a, b).to_dict()


def test_damaged_cache_is_rebuilt(tmp_path):
    src = DATA / "steps_ramp.osm"
    net = load_network(src, cache_dir=tmp_path)
    net.compiled_path.write_bytes(b"not a zip file")
    again = load_network(src, cache_dir=tmp_path)
    assert np.array_equal(again.edge_u, net.edge_u)


def test_compressed_extracts(tmp_path):
    src = DATA / "steps_ramp.osm"
    with open(src, "rb") as fh, gzip.open(tmp_path / "a.osm.gz", "wb") as gz:
        shutil.copyfileobj(fh, gz)
    (tmp_path / "a.osm.bz2").write_bytes(bz2.compress(src.read_bytes()))
    plain = load_network(src)
    for name in ("a.osm.gz", "a.osm.bz2"):
        net = load_network(tmp_path / name)
        assert np.array_equal(net.edge_length, plain.edge_length)


def test_pbf_extract(tmp_path):
    import osmium

    src, pbf = DATA / "steps_ramp.osm", tmp_path / "steps.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(src)):
            writer.add(obj)
    net, plain = load_network(pbf), load_network(src)
    assert np.array_equal(net.edge_u, plain.edge_u)
    assert np.allclose(net.edge_length, plain.edge_length)


def test_broken_pbf_is_named(tmp_path):
    pbf = tmp_path / "city.osm.pbf"
    pbf.write_bytes(b"\x00\x00\x00\x0dnot really a pbf")
    with pytest.raises(OsmLoadError, match="city.osm.pbf"):
        load_network(pbf)


def test_places_and_streets(cc_network):
    kinds = {p["kind"] for p in cc_network.places}
    assert {"shop", "amenity", "street"} <= kinds
    markt = [p for p in cc_network.places if p["name"] == "Marktstraße" and p["kind"] == "street"]
    assert markt and markt[0]["osm_id"].startswith("way/")
    with_hours = [p for p in cc_network.places if "opening_hours" in p["tags"]]
    assert with_hours, "opening hours travel with the places for the registry and the speech"
    lon0, lat0, lon1, lat1 = cc_network.bbox
    assert all(lat0 - 0.01 < p["lat"] < lat1 + 0.01 for p in cc_network.places)


def test_bare_footway_crossing_counts_as_unmarked(tmp_path):
    """A crossing way without details is penalised and removed like an unmarked one."""
    original = (DATA / "crossings.osm").read_text()
    osm = original.replace(
        '<tag k="crossing" v="unmarked"/></way>', '</way>').replace(
        '<node id="22" lat="49.4400" lon="7.7700"><tag k="highway" v="crossing"/>'
        '<tag k="crossing" v="unmarked"/></node>', '<node id="22" lat="49.4400" lon="7.7700"/>')
    assert osm.count("unmarked") == original.count("unmarked") - 2  # only the comments keep it
    path = tmp_path / "bare.osm"
    path.write_text(osm)
    net = load_network(path)
    kinds = {v for v in net.edge_tags.column("lotse:crossing") if v}
    assert kinds == {"unmarked", "signals"}
    from routing_service.options import RouteOptions

    route = Router(net).route((49.4402, 7.7651), (49.4398, 7.7706), profile="walk",
                              options=RouteOptions(signalled_crossings_only=True))
    assert [m["crossing"] for m in route.maneuvers if m["type"] == "cross"] == ["signals_sound"]


def test_streaming_reader_builds_the_graph_osmnx_builds(cc_osm):
    """pyosmium's stream and osmnx's XML reader give the same simplified walk graph."""
    from routing_service.osmnx_build import build_graph, build_graph_streaming

    ours, reference = build_graph_streaming(cc_osm), build_graph(cc_osm)
    assert set(ours.nodes) == set(reference.nodes)

    def edges(graph):
        return sorted((u, v, round(d["length"], 6), str(d.get("highway")), str(d.get("name")))
                      for u, v, d in graph.edges(data=True))

    assert edges(ours) == edges(reference)
