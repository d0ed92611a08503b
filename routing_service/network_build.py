"""OSM extract -> compiled ``WalkNetwork``, on arrays from the stream to the served files.

The steps: ``stream_ingest.read_ways`` (pyosmium) -> ``segments`` (access rules, annotations,
lengths) -> ``simplify`` (osmnx's endpoint rules) -> the arrays and tag columns here. No
networkx graph is built: on a city ten times Kaiserslautern this takes seconds where osmnx's
networkx simplification took over a minute and a gigabyte. The result equals what
``osmnx_build`` makes of the same extract (``tests/routing/test_network_build.py``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from routing_service.compiled import TagColumns, WalkNetwork
from routing_service.errors import OsmLoadError
from routing_service.osm_tags import (
    CROSSING,
    EDGE_KEYS,
    NODE_KEYS,
    SQUARE,
    crossing_type,
)
from routing_service.segments import SQUARE_VALUES, Segments, WayTable, cut_segments, way_table
from routing_service.simplify import Simplified, simplify

log = logging.getLogger(__name__)


def build_network(path: Path, graph_hash: str, source_name: str = "") -> WalkNetwork:
    """The walk network of an extract file (XML, .gz, .bz2 or PBF) with its places."""
    from routing_service.places import KEPT_TAGS, PLACE_TAGS
    from routing_service.stream_ingest import places, read_ways

    extract = read_ways(path, EDGE_KEYS, NODE_KEYS)
    table = way_table(extract)
    seg = cut_segments(extract, table)
    if len(seg.u) == 0:
        raise OsmLoadError(f"no walkable ways in OSM file {path}",
                           f"Keine begehbaren Wege in der OSM-Datei {path}")
    edges = simplify(seg)
    net = compile_network(seg, table, extract.way_ids, edges, graph_hash, source_name)
    net.places = places(path, PLACE_TAGS, KEPT_TAGS) + streets(net, edges.merged)
    log.info("walk graph of %s: %d nodes, %d edges", path, net.n_nodes, net.n_edges)
    return net


def compile_network(seg: Segments, table: WayTable, way_ids: np.ndarray, edges: Simplified,
                    graph_hash: str, source_name: str) -> WalkNetwork:
    """The served arrays of the simplified graph (places are added by the caller)."""
    index = np.full(seg.n_nodes, -1, dtype=np.int64)
    index[edges.nodes] = np.arange(len(edges.nodes))
    sizes = np.diff(edges.offsets)
    edge_of_row = np.repeat(np.arange(len(sizes)), sizes)
    first = edges.path[edges.offsets[:-1]]
    # the node sequence of each edge: its first segment's start, then every segment's end
    nodes_along = np.empty(len(edges.path) + len(sizes), dtype=np.int64)
    geom_offsets = edges.offsets + np.arange(len(sizes) + 1)
    nodes_along[geom_offsets[:-1]] = seg.u[first]
    nodes_along[np.arange(len(edges.path)) + edge_of_row + 1] = seg.v[edges.path]
    geom_coords = np.stack([seg.node_lon[nodes_along], seg.node_lat[nodes_along]], axis=1)
    edge_u = index[edges.u].astype(np.int32)
    edge_v = index[edges.v].astype(np.int32)
    return WalkNetwork(
        graph_hash=graph_hash, node_osmid=seg.node_ids[edges.nodes],
        node_lat=seg.node_lat[edges.nodes], node_lon=seg.node_lon[edges.nodes],
        edge_u=edge_u, edge_v=edge_v, edge_length=_path_lengths(seg.length, edges),
        edge_rev=reverse_edges(edge_u, edge_v, geom_coords, geom_offsets),
        geom_offsets=geom_offsets.astype(np.int64), geom_coords=geom_coords,
        node_tags=_node_tags(seg, edges.nodes),
        edge_tags=_edge_tags(seg, table, way_ids, edges, first), places=[],
        source_name=source_name)


def _path_lengths(length: np.ndarray, edges: Simplified) -> np.ndarray:
    """Each edge's length: its segments' lengths added one by one along the path, from 0, as
    Python's ``sum`` does (a pairwise sum could differ in the last bit)."""
    sizes = np.diff(edges.offsets)
    longest_first = np.argsort(-sizes, kind="stable")
    count_longer = np.searchsorted(-sizes[longest_first], -np.arange(sizes.max(initial=0)),
                                   side="left")
    total = np.zeros(len(sizes), dtype=np.float64)
    for step, active in enumerate(count_longer.tolist()):
        rows = longest_first[:active]
        total[rows] += length[edges.path[edges.offsets[rows] + step]]
    return total


