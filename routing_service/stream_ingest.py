"""Streaming read of an extract: only the walkable-looking ways, their nodes and named places.

osmnx's XML reader holds every element of the file as Python dicts and turns every way
(buildings, land use, ...) into graph edges before anything is filtered; on a large extract that
is most of the build time and gigabytes of memory. Here pyosmium's C++ reader streams the file
(XML, gzip/bzip2, or PBF) once, keeps node locations in its own compact index, and hands Python
only the ways whose tags could make them walkable and the nodes whose tags matter. The result
is plain arrays (``Extract``): way ids, kept tags, node references, node locations, which
``segments.py`` cuts into the directed segments osmnx would build from the same ways.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from routing_service.access import walkable_highway
from routing_service.errors import OsmLoadError

log = logging.getLogger(__name__)

#: a way needs one of these keys to be walkable (access.walkable_highway)
WAY_KEYS = ("highway", "railway", "public_transport", "man_made")


@dataclass
class Extract:
    """The walkable-looking ways of an extract, in file order.

    ``refs[way_offsets[w]:way_offsets[w + 1]]`` are way ``w``'s node ids (a node repeated next
    to itself is dropped, as osmnx does); ``node_ids`` are all those nodes, ascending, with their
    locations; ``node_tags`` holds the kept tags of tagged nodes only.
    """

    way_ids: np.ndarray
    way_tags: list[dict[str, str]]
    way_offsets: np.ndarray
    refs: np.ndarray
    node_ids: np.ndarray
    node_lon: np.ndarray
    node_lat: np.ndarray
    node_tags: dict[int, dict[str, str]]


def read_ways(path: Path, edge_keys: tuple[str, ...], node_keys: tuple[str, ...]) -> Extract:
    """One pass over the file: the ways ``walkable_highway`` accepts (access rules come later,
    as they need the node tags too), with ``edge_keys`` of their tags and ``node_keys`` of the
    tags of their nodes."""
    import osmium

    wanted_edge, wanted_node = frozenset(edge_keys), frozenset(node_keys)
    way_ids: list[int] = []
    way_tags: list[dict[str, str]] = []
    lengths: list[int] = []
    refs: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    node_tags: dict[int, dict[str, str]] = {}
    try:
        stream = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY) \
            .with_locations().with_filter(osmium.filter.KeyFilter(*WAY_KEYS, *node_keys))
        for obj in stream:
            if obj.is_node():
                tags = {t.k: t.v for t in obj.tags if t.k in wanted_node}
                if tags:
                    node_tags[obj.id] = tags
                continue
            tags = {t.k: t.v for t in obj.tags if t.k in wanted_edge}
            if walkable_highway(tags) is None:
                continue
            nodes = [(n.ref, n.lon, n.lat) for n in obj.nodes]
            kept = [n for i, n in enumerate(nodes) if i == 0 or n[0] != nodes[i - 1][0]]
            if len(kept) < 2:
                continue
            way_ids.append(obj.id)
            way_tags.append(tags)
            lengths.append(len(kept))
            for ref, lon, lat in kept:
                refs.append(ref)
                lons.append(lon)
                lats.append(lat)
    except (RuntimeError, osmium.InvalidLocationError, OSError) as exc:
        raise OsmLoadError(f"cannot read OSM file {path}: {exc}".splitlines()[0],
                           f"OSM-Datei {path} nicht lesbar") from exc
    ref_array = np.array(refs, dtype=np.int64)
    node_ids, first = np.unique(ref_array, return_index=True)
    return Extract(
        way_ids=np.array(way_ids, dtype=np.int64), way_tags=way_tags,
        way_offsets=np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]),
        refs=ref_array, node_ids=node_ids,
        node_lon=np.array(lons, dtype=np.float64)[first],
        node_lat=np.array(lats, dtype=np.float64)[first],
        node_tags=node_tags)


def places(path: Path, place_keys: tuple[str, ...], kept: tuple[str, ...]
           ) -> list[dict[str, Any]]:
    """Named destinations: tagged nodes at their point, ways at a point inside their outline,
    multipolygon relations (a station platform, a museum of several buildings) at a point
    inside their area. Relations follow the nodes and ways, in file order.

    pyosmium assembles the multipolygons (a second, relations-only pass over the file); one
    whose member ways are not all in the extract cannot be assembled and is left out. The
    assembly needs a file sorted by id, as extracts are; an unsorted one (a hand-written map)
    is read without relations.
    """
    try:
        return _places(path, place_keys, kept, areas=True)
    except RuntimeError as exc:
        log.warning("places of %s read without relations: %s", path, exc)
        return _places(path, place_keys, kept, areas=False)


def _places(path: Path, place_keys: tuple[str, ...], kept: tuple[str, ...], areas: bool
            ) -> list[dict[str, Any]]:
    import osmium

    found: list[dict[str, Any]] = []
    from_relations: list[dict[str, Any]] = []
    named = osmium.filter.KeyFilter("name")
    everything = osmium.osm.NODE | osmium.osm.WAY | osmium.osm.RELATION
    stream = osmium.FileProcessor(str(path), everything).with_locations() \
        .with_filter(named).with_filter(osmium.filter.KeyFilter(*place_keys))
    if areas:
        stream = stream.with_areas(named)
    for obj in stream:
        kind = next((k for k in place_keys if k in obj.tags), None)
        if kind is None:
            continue
        if obj.is_node():
            lat, lon, element, osm_id, into = obj.lat, obj.lon, "node", obj.id, found
        elif obj.is_way():
            point = _inside_point([(n.lon, n.lat) for n in obj.nodes])
            if point is None:
                continue
            lat, lon, element, osm_id, into = point.y, point.x, "way", obj.id, found
        elif obj.is_area() and not obj.from_way():
            point = _area_point(obj)
            if point is None:
                continue
            lat, lon, element = point.y, point.x, "relation"
            osm_id, into = obj.orig_id(), from_relations
        else:
            continue  # a closed way's area: the way itself was taken above
        into.append({
            "name": obj.tags["name"], "kind": kind, "category": obj.tags[kind],
            "lat": round(lat, 7), "lon": round(lon, 7), "osm_id": f"{element}/{osm_id}",
            "tags": {t: obj.tags[t] for t in kept if t in obj.tags},
        })
    return found + from_relations


def _area_point(area: Any) -> Any:
    """A point inside an assembled multipolygon (None if it has no usable ring)."""
    import shapely

    polygons = []
    for outer in area.outer_rings():
        holes = [[(n.lon, n.lat) for n in inner] for inner in area.inner_rings(outer)]
        polygons.append(shapely.Polygon([(n.lon, n.lat) for n in outer], holes))
    if not polygons:
        return None
    try:
        return shapely.MultiPolygon(polygons).representative_point()
    except shapely.errors.GEOSException:
        return polygons[0].exterior.representative_point()


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
