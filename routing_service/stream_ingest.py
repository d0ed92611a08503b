"""Streaming read of an extract: only the walkable ways, their nodes and the named places.

osmnx's XML reader holds every element of the file as Python dicts and turns every way
(buildings, land use, ...) into graph edges before anything is filtered; on a large extract that
is most of the build time and gigabytes of memory. Here pyosmium's C++ reader streams the file
(XML, gzip/bzip2, or PBF) once, keeps node locations in its own compact index, and hands Python
only the ways whose tags could make them walkable and the nodes whose tags matter. The result is
the same unsimplified graph osmnx would build from those ways, so the filtering, annotation and
simplification that follow (``ingest._prepare``) are shared by both readers.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routing_service.access import walkable_highway
from routing_service.errors import OsmLoadError

if TYPE_CHECKING:
    import networkx as nx

#: a way needs one of these keys to be walkable (access.walkable_highway)
WAY_KEYS = ("highway", "railway", "public_transport", "man_made")


def raw_graph(path: Path, edge_keys: tuple[str, ...], node_keys: tuple[str, ...]
              ) -> nx.MultiDiGraph:
    """The unsimplified graph of the walkable-looking ways, both directions of each, with the
    attributes osmnx gives them (``osmid``, ``oneway``, ``reversed``, ``length``, kept tags)."""
    import networkx as nx
    import osmium
    import osmnx as ox

    wanted_nodes: dict[int, tuple[float, float]] = {}
    node_tags: dict[int, dict[str, str]] = {}
    paths: list[tuple[list[int], dict[str, Any]]] = []
    try:
        stream = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY) \
            .with_locations().with_filter(osmium.filter.KeyFilter(*WAY_KEYS, *node_keys))
        for obj in stream:
            if obj.is_node():
                tags = {k: obj.tags[k] for k in node_keys if k in obj.tags}
                if tags:
                    node_tags[obj.id] = tags
                continue
            tags = {k: obj.tags[k] for k in edge_keys if k in obj.tags}
            if walkable_highway(tags) is None:
                continue
            refs = [group[0] for group in groupby(n.ref for n in obj.nodes)]
            if len(refs) < 2:
                continue
            for n in obj.nodes:
                wanted_nodes[n.ref] = (n.lat, n.lon)
            paths.append((refs, {"osmid": obj.id, **tags}))
    except (RuntimeError, osmium.InvalidLocationError, OSError) as exc:
        raise OsmLoadError(f"cannot read OSM file {path}: {exc}".splitlines()[0],
                           f"OSM-Datei {path} nicht lesbar") from exc
    graph = nx.MultiDiGraph(crs="epsg:4326", created_with="lotse stream_ingest")
    graph.add_nodes_from((n, {"y": lat, "x": lon, **node_tags.get(n, {})})
                         for n, (lat, lon) in sorted(wanted_nodes.items()))
    for refs, attrs in paths:
        pairs = list(zip(refs[:-1], refs[1:], strict=True))
        graph.add_edges_from(pairs, **attrs, oneway=False, reversed=False)
        graph.add_edges_from([(v, u) for u, v in pairs], **attrs, oneway=False, reversed=True)
    if graph.number_of_edges():
        graph = ox.distance.add_edge_lengths(graph)
    return graph


def places(path: Path, place_keys: tuple[str, ...], kept: tuple[str, ...]
           ) -> list[dict[str, Any]]:
    """Named destinations: tagged nodes at their point, ways at a point inside their outline.

    Relations (multipolygons) are not read: a place mapped only as a relation is missing.
    """
    import osmium

    result: list[dict[str, Any]] = []
    stream = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY) \
        .with_locations().with_filter(osmium.filter.KeyFilter("name"))
    for obj in stream:
        kind = next((k for k in place_keys if k in obj.tags), None)
        if kind is None:
            continue
        if obj.is_node():
            lat, lon, element = obj.lat, obj.lon, "node"
        else:
            point = _inside_point([(n.lon, n.lat) for n in obj.nodes])
            if point is None:
                continue
            lat, lon, element = point.y, point.x, "way"
        result.append({
            "name": obj.tags["name"], "kind": kind, "category": obj.tags[kind],
            "lat": round(lat, 7), "lon": round(lon, 7), "osm_id": f"{element}/{obj.id}",
            "tags": {t: obj.tags[t] for t in kept if t in obj.tags},
        })
    return result


def _inside_point(coords: list[tuple[float, float]]) -> Any:
    """A point inside a closed way's outline (on an open way's line); None for an empty way."""
    import shapely

    if not coords:
        return None
    try:
        if len(coords) >= 4 and coords[0] == coords[-1]:
            return shapely.Polygon(coords).representative_point()
        if len(set(coords)) >= 2:
            return shapely.LineString(coords).representative_point()
    except shapely.errors.GEOSException:
        pass  # a self-intersecting outline: its first corner will do
    return shapely.Point(coords[0])
