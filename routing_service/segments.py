"""The walkable ways cut into directed segments: access rules, annotations, lengths — as arrays.

Every way yields a segment per pair of consecutive nodes in both directions, numbered as osmnx
inserts them into its graph (per way: the forward segments, then the backward ones); that
number (``raw``) decides which of two parallel segments simplification keeps and the order of
the compiled edges, so the arrays here reproduce osmnx's graph exactly. Segments a walker may
not use (``access.is_walkable``, ``walk_direction``) and nodes nobody may pass
(``access.node_passable``) are dropped; what remains is annotated with the values that cost and
speech read and that simplification must not merge across (``attr_class``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from routing_service.access import (
    AREA_HIGHWAYS,
    is_walkable,
    node_passable,
    side_name,
    walk_direction,
    walkable_highway,
)
from routing_service.osm_tags import CROSSING, EDGE_KEYS, KEEP_NODE_KEYS, way_crossing
from routing_service.stream_ingest import Extract

#: mean earth radius in metres (osmnx's, so lengths equal those of its graphs)
EARTH_RADIUS_M = 6_371_009
#: codes of the derived square tag (``lotse:square``): none, the outline, across the square
SQUARE_VALUES: tuple[str | None, ...] = (None, "rim", "interior")
NO_SQUARE, RIM, INTERIOR = 0, 1, 2


@dataclass
class WayTable:
    """What the ways say, one entry per way of the extract: the tag values that cost, speech and
    simplification read (``highway`` and ``name`` as a walker hears them), a class number that
    is equal for two ways exactly when all those values are equal, and whether walkers may use
    the way along its node order (``forward``) and against it (``backward``)."""

    values: dict[str, list[str | None]]
    way_class: np.ndarray
    forward: np.ndarray
    backward: np.ndarray


@dataclass
class Segments:
    """Directed segments over graph nodes ``0..n-1`` (the nodes with a segment, by OSM id)."""

    node_ids: np.ndarray
    node_lon: np.ndarray
    node_lat: np.ndarray
    #: kept tags of each tagged graph node, by node index
    node_tags: dict[int, dict[str, str]]
    u: np.ndarray
    v: np.ndarray
    #: insertion number among all segments of the extract's walkable-looking ways
    raw: np.ndarray
    #: the lowest ``raw`` of any segment joining the same two nodes the same way: the position
    #: of ``v`` among ``u``'s neighbours in osmnx's adjacency
    pair_rank: np.ndarray
    way: np.ndarray
    backward: np.ndarray
    length: np.ndarray
    square: np.ndarray
    #: equal for two segments exactly when every value simplification compares is equal
    attr_class: np.ndarray
    #: per node: tagged with something the walker is told about (a crossing, kerb, barrier, ...)
    keep: np.ndarray
    n_raw: int

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)


def way_table(ex: Extract) -> WayTable:
    """The table entry of every way of the extract."""
    n = len(ex.way_tags)
    values: dict[str, list[str | None]] = {k: [None] * n for k in (*EDGE_KEYS, CROSSING)}
    crossing = values[CROSSING]
    forward, backward = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    classes: dict[tuple[Any, ...], int] = {}
    way_class = np.full(n, -1, dtype=np.int64)
    for w, tags in enumerate(ex.way_tags):
        tags = {**tags, "highway": walkable_highway(tags)}
        tags["name"] = side_name(tags)
        for key, value in tags.items():
            values[key][w] = value
        crossing[w] = way_crossing(tags)
        if not is_walkable(tags):
            continue
        direction = walk_direction(tags)
        forward[w], backward[w] = direction != "backward", direction != "forward"
        key_values = (*map(tags.get, EDGE_KEYS), crossing[w])
        way_class[w] = classes.setdefault(key_values, len(classes))
    return WayTable(values, way_class, forward, backward)


def cut_segments(ex: Extract, table: WayTable) -> Segments:
    """The directed segments walkers may use, over the nodes they touch."""
    counts = np.diff(ex.way_offsets)
    n_ways = len(counts)
    way = np.repeat(np.arange(n_ways, dtype=np.int64), counts - 1)
    starts_segment = np.ones(len(ex.refs), dtype=bool)
    starts_segment[ex.way_offsets[1:] - 1] = False  # every node but a way's last
    start = np.flatnonzero(starts_segment)
    a = np.searchsorted(ex.node_ids, ex.refs[start])
    b = np.searchsorted(ex.node_ids, ex.refs[start + 1])
    fwd_raw = 2 * (ex.way_offsets[way] - way) + (start - ex.way_offsets[way])
    bwd_raw = fwd_raw + counts[way] - 1
    u, v = np.concatenate([a, b]), np.concatenate([b, a])
    raw = np.concatenate([fwd_raw, bwd_raw])
    is_backward = np.repeat([False, True], len(a))
    way = np.concatenate([way, way])
    pair_rank = _pair_rank(u * len(ex.node_ids) + v, raw)

    passable = _passable(ex)
    keep = np.where(is_backward, table.backward[way], table.forward[way]) & \
        passable[u] & passable[v]
    u, v, raw, way, is_backward, pair_rank = (
        x[keep] for x in (u, v, raw, way, is_backward, pair_rank))
    graph_nodes, inverse = np.unique(np.concatenate([u, v]), return_inverse=True)
    u, v = inverse[:len(u)], inverse[len(u):]
    lon, lat = ex.node_lon[graph_nodes], ex.node_lat[graph_nodes]
    ids = ex.node_ids[graph_nodes]
    index = {int(n): i for i, n in enumerate(ids.tolist())}
    node_tags = {index[n]: t for n, t in ex.node_tags.items() if n in index}
    square = _squares(u, v, way, lon, lat, ex.way_ids, table)
    told = np.zeros(len(ids), dtype=bool)
    for node, tags in node_tags.items():
        told[node] = any(k in tags for k in KEEP_NODE_KEYS)
    return Segments(
        node_ids=ids, node_lon=lon, node_lat=lat, node_tags=node_tags, u=u, v=v, raw=raw,
        pair_rank=pair_rank, way=way, backward=is_backward,
        length=great_circle(lat[u], lon[u], lat[v], lon[v]), square=square,
        attr_class=table.way_class[way] * len(SQUARE_VALUES) + square, keep=told,
        n_raw=2 * len(a))


def great_circle(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray,
                 lon2: np.ndarray) -> np.ndarray:
    """Haversine distance in metres, the same arithmetic as osmnx's ``great_circle``."""
    y1, y2 = np.deg2rad(lat1), np.deg2rad(lat2)
    x1, x2 = np.deg2rad(lon1), np.deg2rad(lon2)
    h = np.sin((y2 - y1) / 2) ** 2 + np.cos(y1) * np.cos(y2) * np.sin((x2 - x1) / 2) ** 2
    dist = 2 * np.arcsin(np.sqrt(np.minimum(1, h))) * EARTH_RADIUS_M
    dist[np.isnan(dist)] = 0
    return dist