def _node_tags(seg: Segments, nodes: np.ndarray) -> TagColumns:
    values: dict[str, list[str | None]] = {k: [None] * len(nodes) for k in (*NODE_KEYS, CROSSING)}
    where = np.full(seg.n_nodes, -1, dtype=np.int64)
    where[nodes] = np.arange(len(nodes))
    for node, tags in seg.node_tags.items():
        i = int(where[node])
        if i < 0:
            continue
        for key, value in tags.items():
            values[key][i] = value
        values[CROSSING][i] = crossing_type(tags)
    return TagColumns.from_values(values)


def _edge_tags(seg: Segments, table: WayTable, way_ids: np.ndarray, edges: Simplified,
               first: np.ndarray) -> TagColumns:
    """Tag columns of the edges. Every tag that cost and speech read is the same along a merged
    path (simplification stops where one changes), so the first segment's way gives them; the
    way id and the direction flag may differ along a path (see ``_merged_value``)."""
    way = seg.way[first]
    codes: dict[str, np.ndarray] = {}
    vocab: dict[str, list[str]] = {}
    for key in (*EDGE_KEYS, CROSSING):
        codes[key], vocab[key] = _column(table.values[key], way)
    codes[SQUARE], vocab[SQUARE] = _column(list(SQUARE_VALUES), seg.square[first])
    row_way = way_ids[seg.way[edges.path]]
    row_backward = seg.backward[edges.path]
    osmid = _merged_value(row_way, edges.offsets)
    backward = _merged_value(row_backward, edges.offsets)
    codes["osmid"], vocab["osmid"] = _column([str(v) for v in osmid], None)
    codes["reversed"], vocab["reversed"] = _column([str(v) for v in backward], None)
    order = [*EDGE_KEYS, SQUARE, CROSSING, "osmid", "reversed"]
    return TagColumns({k: codes[k] for k in order}, {k: vocab[k] for k in order})


def _merged_value(rows: np.ndarray, offsets: np.ndarray) -> list[Any]:
    """One value per edge of a per-segment attribute that is not compared by simplification
    (the way id, the direction flag): the segments' value where they agree; where they differ,
    the first of osmnx's set of them (``list(set(values))[0]``), which the compiled graph has
    always carried, so that merged edges keep their way id."""
    starts = offsets[:-1]
    same = np.minimum.reduceat(rows, starts) == np.maximum.reduceat(rows, starts)
    out = rows[starts].tolist()
    for e in np.flatnonzero(~same).tolist():
        out[e] = next(iter(set(rows[offsets[e]:offsets[e + 1]].tolist())))
    return out


def _column(values: list[str | None], pick: np.ndarray | None) -> tuple[np.ndarray, list[str]]:
    """Codes into a sorted vocabulary of the values that occur (``pick``: rows of ``values``)."""
    words: dict[str, int] = {}
    codes = np.array([-1 if v is None else words.setdefault(v, len(words)) for v in values],
                     dtype=np.int64)
    if pick is not None:
        codes = codes[pick]
    used = np.unique(codes[codes >= 0])
    names = list(words)
    vocab = sorted(names[i] for i in used.tolist())
    remap = np.full(len(names) + 1, -1, dtype=np.int32)
    rank = {word: i for i, word in enumerate(vocab)}
    remap[used] = [rank[names[i]] for i in used.tolist()]
    return remap[codes], vocab


def reverse_edges(us: np.ndarray, vs: np.ndarray, coords: np.ndarray,
                  offsets: np.ndarray) -> np.ndarray:
    """For each directed edge the opposite one (same way walked backwards), -1 if none.

    The opposite edge is the one whose geometry is this one's reversed: never the edge itself
    (a closed way attached at one node is a loop u -> u in both directions) and never another
    one-way way that happens to join the same two nodes the other way round. Pairs are mutual;
    of several equal candidates (a way mapped twice) the first one not yet paired is taken.
    Coordinates come from one reader, so equal points are equal floats: geometries are matched
    by a fingerprint of their points and then compared exactly; the few edges with several
    candidates are paired one by one.
    """
    sizes = np.diff(offsets)
    own = _fingerprint(us, vs, coords, offsets, backwards=False)
    wanted = _fingerprint(vs, us, coords, offsets, backwards=True)
    order = np.argsort(own, kind="stable")
    lo = np.searchsorted(own[order], wanted, side="left")
    count = np.searchsorted(own[order], wanted, side="right") - lo
    partner = np.where(count == 1, order[np.minimum(lo, len(order) - 1)], -1)
    one = (partner >= 0) & (partner != np.arange(len(us)))
    one &= (count[np.maximum(partner, 0)] == 1) & (sizes[np.maximum(partner, 0)] == sizes)
    one[one] &= _same_reversed(coords, offsets, np.flatnonzero(one), partner[one])
    rev = np.where(one, partner, -1).astype(np.int32)
    rest = np.flatnonzero(~one & (count > 0))
    for e, c in _pair_one_by_one(us, vs, coords, offsets, rest):
        rev[e] = c
    return rev


