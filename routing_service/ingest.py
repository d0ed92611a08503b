"""OSM extract -> walkable pedestrian graph -> compiled ``WalkNetwork``.

osmnx's ``graph_from_xml`` turns *every* way of a file into edges (buildings included), so the
walkable filter here is explicit. The graph is built unsimplified, filtered, annotated (open
squares, crossing types), and only then simplified, with every tag that matters for cost or
speech listed in ``edge_attrs_differ`` and every crossing/kerb/barrier node kept as an endpoint,
so a simplified edge never mixes a footway with steps or swallows a crossing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from routing_service.compiled import FORMAT_VERSION, TagColumns, WalkNetwork
from routing_service.errors import OsmLoadError

if TYPE_CHECKING:  # networkx is only needed to build, never to load a compiled graph
    import networkx as nx

log = logging.getLogger(__name__)

#: way tags kept on edges (cost, speech, filtering)
EDGE_KEYS: tuple[str, ...] = (
    "highway", "name", "footway", "sidewalk", "step_count", "handrail", "handrail:left",
    "handrail:right", "incline", "tactile_paving", "surface", "smoothness", "width", "lit",
    "area", "crossing", "crossing_ref", "foot", "access", "service", "bridge", "tunnel",
    "wheelchair", "ramp",
)
#: node tags kept on nodes
NODE_KEYS: tuple[str, ...] = (
    "highway", "crossing", "crossing_ref", "traffic_signals", "traffic_signals:sound",
    "traffic_signals:vibration", "button_operated", "tactile_paving", "kerb", "barrier", "name",
)
#: tags we derive during ingest (prefixed so they never clash with OSM keys)
SQUARE, CROSSING = "lotse:square", "lotse:crossing"

WALKABLE_HIGHWAYS = frozenset({
    "footway", "path", "pedestrian", "living_street", "residential", "service", "unclassified",
    "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link",
    "track", "steps", "road", "corridor", "bridleway", "platform",
})
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})
#: simplification must keep these nodes: each is something the walker is told about
KEEP_NODE_KEYS = ["crossing", "kerb", "barrier", "traffic_signals", "tactile_paving", "highway"]


def is_walkable(tags: dict[str, Any]) -> bool:
    """The walk filter that osmnx's XML reader does not apply itself."""
    highway = tags.get("highway")
    foot = tags.get("foot")
    if not isinstance(highway, str):
        return False
    if foot == "no" or tags.get("access") in ("private", "no") and foot not in FOOT_ALLOWED:
        return False
    if highway == "cycleway":
        return foot in FOOT_ALLOWED
    if highway not in WALKABLE_HIGHWAYS:
        return False  # construction, proposed, motorway, trunk, raceway, ...
    # areas are outlines, not walking lines; a pedestrian square's outline is its rim (kept)
    return tags.get("area") != "yes" or highway == "pedestrian"


def crossing_type(tags: dict[str, Any]) -> str | None:
    """Normalise OSM crossing tagging to the contract's five crossing types.

    ``uncontrolled`` is marked but gives no signal; without ``crossing_ref=zebra`` we cannot
    assume right of way, so a blind walker is warned as at an unmarked crossing.
    ``crossing=yes`` says nothing about safety and is treated the same, conservatively.
    """
    crossing = tags.get("crossing")
    signals = crossing == "traffic_signals" or tags.get("highway") == "traffic_signals"
    if signals:
        if tags.get("traffic_signals:sound") in ("yes", "locate"):
            return "signals_sound"
        if tags.get("traffic_signals:vibration") == "yes":
            return "signals_vibration"
        return "signals"
    if crossing == "zebra" or tags.get("crossing_ref") == "zebra" or crossing == "marked":
        return "zebra"
    if crossing in ("uncontrolled", "unmarked", "yes", "informal") or \
            tags.get("highway") == "crossing" and crossing != "no":
        return "unmarked"
    return None


def _way_crossing(tags: dict[str, Any]) -> str | None:
    """Crossing type of a way: a ``footway=crossing`` that says nothing more is treated as
    unmarked, so cost, ``signalled_crossings_only`` and speech agree about it."""
    if tags.get("footway") != "crossing" and "crossing" not in tags:
        return None
    kind = crossing_type(tags)
    if kind is None and tags.get("footway") == "crossing" and tags.get("crossing") != "no":
        return "unmarked"
    return kind


def content_hash(path: Path) -> str:
    """SHA-256 over the compile format and the extract's bytes (the bundle's graph reference)."""
    digest = hashlib.sha256(f"lotse-graph-v{FORMAT_VERSION}\n".encode())
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:20]


def load_network(osm_path: Path, cache_dir: Path | None = None) -> WalkNetwork:
    """The walk network of an extract, from the compiled cache when the extract is unchanged."""
    osm_path = Path(osm_path)
    if not osm_path.is_file():
        raise OsmLoadError(f"OSM file not found: {osm_path}", f"OSM-Datei fehlt: {osm_path}")
    graph_hash = content_hash(osm_path)
    cached = Path(cache_dir) / f"lotse-graph-{graph_hash}.npz" if cache_dir else None
    if cached is not None and cached.is_file():
        try:
            net = WalkNetwork.load(cached)
            log.info("loaded compiled graph %s", cached)
            return net
        except OsmLoadError as exc:  # stale or damaged: rebuild rather than fail
            log.warning("%s; rebuilding", exc)
    with _as_xml(osm_path) as xml_path:
        graph = build_graph(xml_path, source=osm_path)
        places = _places_from_xml(xml_path, graph)
    net = compile_graph(graph, graph_hash, places, source_name=osm_path.name)
    if cached is not None:
        net.save(cached)
        log.info("compiled graph saved to %s", cached)
    return net