def _pair_rank(pair: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """For each segment the lowest ``raw`` among segments with the same ``pair`` key."""
    order = np.lexsort((raw, pair))
    new_group = np.r_[True, pair[order][1:] != pair[order][:-1]][:len(pair)]
    rank = np.empty_like(raw)
    rank[order] = raw[order][new_group][np.cumsum(new_group) - 1]
    return rank


def _passable(ex: Extract) -> np.ndarray:
    """Per node of the extract: may a pedestrian pass through it (gates, fences, ...)."""
    shut = [n for n, tags in ex.node_tags.items() if not node_passable(tags)]
    return ~np.isin(ex.node_ids, np.array(shut, dtype=np.int64))


def _squares(u: np.ndarray, v: np.ndarray, way: np.ndarray, lon: np.ndarray, lat: np.ndarray,
             way_ids: np.ndarray, table: WayTable) -> np.ndarray:
    """``rim`` on the outline of walkable areas, ``interior`` on segments across them.

    A blind walker loses the building line in the middle of a square, so costs prefer the rim.
    """
    import shapely

    area = np.array([a == "yes" and h in AREA_HIGHWAYS
                     for a, h in zip(table.values["area"], table.values["highway"], strict=True)],
                    dtype=bool)
    square = np.where(area[way], RIM, NO_SQUARE).astype(np.int8)
    rims = np.flatnonzero(square == RIM)
    if len(rims) == 0:
        return square
    lines = shapely.linestrings(np.stack([np.stack([lon[u[rims]], lat[u[rims]]], axis=1),
                                          np.stack([lon[v[rims]], lat[v[rims]]], axis=1)],
                                         axis=1))
    rim_way = way_ids[way[rims]]
    order = np.argsort(rim_way, kind="stable")
    bounds = np.flatnonzero(np.r_[True, rim_way[order][1:] != rim_way[order][:-1], True])
    # both directions of each rim segment are here: union them before polygonising
    polygons = [p for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
                for p in shapely.polygonize(
                    shapely.get_parts(shapely.union_all(lines[order[lo:hi]]))).geoms]
    if not polygons:
        return square
    todo = np.flatnonzero(square == NO_SQUARE)
    mids = shapely.points((lon[u[todo]] + lon[v[todo]]) / 2, (lat[u[todo]] + lat[v[todo]]) / 2)
    inside = shapely.STRtree(polygons).query(mids, predicate="within")[0]
    square[todo[np.unique(inside)]] = INTERIOR
    return square