def _fingerprint(us: np.ndarray, vs: np.ndarray, coords: np.ndarray, offsets: np.ndarray,
                 backwards: bool) -> np.ndarray:
    """A 64-bit hash of (start node, end node, point sequence) per edge (arithmetic wraps)."""
    sizes = np.diff(offsets)
    edge = np.repeat(np.arange(len(sizes)), sizes)
    step = np.arange(len(coords)) - offsets[edge]
    if backwards:
        step = sizes[edge] - 1 - step
    bits = np.ascontiguousarray(coords).view(np.uint64)
    point = bits[:, 0] * np.uint64(0x9E3779B97F4A7C15) ^ bits[:, 1] * np.uint64(0xC2B2AE3D27D4EB4F)
    weight = np.cumprod(np.full(max(int(sizes.max(initial=0)), 1), 0x100000001B3,
                                dtype=np.uint64))
    path = np.add.reduceat(point * weight[step], offsets[:-1]) if len(sizes) else point[:0]
    ends = us.astype(np.uint64) * np.uint64(0xFF51AFD7ED558CCD) + vs.astype(np.uint64)
    return path ^ (ends * np.uint64(0xD6E8FEB86659FD93))


def _same_reversed(coords: np.ndarray, offsets: np.ndarray, edges: np.ndarray,
                   partners: np.ndarray) -> np.ndarray:
    """Per (edge, partner) of equal size: is the partner's geometry the edge's reversed?"""
    sizes = np.diff(offsets)[edges]
    owner = np.repeat(np.arange(len(edges)), sizes)
    step = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    mine = coords[offsets[edges][owner] + step]
    theirs = coords[offsets[partners][owner] + sizes[owner] - 1 - step]
    equal = np.all(mine == theirs, axis=1)
    return np.bincount(owner, weights=~equal, minlength=len(edges)) == 0


def _pair_one_by_one(us: np.ndarray, vs: np.ndarray, coords: np.ndarray, offsets: np.ndarray,
                     edges: np.ndarray) -> list[tuple[int, int]]:
    """Mutual pairs among ``edges`` (in edge order, first free candidate): the ways mapped
    twice, and any fingerprint that two geometries happen to share."""
    bounds = offsets.tolist()
    by_key: dict[tuple[int, int, bytes], list[int]] = {}
    for e in edges.tolist():
        key = (int(us[e]), int(vs[e]), coords[bounds[e]:bounds[e + 1]].tobytes())
        by_key.setdefault(key, []).append(e)
    partner: dict[int, int] = {}
    for e in edges.tolist():
        if e in partner:
            continue  # an earlier edge took this one as its opposite
        back = coords[bounds[e]:bounds[e + 1]][::-1].tobytes()
        for c in by_key.get((int(vs[e]), int(us[e]), back), ()):
            if c != e and c not in partner:
                partner[e], partner[c] = c, e
                break
    return list(partner.items())


def streets(net: WalkNetwork, merged: np.ndarray) -> list[dict[str, Any]]:
    """One entry per named street or square, placed on the middle of its longest edge (the
    first of equally long ones, in edge order)."""
    import shapely

    names = net.edge_tags.codes["name"]
    named = np.flatnonzero(names >= 0)
    order = named[np.lexsort((named, -net.edge_length[named], names[named]))]
    best = order[np.r_[True, names[order][1:] != names[order][:-1]]] if len(order) else order
    result = []
    for e in best.tolist():  # vocabulary order: sorted by name
        coords = net.edge_coords(e)
        if merged[e]:
            point = shapely.LineString(coords).interpolate(0.5, normalized=True)
            lat, lon = point.y, point.x
        else:
            u, v = net.edge_u[e], net.edge_v[e]
            lat = (net.node_lat[u] + net.node_lat[v]) / 2
            lon = (net.node_lon[u] + net.node_lon[v]) / 2
        result.append({"name": net.edge_tags.value("name", e), "kind": "street",
                       "category": str(net.edge_tags.value("highway", e)),
                       "lat": round(float(lat), 7), "lon": round(float(lon), 7),
                       "osm_id": f"way/{net.edge_tags.value('osmid', e)}", "tags": {}})
    return result