def load_network_online(*, bbox: tuple[float, float, float, float] | None = None,
                        place: str | None = None, cache_dir: Path) -> WalkNetwork:
    """The same network from a live Overpass query (bbox = west, south, east, north, or a place
    name), for a deployment that wants current data. Responses are cached on disk by osmnx and
    the compiled graph by the query, so a restart makes no request. Tests never call this."""
    import osmnx as ox

    query = f"bbox={bbox}" if bbox else f"place={place}"
    graph_hash = hashlib.sha256(f"v{FORMAT_VERSION}:{query}".encode()).hexdigest()[:20]
    cached = Path(cache_dir) / f"lotse-graph-{graph_hash}.npz"
    if cached.is_file():
        return WalkNetwork.load(cached)
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
    net = compile_graph(graph, graph_hash, _places_from_features(feats, graph), source_name=query)
    net.save(cached)
    return net


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


@contextlib.contextmanager
def _as_xml(path: Path) -> Iterator[Path]:
    """osmnx reads OSM XML (plain, .gz, .bz2); a PBF is converted with pyosmium first."""
    if path.suffix != ".pbf":
        yield path
        return
    try:
        import osmium
    except ImportError as exc:
        raise OsmLoadError(f"cannot read PBF {path}: the 'osmium' package is not installed") \
            from exc
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / (path.stem + ".osm")
        try:
            with osmium.SimpleWriter(str(out)) as writer:
                for obj in osmium.FileProcessor(str(path)):
                    writer.add(obj)
        except RuntimeError as exc:
            raise OsmLoadError(f"cannot read PBF {path}: {exc}") from exc
        yield out


def build_graph(xml_path: Path, source: Path | None = None) -> nx.MultiDiGraph:
    """Parse, filter, annotate and simplify; the largest connected walkable part."""
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

    drop = [(u, v, k) for u, v, k, d in raw.edges(keys=True, data=True) if not is_walkable(d)]
    raw.remove_edges_from(drop)
    raw.remove_nodes_from([n for n in list(raw.nodes) if raw.degree(n) == 0])
    if raw.number_of_edges() == 0:
        raise OsmLoadError(f"no walkable ways in OSM file {source}",
                           f"Keine begehbaren Wege in der OSM-Datei {source}")
    _mark_squares(raw)
    for _, d in raw.nodes(data=True):
        d[CROSSING] = crossing_type(d)
    for _, _, d in raw.edges(data=True):
        d[CROSSING] = _way_crossing(d)
    with _osmnx_settings():
        graph = ox.simplify_graph(raw, node_attrs_include=KEEP_NODE_KEYS,
                                  edge_attrs_differ=[*EDGE_KEYS, SQUARE, CROSSING])
        graph = ox.truncate.largest_component(graph, strongly=False)
    log.info("walk graph of %s: %d nodes, %d edges", source, len(graph), graph.number_of_edges())
    return graph


def _mark_squares(graph: nx.MultiDiGraph) -> None:
    """Tag edges of open squares: ``rim`` on the square's outline, ``interior`` across it.

    A blind walker loses the building line in the middle of a square, so costs prefer the rim.
    """
    from shapely import STRtree, get_parts, points, polygonize, union_all
    from shapely.geometry import LineString

    by_way: dict[int, list[LineString]] = {}
    for u, v, d in graph.edges(data=True):
        if d.get("area") == "yes" and d.get("highway") == "pedestrian":
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
    rev = _reverse_edges(us, vs, length, geom_coords, geom_offsets)
    return WalkNetwork(
        graph_hash=graph_hash, node_osmid=np.array(osmids, dtype=np.int64), node_lat=lat,
        node_lon=lon, edge_u=us, edge_v=vs, edge_length=length, edge_rev=rev,
        geom_offsets=geom_offsets, geom_coords=geom_coords,
        node_tags=TagColumns.from_values(node_values),
        edge_tags=TagColumns.from_values(edge_values), places=places, source_name=source_name)


def _str(value: Any) -> str | None:
    return None if value is None or value != value else str(value)  # value != value: NaN


def _reverse_edges(us: np.ndarray, vs: np.ndarray, length: np.ndarray, coords: np.ndarray,
                   offsets: np.ndarray) -> np.ndarray:
    """For each directed edge the opposite one (same way walked backwards), -1 if none."""
    by_pair: dict[tuple[int, int], list[int]] = {}
    for e, (u, v) in enumerate(zip(us.tolist(), vs.tolist(), strict=True)):
        by_pair.setdefault((u, v), []).append(e)
    rev = np.full(len(us), -1, dtype=np.int32)
    for e, (u, v) in enumerate(zip(us.tolist(), vs.tolist(), strict=True)):
        candidates = by_pair.get((v, u), [])
        if not candidates:
            continue
        mid = coords[(offsets[e] + offsets[e + 1]) // 2]
        rev[e] = min(candidates, key=lambda c: (abs(length[c] - length[e]),
                     float(np.abs(coords[(offsets[c] + offsets[c + 1]) // 2] - mid).sum())))
    return rev


def _places_from_xml(xml_path: Path, graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    import osmnx as ox

    from routing_service.places import PLACE_TAGS

    try:
        feats = ox.features_from_xml(xml_path, tags={k: True for k in PLACE_TAGS})
    except Exception as exc:  # osmnx raises InsufficientResponseError when nothing matches
        log.info("no places in %s: %s", xml_path, exc)
        feats = None
    return _places_from_features(feats, graph)


def _places_from_features(feats: Any, graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    from routing_service.places import places_from_features, streets_from_graph

    return places_from_features(feats) + streets_from_graph(graph)
