"""The geometry of a found path: pieces of edges joined into one line, and headings along it.

Whole edges are gathered from the network's projected coordinates in one index operation; only
the first and the last piece can be cut part-way (at the snapped points). Headings are measured
over the first/last metres of a way (``BEARING_REACH_M``), once per network for whole edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from routing_service.compiled import WalkNetwork
from routing_service.pathfind import Path, Piece

#: how far along a way its direction is measured (metres)
BEARING_REACH_M = 10.0
#: pieces shorter than this (snapping exactly onto a node) are dropped
MIN_PIECE_M = 0.05


@dataclass
class Leg:
    """Geometry of a path: route coordinates (lon, lat) and where each piece starts."""

    coords: np.ndarray
    #: the route's projected coordinates (metres), joined like ``coords``
    joined_xy: np.ndarray
    #: index into the joined line of each piece's first point (the node it starts at)
    starts: list[int]
    lengths: list[float]
    pieces: list[Piece]
    #: the directed edge of each piece (as an array, for lookups over the whole route at once)
    edges: np.ndarray
    #: heading at the start and at the end of each piece (filled by the describer)
    head_start: list[float] = field(default_factory=list)
    head_end: list[float] = field(default_factory=list)

    def piece_xy(self, i: int) -> np.ndarray:
        """Projected points of piece i (a view into the joined line)."""
        stop = self.starts[i + 1] + 1 if i + 1 < len(self.starts) else len(self.joined_xy)
        return self.joined_xy[self.starts[i]:stop]


def build_leg(net: WalkNetwork, path: Path) -> Leg:
    """Cut partial edges to the snapped points and join the pieces into one line.

    Whole edges are gathered from the network's projected coordinates in one index operation
    (a long route has 150 pieces; slicing and joining them one by one cost a tenth of a route);
    only the cut ones (the first and the last) are cut (``_cut``).
    """
    index, offsets, pieces = net.index, net.geom_offsets, path.pieces
    edges, share = path.arrays()
    walked = net.edge_length[edges] * share
    keep = walked >= MIN_PIECE_M
    if keep.all():
        kept, lengths = pieces, walked.tolist()
    else:
        if not keep.any():  # origin and destination on the same spot
            keep[0] = True
        kept = [p for p, k in zip(pieces, keep.tolist(), strict=True) if k]
        edges = edges[keep]
        lengths = walked[keep].tolist()
    first, size = offsets[edges], index.sizes[edges]
    cut = {}
    for i in sorted({0, len(kept) - 1}):  # only the ends of a path can be cut part-way
        p = kept[i]
        if p.start > 0 or p.end < 1:
            cut[i] = _cut(index.xy[offsets[p.edge]:offsets[p.edge + 1]], p.start, p.end)
            first[i], size[i] = 0, len(cut[i])  # gathered as a placeholder, overwritten below
    # each piece after the first repeats the node it starts at: it is left out of the line
    take = size - 1
    take[0] += 1
    ends = take.cumsum()
    begins = ends - take
    starts = begins - 1  # where each piece's first point (its start node) is in the line
    starts[0] = 0
    gather = (first - starts).repeat(take) + np.arange(ends[-1])
    joined_xy = index.xy[gather]
    coords = index.lonlat[gather]  # the projected points taken back, gathered the same way
    proj = index.proj
    for i, part in cut.items():
        tail = part[1:] if i else part
        joined_xy[begins[i]:ends[i]] = tail
        # ``proj.inverse``'s arithmetic on the few points of a cut piece, in plain floats
        coords[begins[i]:ends[i]] = [[proj.lon0 + x / proj.kx, proj.lat0 + y / proj.ky]
                                     for x, y in tail.tolist()]
    return Leg(coords, joined_xy, starts.tolist(), lengths, kept, edges)


def _cut(xy: np.ndarray, start: float, end: float) -> np.ndarray:
    """The part of an edge between two fractions of its length, as at least two points.

    The same points as ``shapely.ops.substring(line, start, end, normalized=True)`` for
    0 <= start <= end <= 1 (its rules, and GEOS's arithmetic for the length and the two
    interpolated ends), in plain floats on the edge's coordinates: no geometry is built.
    """
    coords = xy.tolist()
    # GEOS's segment lengths (``Length::ofLine`` sums them in order; the interpolation walks them)
    seg = [math.sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay))
           for (ax, ay), (bx, by) in pairwise(coords)]
    length = 0.0
    for part in seg:
        length += part
    if start == end or start >= 1:
        point = _interpolate(coords, seg, min(start, 1.0) * length)
        return np.array([point, point])
    start_m, end_m = start * length, end * length
    points = [_interpolate(coords, seg, start_m)]
    start_m = max(start_m, 0)
    walked = 0
    for (x1, y1), (x2, y2) in pairwise(coords):  # substring's own arithmetic for the vertices
        if start_m < walked < end_m:
            points.append([x1, y1])
        elif walked >= end_m:
            break
        walked += ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    points.append(_interpolate(coords, seg, end_m))
    return np.array(points)


def _interpolate(pts: list[list[float]], seg: list[float], along: float) -> list[float]:
    """The point ``along`` metres down a line of segments ``seg`` long, as GEOS places it
    (``LengthIndexedLine::extractPoint``: ``LengthLocationMap``, then
    ``pointAlongSegmentByFraction``)."""
    if along <= 0.0:
        return pts[0]
    total = 0.0
    for k, seg_len in enumerate(seg):
        if total + seg_len > along:
            (ax, ay), (bx, by) = pts[k], pts[k + 1]
            frac = (along - total) / seg_len
            if frac <= 0.0:
                return [ax, ay]
            if frac >= 1.0:
                return [bx, by]
            return [(bx - ax) * frac + ax, (by - ay) * frac + ay]
        total += seg_len
    return pts[-1]


def _bearing(dx: float, dy: float) -> float:
    return math.degrees(math.atan2(dx, dy)) % 360


def _heading(xy: np.ndarray, from_end: bool) -> float:
    """Direction of travel over the first (or last) BEARING_REACH_M of a piece.

    Plain Python: it walks a few points of the first or last (cut) piece of a route, where
    half a dozen numpy calls on tiny arrays cost five times as much.
    """
    pts = (xy[::-1] if from_end else xy).tolist()
    far, walked = pts[-1], 0.0
    for (x0, y0), (x1, y1) in pairwise(pts):
        walked += math.hypot(x1 - x0, y1 - y0)
        if walked >= BEARING_REACH_M:
            far = [x1, y1]
            break
    (fx, fy), (sx, sy) = far, pts[0]
    return _bearing(fx - sx, fy - sy) if not from_end else _bearing(sx - fx, sy - fy)


def edge_headings(xy: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Heading (degrees) at the start and at the end of every edge, over BEARING_REACH_M.

    Vectorised once per network so a route looks headings up instead of measuring them.
    """
    seg = np.r_[0.0, np.hypot(*np.diff(xy, axis=0).T)]
    walked = np.cumsum(seg)  # jumps between edges do no harm: indices are clipped per edge
    first, last = offsets[:-1], offsets[1:] - 1
    ahead = np.minimum(np.searchsorted(walked, walked[first] + BEARING_REACH_M), last)
    behind = np.maximum(np.searchsorted(walked, walked[last] - BEARING_REACH_M, "right") - 1,
                        first)
    d_start, d_end = xy[ahead] - xy[first], xy[last] - xy[behind]
    return (np.degrees(np.arctan2(d_start[:, 0], d_start[:, 1])) % 360,
            np.degrees(np.arctan2(d_end[:, 0], d_end[:, 1])) % 360)
