"""The walk graph built with osmnx on a networkx graph: for a live Overpass query, and as the
reference the array build (``network_build``) is tested against.

osmnx's reader, filter and ``simplify_graph`` on a networkx graph are exact but slow and
memory-hungry on a large city (a minute and over a gigabyte for ten times Kaiserslautern);
extract files are therefore built with ``network_build``, which follows the same rules.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from routing_service.access import (
    AREA_HIGHWAYS,
    is_walkable,
    node_passable,
    side_name,
    walk_direction,
    walkable_highway,
)
from routing_service.compiled import TagColumns, WalkNetwork
from routing_service.errors import OsmLoadError
from routing_service.network_build import reverse_edges
from routing_service.osm_tags import (
    CROSSING,
    EDGE_KEYS,
    KEEP_NODE_KEYS,
    NODE_KEYS,
    SQUARE,
    crossing_type,
    way_crossing,
)

if TYPE_CHECKING:
    import networkx as nx

    from routing_service.stream_ingest import Extract

log = logging.getLogger(__name__)


def network_online(query: str, bbox: tuple[float, float, float, float] | None,
                   place: str | None, cache_dir: Path, graph_hash: str) -> WalkNetwork:
    """The walk network of a live Overpass query (a bbox or a place name); osmnx caches the
    responses under ``cache_dir``."""
    import osmnx as ox

    from routing_service.places import PLACE_TAGS

    try:
        with _osmnx_settings(cache_folder=Path(cache_dir) / "overpass"):
            # every highway way (osmnx's "all" would drop area=yes, i.e. the rims of squares);
            # the walk filter below decides as for a file
            kwargs = dict(custom_filter='["highway"]', simplify=False, retain_all=True)
            raw = ox.graph_from_bbox(bbox, **kwargs) if bbox else \
                ox.graph_from_place(place, **kwargs)
            tags = {k: True for k in PLACE_TAGS}
            feats = ox.features_from_bbox(bbox, tags) if bbox else \
                ox.features_from_place(place, tags)
    except Exception as exc:  # network, geocoding and empty answers: one line for the user
        raise OsmLoadError(f"Overpass query {query} failed: {exc}".splitlines()[0],
                           f"Overpass-Abfrage {query} fehlgeschlagen") from exc
    graph = _prepare(raw, source=query)
    return compile_graph(graph, graph_hash, _places_from_features(feats, graph),
                         source_name=query)


@contextlib.contextmanager
def _osmnx_settings(**overrides: Any) -> Iterator[None]:
    """osmnx reads module globals; set ours for the duration of one build and restore them."""
    import osmnx as ox

    wanted = {"useful_tags_way": list(EDGE_KEYS), "useful_tags_node": list(NODE_KEYS),
              "log_console": False, **overrides}
    old = {k: getattr(ox.settings, k) for k in wanted}
    try:
        for k, v in wanted.items():
            setattr(ox.settings, k, v)
        yield
    finally:
        for k, v in old.items():
            setattr(ox.settings, k, v)


def raw_graph(ex: Extract) -> nx.MultiDiGraph:
    """The unsimplified networkx graph osmnx builds from the same ways: both directions of
    each segment, with ``osmid``, ``oneway``, ``reversed``, ``length`` and the kept tags."""
    import networkx as nx
    import osmnx as ox

    graph = nx.MultiDiGraph(crs="epsg:4326", created_with="lotse osmnx_build")
    ids = ex.node_ids.tolist()
    graph.add_nodes_from((n, {"y": lat, "x": lon, **ex.node_tags.get(n, {})})
                         for n, lon, lat in zip(ids, ex.node_lon.tolist(), ex.node_lat.tolist(),
                                                strict=True))
    refs = ex.refs.tolist()
    for w, (osmid, tags) in enumerate(zip(ex.way_ids.tolist(), ex.way_tags, strict=True)):
        way = refs[ex.way_offsets[w]:ex.way_offsets[w + 1]]
        pairs = list(zip(way[:-1], way[1:], strict=True))
        attrs = {"osmid": osmid, **tags}
        graph.add_edges_from(pairs, **attrs, oneway=False, reversed=False)
        graph.add_edges_from([(v, u) for u, v in pairs], **attrs, oneway=False, reversed=True)
    if graph.number_of_edges():
        graph = ox.distance.add_edge_lengths(graph)
    return graph


def build_graph_streaming(path: Path) -> nx.MultiDiGraph:
    """The extract streamed with pyosmium (any OSM format), then filtered, annotated and
    simplified by osmnx: the graph ``network_build`` reproduces on arrays."""
    from routing_service.stream_ingest import read_ways

    raw = raw_graph(read_ways(path, EDGE_KEYS, NODE_KEYS))
    if raw.number_of_edges() == 0:
        raise OsmLoadError(f"no walkable ways in OSM file {path}",
                           f"Keine begehbaren Wege in der OSM-Datei {path}")
    return _prepare(raw, source=path)


def build_graph(xml_path: Path, source: Path | None = None) -> nx.MultiDiGraph:
    """osmnx's reader: parse, filter, annotate and simplify; the largest connected walkable
    part. Kept as the reference the streaming reader is tested against."""
    import osmnx as ox

    name = source or xml_path
    try:
        with _osmnx_settings():
            raw = ox.graph_from_xml(xml_path, bidirectional=True, simplify=False, retain_all=True)
    except Exception as exc:  # osmnx/ElementTree raise many kinds for a broken file
        raise OsmLoadError(f"cannot read OSM file {name}: {exc}".splitlines()[0],
                           f"OSM-Datei {name} nicht lesbar") from exc
    return _prepare(raw, source=name)


def _prepare(raw: nx.MultiDiGraph, source: Any) -> nx.MultiDiGraph:
    import osmnx as ox

    drop = [(u, v, k) for u, v, k, d in raw.edges(keys=True, data=True) if not _usable(d)]
    raw.remove_edges_from(drop)
    # a node nobody may pass (fence, locked gate, foot=no) is cut out with all its edges
    raw.remove_nodes_from([n for n, d in list(raw.nodes(data=True)) if not node_passable(d)])
    raw.remove_nodes_from([n for n in list(raw.nodes) if raw.degree(n) == 0])
    for _, _, d in raw.edges(data=True):
        d["highway"], d["name"] = walkable_highway(d), side_name(d)
    if raw.number_of_edges() == 0:
        raise OsmLoadError(f"no walkable ways in OSM file {source}",
                           f"Keine begehbaren Wege in der OSM-Datei {source}")
    _mark_squares(raw)
    for _, d in raw.nodes(data=True):
        d[CROSSING] = crossing_type(d)
    for _, _, d in raw.edges(data=True):
        d[CROSSING] = way_crossing(d)
    with _osmnx_settings():
        graph = ox.simplify_graph(raw, node_attrs_include=KEEP_NODE_KEYS,
                                  edge_attrs_differ=[*EDGE_KEYS, SQUARE, CROSSING])
        graph = ox.truncate.largest_component(graph, strongly=False)
    log.info("walk graph of %s: %d nodes, %d edges", source, len(graph), graph.number_of_edges())
    return graph


def _usable(edge: dict[str, Any]) -> bool:
    """A walkable way, in a direction walkers may take (osmnx's ``reversed`` edges run against
    the way's node order)."""
    if not is_walkable(edge):
        return False
    direction = walk_direction(edge)
    return direction == "both" or (direction == "forward") != bool(edge.get("reversed"))


def _mark_squares(graph: nx.MultiDiGraph) -> None:
    """Tag edges of open squares: ``rim`` on the square's outline, ``interior`` across it.

    A blind walker loses the building line in the middle of a square, so costs prefer the rim.
    """
    from shapely import STRtree, get_parts, points, polygonize, union_all
    from shapely.geometry import LineString

    by_way: dict[int, list[LineString]] = {}
    for u, v, d in graph.edges(data=True):
        if d.get("area") == "yes" and d.get("highway") in AREA_HIGHWAYS:
            d[SQUARE] = "rim"
            line = LineString([(graph.nodes[u]["x"], graph.nodes[u]["y"]),
                               (graph.nodes[v]["x"], graph.nodes[v]["y"])])
            by_way.setdefault(d["osmid"], []).append(line)
    # both directions of each rim edge are in the graph: union them before polygonising
    polygons = [p for lines in by_way.values()
                for p in polygonize(get_parts(union_all(lines))).geoms]
    if not polygons:
        return
    tree = STRtree(polygons)
    todo = [(u, v, d) for u, v, d in graph.edges(data=True) if SQUARE not in d]
    mids = points([((graph.nodes[u]["x"] + graph.nodes[v]["x"]) / 2,
                    (graph.nodes[u]["y"] + graph.nodes[v]["y"]) / 2) for u, v, _ in todo])
    inside = set(tree.query(mids, predicate="within")[0].tolist())
    for i, (_, _, d) in enumerate(todo):
        if i in inside:
            d[SQUARE] = "interior"


def _first(value: Any) -> Any:
    """Simplification may leave a list where merged ways differ in an untracked tag."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def compile_graph(graph: nx.MultiDiGraph, graph_hash: str, places: list[dict[str, Any]],
                  source_name: str = "") -> WalkNetwork:
    """Arrays from the networkx graph; the networkx graph can be dropped afterwards."""
    osmids = list(graph.nodes)
    idx = {n: i for i, n in enumerate(osmids)}
    lat = np.array([graph.nodes[n]["y"] for n in osmids], dtype=np.float64)
    lon = np.array([graph.nodes[n]["x"] for n in osmids], dtype=np.float64)
    node_values = {k: [_str(graph.nodes[n].get(k)) for n in osmids] for k in (*NODE_KEYS, CROSSING)}

    edges = list(graph.edges(keys=True, data=True))
    us = np.array([idx[u] for u, _, _, _ in edges], dtype=np.int32)
    vs = np.array([idx[v] for _, v, _, _ in edges], dtype=np.int32)
    length = np.array([float(d["length"]) for *_, d in edges], dtype=np.float64)
    coords, offsets = [], [0]
    for u, v, _, d in edges:
        geom = d.get("geometry")
        pts = list(geom.coords) if geom is not None else \
            [(graph.nodes[u]["x"], graph.nodes[u]["y"]), (graph.nodes[v]["x"], graph.nodes[v]["y"])]
        coords.extend(pts)
        offsets.append(len(coords))
    edge_values = {k: [_str(_first(d.get(k))) for *_, d in edges]
                   for k in (*EDGE_KEYS, SQUARE, CROSSING)}
    edge_values["osmid"] = [_str(_first(d.get("osmid"))) for *_, d in edges]
    # osmnx marks edges that run against the way's node order: needed for handrail side, incline
    edge_values["reversed"] = [_str(_first(d.get("reversed"))) for *_, d in edges]
    geom_coords = np.array(coords, dtype=np.float64)
    geom_offsets = np.array(offsets, dtype=np.int64)
    rev = reverse_edges(us, vs, geom_coords, geom_offsets)
    return WalkNetwork(
        graph_hash=graph_hash, node_osmid=np.array(osmids, dtype=np.int64), node_lat=lat,
        node_lon=lon, edge_u=us, edge_v=vs, edge_length=length, edge_rev=rev,
        geom_offsets=geom_offsets, geom_coords=geom_coords,
        node_tags=TagColumns.from_values(node_values),
        edge_tags=TagColumns.from_values(edge_values), places=places, source_name=source_name)


def _str(value: Any) -> str | None:
    return None if value is None or value != value else str(value)  # value != value: NaN


def _places_from_features(feats: Any, graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    from routing_service.places import places_from_features, streets_from_graph

    return places_from_features(feats) + streets_from_graph(graph)


def build_network_osmnx(path: Path, graph_hash: str, source_name: str = "") -> WalkNetwork:
    """An extract built the networkx way (pyosmium stream, then osmnx's filter and
    simplification): the reference ``network_build.build_network`` is tested against."""
    from routing_service.places import KEPT_TAGS, PLACE_TAGS, streets_from_graph
    from routing_service.stream_ingest import places

    graph = build_graph_streaming(path)
    return compile_graph(graph, graph_hash,
                         places(path, PLACE_TAGS, KEPT_TAGS) + streets_from_graph(graph),
                         source_name=source_name)
