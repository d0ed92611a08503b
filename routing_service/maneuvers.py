"""A path becomes the walker's maneuvers: decision points only, as ``ManeuverFacts`` plus text.

A node is a decision point when the walker has a choice (three or more ways meet) and turns or the
street changes, or when something there must be announced whatever the angle: a crossing, the
start of steps, a barrier or raised kerb, the edge of an open square, the start of tactile paving,
an obstacle from an overlay. A straight walk through a two-way node is never a maneuver.
Angles are measured over the first/last metres of the ways (not one short OSM segment), so
a kink in the drawing next to a junction does not turn "straight" into "slight left".
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import shapely
from shapely.ops import substring

from accessibility.facts import FIELD_DEFAULTS, ManeuverFacts
from accessibility.phrasing import maneuver_text, turn_from_angle
from accessibility.units import clock_from_angle, compass_point
from routing_service.compiled import WalkNetwork
from routing_service.costs import EdgeFeatures
from routing_service.ingest import CROSSING, SQUARE
from routing_service.junctions import JunctionFilter
from routing_service.nearby import GridIndex
from routing_service.overlays import Overlay
from routing_service.pathfind import Piece

log = logging.getLogger(__name__)

#: how far along a way its direction is measured (metres)
BEARING_REACH_M = 10.0
#: a destination closer than this to the way is "on" it: no left/right side is given
SIDE_MIN_OFFSET_M = 1.5
#: pieces shorter than this (snapping exactly onto a node) are dropped
MIN_PIECE_M = 0.05
ROADS = frozenset({"primary", "primary_link", "secondary", "secondary_link", "tertiary",
                   "tertiary_link", "residential", "unclassified", "service", "living_street",
                   "road", "track"})
#: a named place this close to a turn is given as its landmark (metres); at the arrival only a
#: place at the requested point itself (the destination), never a shop nearby instead of it
LANDMARK_RADIUS_M = {"turn": 20.0, "continue": 20.0, "arrive": 5.0}
#: a crossing that starts this close after another one starts on a traffic island (metres)
ISLAND_MAX_M = 12.0
#: another way leaving a junction this close to the chosen one makes a slight bend a choice
AMBIGUOUS_DEG = 45.0
#: when several things happen at one node they become separate maneuvers (one idea per
#: message), in this order: the hazard at the node, the turn, then what the new way is
SAY_ORDER = ("barrier", "turn", "cross", "steps", "open_square", "tactile_paving")


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
    #: heading at the start and at the end of each piece (filled by the describer)
    head_start: list[float] = field(default_factory=list)
    head_end: list[float] = field(default_factory=list)

    def piece_xy(self, i: int) -> np.ndarray:
        """Projected points of piece i (a view into the joined line)."""
        stop = self.starts[i + 1] + 1 if i + 1 < len(self.starts) else len(self.joined_xy)
        return self.joined_xy[self.starts[i]:stop]


def build_leg(net: WalkNetwork, pieces: list[Piece]) -> Leg:
    """Cut partial edges to the snapped points and join the pieces into one line.

    Whole edges are gathered from the network's projected coordinates in one index operation
    (a long route has 150 pieces; slicing and joining them one by one cost a tenth of a route);
    only the cut ones (the first and the last) go through shapely.
    """
    index, offsets = net.index, net.geom_offsets
    edges = np.fromiter((p.edge for p in pieces), dtype=np.int64, count=len(pieces))
    share = np.fromiter((p.end - p.start for p in pieces), dtype=np.float64, count=len(pieces))
    walked = net.edge_length[edges] * share
    keep = walked >= MIN_PIECE_M
    if not keep.any():  # origin and destination on the same spot
        keep[0] = True
    kept = [p for p, k in zip(pieces, keep.tolist(), strict=True) if k]
    lengths = walked[keep].tolist()
    edges = edges[keep]
    first, size = offsets[edges], offsets[edges + 1] - offsets[edges]
    cut = {}
    for i, p in enumerate(kept):
        if p.start > 0 or p.end < 1:
            part = shapely.get_coordinates(
                substring(index.lines[p.edge], p.start, p.end, normalized=True))
            cut[i] = part if len(part) >= 2 else np.vstack([part, part])
            first[i], size[i] = 0, len(cut[i])  # gathered as a placeholder, overwritten below
    # each piece after the first repeats the node it starts at: it is left out of the line
    skip = np.ones(len(kept), dtype=np.int64)
    skip[0] = 0
    take = size - skip
    ends = np.cumsum(take)
    begins = ends - take
    gather = np.repeat(first + skip - begins, take) + np.arange(ends[-1])
    joined_xy = index.xy[gather]
    for i, part in cut.items():
        joined_xy[begins[i]:ends[i]] = part[skip[i]:]
    lat, lon = index.proj.inverse(joined_xy[:, 0], joined_xy[:, 1])
    return Leg(np.column_stack((lon, lat)), joined_xy, (begins - skip).tolist(), lengths, kept)


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


def _signed(angle: float) -> float:
    return (angle + 180.0) % 360.0 - 180.0


class Describer:
    """Turns a ``Leg`` into maneuver dicts (facts + text + position fields)."""

    def __init__(self, net: WalkNetwork, features: EdgeFeatures, degree: np.ndarray) -> None:
        # plain Python lists: a route looks up hundreds of single values, and list indexing is
        # several times faster than indexing numpy arrays one element at a time
        self.net = net
        et, nt = net.edge_tags, net.node_tags
        self.degree = degree.tolist()
        self.edge_u, self.edge_v = net.edge_u.tolist(), net.edge_v.tolist()
        self.name = et.column("name").tolist()
        self.highway = et.column("highway").tolist()
        self.crossing_way = (et.isin("footway", {"crossing"}) | et.isin("highway", {"crossing"})
                             ).tolist()
        self.way_crossing = et.column(CROSSING).tolist()
        self.square = et.column(SQUARE).tolist()
        self.steps = features.steps.tolist()
        self.tactile = features.tactile.tolist()
        self.node_crossing = nt.column(CROSSING).tolist()
        self.barrier = nt.column("barrier").tolist()
        self.kerb = nt.column("kerb").tolist()
        head_start, head_end = edge_headings(net.index.xy, net.geom_offsets)
        self.head_start, self.head_end = head_start.tolist(), head_end.tolist()
        by_node = np.argsort(net.edge_u, kind="stable")
        bounds = np.cumsum(np.bincount(net.edge_u, minlength=net.n_nodes))[:-1]
        self.out_edges = [part.tolist() for part in np.split(by_node, bounds)]
        self.edge_rev = net.edge_rev.tolist()
        self.junctions = JunctionFilter(net, features, degree,
                                        np.array(self.crossing_way, dtype=bool))
        # landmarks: named places that are not streets (shops, stops, fountains, churches)
        self.landmarks = [p["name"] for p in net.places if p["kind"] != "street"]
        self.landmark_categories = [p.get("category") for p in net.places if p["kind"] != "street"]
        lonlat = np.array([[p["lon"], p["lat"]] for p in net.places if p["kind"] != "street"])
        self.landmark_grid = GridIndex(net.index.proj.forward(lonlat),
                                       max(LANDMARK_RADIUS_M.values())) if len(lonlat) else None

    def _add_landmarks(self, found: list[tuple[int, dict[str, Any]]], leg: Leg,
                       destination: tuple[float, float]) -> None:
        """Name the nearest place at turns and at the destination (a grid lookup each)."""
        wanted = [k for k, (_, f) in enumerate(found) if f["type"] in LANDMARK_RADIUS_M]
        if not wanted or self.landmark_grid is None:
            return
        n = len(leg.pieces)
        # where each maneuver happens: the start of its piece, or the requested destination
        points = leg.joined_xy[[leg.starts[min(found[k][0], n - 1)] for k in wanted]]
        if found[wanted[-1]][0] == n:
            points[-1] = self._target_xy(destination)
        radius = [LANDMARK_RADIUS_M[found[k][1]["type"]] for k in wanted]
        near = [self.landmark_grid.nearest(x, y, r)
                for (x, y), r in zip(points.tolist(), radius, strict=True)]
        last = None
        for k, (d, i), r in zip(wanted, near, radius, strict=True):
            landmark = self.landmarks[i] if d <= r else None
            # the same shop at three turns in a row helps nobody: name it once
            if landmark is not None and landmark != last:
                found[k][1]["landmark"] = landmark
                found[k][1]["landmark_category"] = self.landmark_categories[i]
            last = landmark

    def _measure_headings(self, leg: Leg) -> None:
        """Headings of every piece, looked up once per route (the junction loop reads each
        twice); only the first and the last piece can be cut and are measured on their part."""
        leg.head_start = [self.head_start[p.edge] for p in leg.pieces]
        leg.head_end = [self.head_end[p.edge] for p in leg.pieces]
        for i in {0, len(leg.pieces) - 1}:
            if leg.pieces[i].start > 0.0 or leg.pieces[i].end < 1.0:
                leg.head_start[i] = _heading(leg.piece_xy(i), from_end=False)
                leg.head_end[i] = _heading(leg.piece_xy(i), from_end=True)

    def describe(self, leg: Leg, lang: str, touched: dict[int, list[Overlay]],
                 destination: tuple[float, float]) -> list[dict[str, Any]]:
        pieces, net = leg.pieces, self.net
        self._measure_headings(leg)
        at = np.r_[0.0, np.cumsum(leg.lengths)]
        first = pieces[0].edge
        found: list[tuple[int, dict[str, Any]]] = [(0, dict(
            type="depart", street=self.name[first], tactile_paving=self.tactile[first],
            surface=net.edge_tags.value("surface", first),
            compass=compass_point(leg.head_start[0])))]
        seen_overlays: set[str] = set()
        found += self._hazards(0, first, touched, seen_overlays)
        if touched:  # an overlay can touch any piece: look at every junction and piece
            for i in range(1, len(pieces)):
                found += [(i, facts) for facts in self._junction(leg, i)]
                found += self._hazards(i, pieces[i].edge, touched, seen_overlays)
        else:
            for i in self._may_speak(leg).tolist():
                found += [(i, facts) for facts in self._junction(leg, i)]
        found.append((len(pieces), self._arrival(leg, destination)))
        self._add_landmarks(found, leg, destination)
        at_list, coords, n = at.tolist(), leg.coords.tolist(), len(pieces)
        found = _street_changes_only(found)
        _mark_islands(found, at_list)

        out: list[dict[str, Any]] = []
        for k, (i, fields) in enumerate(found):
            next_at = at_list[found[k + 1][0]] if k + 1 < len(found) else at_list[i]
            point = leg.starts[i] if i < n else len(coords) - 1
            distance = max(next_at - at_list[i], 0.0)
            # the facts' fields in their order, then what to say and where (the body's keys)
            body = {**FIELD_DEFAULTS, **fields, "distance_m": distance}
            # our own closed-vocabulary values: no re-validation (ManeuverFacts.trusted)
            facts = ManeuverFacts.trusted(body)
            bearing = leg.head_start[i] if i < n else leg.head_end[n - 1]
            lon, lat = coords[point]
            body["distance_m"] = round(distance, 1)
            body["text"] = maneuver_text(facts, lang=lang, form="at")
            body["at_m"] = round(at_list[i], 1)
            body["bearing_deg"] = round(bearing, 1)
            body["location"] = {"lat": round(lat, 7), "lon": round(lon, 7)}
            body["geometry_index"] = int(point)
            out.append(body)
        return out

    def _may_speak(self, leg: Leg) -> np.ndarray:
        """Indices i >= 1 of the pieces whose junction (with piece i-1) may need a maneuver."""
        edges = np.fromiter((p.edge for p in leg.pieces), dtype=np.int64, count=len(leg.pieces))
        return self.junctions.may_speak(edges, leg.head_start, leg.head_end)

    def _junction(self, leg: Leg, i: int) -> list[dict[str, Any]]:
        """The maneuvers at the node between piece i-1 and piece i (usually none)."""
        prev, cur = leg.pieces[i - 1].edge, leg.pieces[i].edge
        node = self.edge_u[cur]
        types = set()
        crossing = None
        if self.crossing_way[cur] and not self.crossing_way[prev]:
            # the crossing node in the middle knows more (sound, vibration) than the way
            crossing = self.node_crossing[self.edge_v[cur]] or self.way_crossing[cur] \
                or "unmarked"
        elif self.node_crossing[node] is not None and not self.crossing_way[prev] and \
                self.highway[prev] not in ROADS and self.highway[cur] not in ROADS:
            crossing = self.node_crossing[node]
        if crossing:
            types.add("cross")
        steps = self.steps[cur] and not self.steps[prev]
        if steps:
            types.add("steps")
        barrier, kerb = self.barrier[node], self.kerb[node]
        if barrier or kerb in ("raised", "rolled"):
            types.add("barrier")
        if self.square[cur] is not None and self.square[prev] is None:
            types.add("open_square")
        if self.tactile[cur] and not self.tactile[prev]:
            types.add("tactile_paving")
        if not types and self.degree[node] < 3:
            return []  # no choice and nothing to announce: not a decision point
        out_heading = leg.head_start[i]
        angle = _signed(out_heading - leg.head_end[i - 1])
        turn = turn_from_angle(angle)
        if self.degree[node] >= 3:
            if turn.startswith("slight") and self.name[cur] == self.name[prev] and \
                    self.name[cur] is not None and self._unambiguous(node, prev, cur, out_heading):
                pass  # following the street's gentle bend, no other way close to it: no choice
            elif turn != "straight":
                types.add("turn")
            elif self.name[cur] != self.name[prev] and self.name[cur] is not None and \
                    not types:
                types.add("continue")
        if not types:
            return []  # straight on at a junction, nothing to announce (most junctions)
        tags = self.net.edge_tags
        facts = dict(
            turn=turn, angle_deg=round(angle, 1), clock=clock_from_angle(angle),
            street=self.name[cur], crossing=crossing,
            step_count=_int(tags.value("step_count", cur)) if steps else None,
            handrail=self._handrail(cur) if steps else None,
            steps_direction=self._steps_direction(cur) if steps else None,
            tactile_paving=self.tactile[cur], barrier=barrier or ("kerb" if kerb else None),
            kerb=kerb, surface=tags.value("surface", cur))
        return [dict(facts, type=kind) for kind in (*SAY_ORDER, "continue") if kind in types]

    def _unambiguous(self, node: int, prev: int, cur: int, heading: float) -> bool:
        """True if no other way leaves ``node`` within AMBIGUOUS_DEG of the chosen heading."""
        came_back = self.edge_rev[prev]
        for e in self.out_edges[node]:
            if e in (cur, came_back):
                continue
            if abs(_signed(self.head_start[e] - heading)) < AMBIGUOUS_DEG:
                return False
        return True

    def _hazards(self, i: int, edge: int, touched: dict[int, list[Overlay]],
                 seen: set[str]) -> list[tuple[int, dict[str, Any]]]:
        """One hazard maneuver per penalty overlay, where the route first meets it."""
        out = []
        for overlay in touched.get(edge, []):
            if overlay.id in seen or overlay.effect != "penalty":
                continue
            seen.add(overlay.id)
            text = overlay.description or {"de": overlay.kind, "en": overlay.kind}
            out.append((i, dict(type="hazard", hazard_text=dict(text), street=self.name[edge])))
        return out

    def _arrival(self, leg: Leg, destination: tuple[float, float]) -> dict[str, Any]:
        """Arrive; the side is where the requested point lies relative to the last heading."""
        end_xy = leg.joined_xy[-1]
        target = self._target_xy(destination)
        heading = math.radians(leg.head_end[-1])
        dx, dy = target - end_xy
        side = None
        if math.hypot(dx, dy) >= SIDE_MIN_OFFSET_M:
            cross = math.sin(heading) * dy - math.cos(heading) * dx  # > 0: target to the left
            side = "left" if cross > 0 else "right"
        return dict(type="arrive", side=side, street=self.name[leg.pieces[-1].edge])

    def _target_xy(self, destination: tuple[float, float]) -> np.ndarray:
        lat, lon = destination
        return self.net.index.proj.forward(np.array([[lon, lat]]))[0]

    def _handrail(self, e: int) -> str | None:
        tags = self.net.edge_tags
        left = tags.value("handrail:left", e) == "yes"
        right = tags.value("handrail:right", e) == "yes"
        if left and right:
            side = "both"
        elif left or right:
            side = "left" if left else "right"
            if tags.value("reversed", e) == "True":  # walking the way backwards swaps sides
                side = "right" if left else "left"
        elif tags.value("handrail", e) == "no":
            side = "none"
        else:
            side = None  # "yes" without a side: say nothing rather than guess a side
        return side

    def _steps_direction(self, e: int) -> str | None:
        incline = self.net.edge_tags.value("incline", e)
        if incline not in ("up", "down"):
            return None
        if self.net.edge_tags.value("reversed", e) == "True":
            return "down" if incline == "up" else "up"
        return incline


def _street_changes_only(found: list[tuple[int, dict[str, Any]]],
                         ) -> list[tuple[int, dict[str, Any]]]:
    """No "turn onto X" while already on X: a turn names its street only when it changes, and
    "straight on" back onto the street one is on is no maneuver at all."""
    current = found[0][1].get("street") if found else None
    kept = found[:1]
    for i, facts in found[1:]:
        if facts["type"] in ("turn", "continue", "open_square") and \
                facts.get("street") is not None:
            if facts["street"] == current:
                facts["street"] = None
                if facts["type"] == "continue":
                    continue
            else:
                current = facts["street"]
        kept.append((i, facts))
    return kept


def _mark_islands(found: list[tuple[int, dict[str, Any]]], at: list[float]) -> None:
    """A crossing right after another one starts on a traffic island: the second half of a
    split crossing is said on its own, at the island."""
    last_cross_at: float | None = None
    for i, facts in found:
        if facts["type"] != "cross":
            continue
        here = at[min(i, len(at) - 1)]
        if last_cross_at is not None and here - last_cross_at <= ISLAND_MAX_M:
            facts["island"] = True
        last_cross_at = here


def _int(value: str | None) -> int | None:
    """A count tag as a number; None for anything a person should not be told ("12;14", -3)."""
    try:
        number = int(value) if value is not None else None
    except ValueError:
        return None
    return number if number is None or number >= 0 else None
