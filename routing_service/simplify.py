"""Topological simplification of the walk graph on arrays, by osmnx's rules.

osmnx's ``simplify_graph`` visits a networkx graph node by node; on a city ten times
Kaiserslautern that took a minute and over a gigabyte. The same result here is a few numpy
passes over the segment arrays. The rules are osmnx's (2.1), so that the compiled graph stays
the one the tests and the cost rules were written against:

* a node is an *endpoint* if it loops to itself, lacks incoming or outgoing segments, does not
  have exactly two neighbours with two or four segments, carries a tag the walker is told
  about (``Segments.keep``), or its segments differ in any value cost or speech reads
  (``attr_class``);
* a *path* starts at an endpoint, goes to a neighbour that is no endpoint, and on through the
  one other neighbour of each node until it reaches an endpoint (or cannot go on); of parallel
  segments between two nodes the first inserted one is taken;
* every node inside a path is removed with all its segments; each path becomes one edge;
* weakly connected parts without any endpoint (rings) are dropped, then all but the largest
  part (ties: the part with the lowest OSM node id).

Edges come out in networkx's iteration order of osmnx's result: by start node, then by when
the end node became the start node's neighbour, then by insertion (``Simplified.order``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing_service.errors import OsmLoadError
from routing_service.segments import Segments


@dataclass
class Simplified:
    """Edges of the simplified graph; edge ``i`` walks segments
    ``path[offsets[i]:offsets[i + 1]]`` (one segment for an edge that was never merged)."""

    nodes: np.ndarray
    u: np.ndarray
    v: np.ndarray
    offsets: np.ndarray
    path: np.ndarray
    merged: np.ndarray


def endpoints(n: int, u: np.ndarray, v: np.ndarray, attr_class: np.ndarray,
              keep: np.ndarray) -> np.ndarray:
    """osmnx's endpoint rules for every node ``0..n-1`` at once."""
    out_deg = np.bincount(u, minlength=n)
    in_deg = np.bincount(v, minlength=n)
    loops = np.zeros(n, dtype=bool)
    loops[u[u == v]] = True
    ends = np.concatenate([u, v])
    others = np.concatenate([v, u])
    pairs = np.unique(ends * n + others)
    neighbours = np.bincount(pairs // n, minlength=n)
    degree = out_deg + in_deg
    classes = np.concatenate([attr_class, attr_class])
    low = np.full(n, np.iinfo(np.int64).max)
    high = np.full(n, -1)
    np.minimum.at(low, ends, classes)
    np.maximum.at(high, ends, classes)
    through = (neighbours == 2) & ((degree == 2) | (degree == 4))
    return loops | (out_deg == 0) | (in_deg == 0) | ~through | keep | (low != high)


class _FirstSegment:
    """The first inserted segment from ``a`` to ``b`` (osmnx takes it of parallel ones)."""

    def __init__(self, seg: Segments) -> None:
        self.n = seg.n_nodes
        key = seg.u * self.n + seg.v
        order = np.lexsort((seg.raw, key))
        first = np.r_[True, key[order][1:] != key[order][:-1]]
        self.keys, self.segments = key[order][first], order[first]

    def __call__(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Segment index per pair, -1 where no segment joins ``a`` to ``b``."""
        key = a * self.n + b
        at = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return np.where(self.keys[at] == key, self.segments[at], -1)


def _paths(seg: Segments, is_end: np.ndarray, first: _FirstSegment
           ) -> tuple[np.ndarray, np.ndarray]:
    """All paths as (path number, segment) rows, sorted by path, then along the path."""
    n = seg.n_nodes
    ends = np.concatenate([seg.u, seg.v])
    pairs = np.unique(ends * n + np.concatenate([seg.v, seg.u]))
    start = np.searchsorted(pairs // n, np.arange(n))
    # a node inside a path has exactly two neighbours: the path goes on to the other one
    head = seg.v
    inner = ~is_end[head]
    lo = pairs[np.minimum(start[head], len(pairs) - 1)] % n
    hi = pairs[np.minimum(start[head] + 1, len(pairs) - 1)] % n
    onward = np.where(seg.u == lo, hi, lo)
    following = np.where(inner, first(head, onward), -1)

    firsts = first.segments
    current = firsts[is_end[seg.u[firsts]] & ~is_end[seg.v[firsts]]]
    number = np.arange(len(current))
    numbers, steps, segments = [number], [np.zeros(len(current), dtype=np.int64)], [current]
    for step in range(1, len(seg.u) + 1):  # a path never repeats a segment
        onto = following[current]
        current, number = onto[onto >= 0], number[onto >= 0]
        if len(current) == 0:
            break
        numbers.append(number)
        steps.append(np.full(len(current), step))
        segments.append(current)
    path_no, along, segs = (np.concatenate(c) for c in (numbers, steps, segments))
    order = np.lexsort((along, path_no))
    return path_no[order], segs[order]


def simplify(seg: Segments) -> Simplified:
    """Merge the paths between endpoints; drop rings and all but the largest part."""
    n = seg.n_nodes
    is_end = endpoints(n, seg.u, seg.v, seg.attr_class, seg.keep)
    first = _FirstSegment(seg)
    path_no, segs = _paths(seg, is_end, first)
    length = np.bincount(path_no)
    path_offsets = np.concatenate([[0], np.cumsum(length)])
    starts, last = segs[path_offsets[:-1]], segs[path_offsets[1:] - 1]
    inner = np.ones(len(segs), dtype=bool)
    inner[path_offsets[1:] - 1] = False
    removed = np.zeros(n, dtype=bool)
    removed[seg.v[segs[inner]]] = True

    # the segments that stay as they are, and the merged paths whose end node stays
    direct = np.flatnonzero(~removed[seg.u] & ~removed[seg.v])
    kept = ~removed[seg.v[last]]
    eu = np.concatenate([seg.u[direct], seg.u[starts[kept]]])
    ev = np.concatenate([seg.v[direct], seg.v[last[kept]]])
    sizes = np.concatenate([np.ones(len(direct), dtype=np.int64), length[kept]])
    edges = Simplified(
        nodes=np.flatnonzero(~removed), u=eu, v=ev,
        offsets=np.concatenate([[0], np.cumsum(sizes)]),
        path=np.concatenate([direct, segs[kept[path_no]]]),
        merged=np.repeat([False, True], [len(direct), int(kept.sum())]))
    edges = _take(edges, _osmnx_order(seg, first, direct, starts[kept], eu, ev), edges.nodes)
    return _largest_part(seg, edges)


def _osmnx_order(seg: Segments, first: _FirstSegment, direct: np.ndarray, path_starts: np.ndarray,
                 eu: np.ndarray, ev: np.ndarray) -> np.ndarray:
    """Edge order of osmnx's result graph: start node; the end node's place among the start
    node's neighbours (when it first became one); insertion order within that neighbour.

    A merged edge is added after every original segment: into the neighbour entry of a
    segment that already joins the same two nodes, else as a new neighbour, in the order the
    start node's neighbours were walked (the neighbour rank of the path's first segment).
    """
    late = seg.n_raw
    walked = seg.pair_rank[path_starts]
    existing = first(eu[len(direct):], ev[len(direct):])
    pos_direct = seg.pair_rank[direct]
    pos_merged = np.where(existing >= 0, seg.pair_rank[np.maximum(existing, 0)], late + walked)
    # several new paths to the same neighbour share the entry of the first one walked
    fresh = existing < 0
    if fresh.any():
        key = eu[len(direct):][fresh] * seg.n_nodes + ev[len(direct):][fresh]
        uniq, inv = np.unique(key, return_inverse=True)
        earliest = np.full(len(uniq), np.iinfo(np.int64).max)
        np.minimum.at(earliest, inv, walked[fresh])
        pos_merged[fresh] = late + earliest[inv]
    position = np.concatenate([pos_direct, pos_merged])
    within = np.concatenate([seg.raw[direct], late + walked])
    return np.lexsort((within, position, eu))


def _take(edges: Simplified, idx: np.ndarray, nodes: np.ndarray) -> Simplified:
    """Edges ``idx`` (in that order) with their paths, over ``nodes``."""
    sizes = np.diff(edges.offsets)[idx]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    take = np.repeat(edges.offsets[:-1][idx] - offsets[:-1], sizes) + np.arange(offsets[-1])
    return Simplified(nodes=nodes, u=edges.u[idx], v=edges.v[idx], offsets=offsets,
                      path=edges.path[take], merged=edges.merged[idx])


def _largest_part(seg: Segments, edges: Simplified) -> Simplified:
    """Drop parts without any endpoint (rings), then keep the largest part."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = seg.n_nodes
    alive = np.zeros(n, dtype=bool)
    alive[edges.nodes] = True
    first_seg = edges.path[edges.offsets[:-1]]
    is_end = endpoints(n, edges.u, edges.v, seg.attr_class[first_seg], seg.keep)
    adjacency = coo_matrix((np.ones(len(edges.u), dtype=np.int8), (edges.u, edges.v)),
                           shape=(n, n))
    _, label = connected_components(adjacency, directed=True, connection="weak")
    with_end = np.zeros(label.max() + 1 if n else 0, dtype=bool)
    with_end[label[alive & is_end]] = True
    alive &= with_end[label]
    if not alive.any():
        raise OsmLoadError("no walkable ways left after simplification",
                           "Nach der Vereinfachung bleiben keine begehbaren Wege")
    nodes = np.flatnonzero(alive)
    size = np.bincount(label[nodes])
    biggest = np.flatnonzero(size == size.max())
    # ties: networkx meets the part of the lowest node first (nodes are in OSM id order)
    chosen = label[nodes[np.isin(label[nodes], biggest)][0]]
    part = nodes[label[nodes] == chosen]
    return _take(edges, np.flatnonzero(label[edges.u] == chosen), part)
