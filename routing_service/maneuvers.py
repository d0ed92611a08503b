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
from itertools import accumulate
from operator import itemgetter
from typing import Any

import numpy as np

from accessibility.facts import FIELD_DEFAULTS, ManeuverFacts
from accessibility.phrasing import AT_FIELD_NAMES, maneuver_text, turn_from_angle
from accessibility.units import clock_from_angle, compass_point
from routing_service.compiled import WalkNetwork
from routing_service.costs import EdgeFeatures
from routing_service.ingest import CROSSING, SQUARE
from routing_service.junctions import JunctionFilter
from routing_service.landmarks import Landmarks
from routing_service.leg import Leg, _heading, edge_headings
from routing_service.overlays import Overlay

log = logging.getLogger(__name__)

#: a destination closer than this to the way is "on" it: no left/right side is given
SIDE_MIN_OFFSET_M = 1.5
ROADS = frozenset({"primary", "primary_link", "secondary", "secondary_link", "tertiary",
                   "tertiary_link", "residential", "unclassified", "service", "living_street",
                   "road", "track"})
#: a crossing that starts this close after another one starts on a traffic island (metres)
ISLAND_MAX_M = 12.0
#: another way leaving a junction this close to the chosen one makes a slight bend a choice
AMBIGUOUS_DEG = 45.0
#: when several things happen at one node they become separate maneuvers (one idea per
#: message), in this order: the hazard at the node, the turn, then what the new way is
SAY_ORDER = ("barrier", "turn", "cross", "steps", "open_square", "tactile_paving")
#: junctions (pairs of whole edges) whose maneuvers are remembered (as ready dicts to copy,
#: about 550 bytes each: 3.3 MB at most per worker); then the memory starts afresh
JUNCTION_MEMO_SIZE = 6_000
#: maneuver texts remembered by the facts the phrasing reads (about 250 bytes each: 1 MB at
#: most); then afresh
TEXT_MEMO_SIZE = 4_000
#: the facts an "at" text is made of (the angle too when there is no turn word): the phrasing
#: reads no others, so maneuvers that differ only in angle, clock or surface share one text
_SAID_BY = itemgetter(*AT_FIELD_NAMES)


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
        self.surface = et.column("surface").tolist()
        self.steps = features.steps.tolist()
        self.tactile = features.tactile.tolist()
        self.node_crossing = nt.column(CROSSING).tolist()
        self.barrier = nt.column("barrier").tolist()
        self.kerb = nt.column("kerb").tolist()
        self.head_start_deg, self.head_end_deg = edge_headings(net.index.xy, net.geom_offsets)
        self.head_start = self.head_start_deg.tolist()
        by_node = np.argsort(net.edge_u, kind="stable")
        bounds = np.cumsum(np.bincount(net.edge_u, minlength=net.n_nodes))[:-1]
        self.out_edges = [part.tolist() for part in np.split(by_node, bounds)]
        self.edge_rev = net.edge_rev.tolist()
        self.junctions = JunctionFilter(net, features, degree,
                                        np.array(self.crossing_way, dtype=bool))
        self.landmarks = Landmarks(net)
        # what a route says at a junction between two whole edges, and the rounded bearing and
        # place of a maneuver at a node, do not depend on the route: remembered once computed
        self._junction_memo: dict[tuple[int, int], tuple[dict[str, Any], ...]] = {}
        #: what is said for a maneuver, by (language, its facts' values)
        self._texts: dict[tuple[Any, ...], str] = {}
        self._bearing: list[float | None] = [None] * net.n_edges
        self._location: list[tuple[float, float] | None] = [None] * net.n_nodes

    def _measure_headings(self, leg: Leg) -> np.ndarray:
        """Headings of every piece, looked up once per route (the junction loop reads each
        twice); only the first and the last piece can be cut and are measured on their part.
        Returns the start and end headings as one (2, n) array too, for the junction filter."""
        heads = np.stack((self.head_start_deg[leg.edges], self.head_end_deg[leg.edges]))
        for i in {0, len(leg.pieces) - 1}:
            if leg.pieces[i].start > 0.0 or leg.pieces[i].end < 1.0:
                heads[0, i] = _heading(leg.piece_xy(i), from_end=False)
                heads[1, i] = _heading(leg.piece_xy(i), from_end=True)
        leg.head_start, leg.head_end = heads.tolist()
        return heads

    def describe(self, leg: Leg, lang: str, touched: dict[int, list[Overlay]],
                 destination: tuple[float, float]) -> list[dict[str, Any]]:
        pieces, n = leg.pieces, len(leg.pieces)
        target_xy = self._target_xy(destination)
        heads = self._measure_headings(leg)
        # metres walked before each piece (the same sums as numpy's cumsum, in plain floats)
        at_list = [0.0, *accumulate(leg.lengths)]
        first = pieces[0].edge
        # every maneuver is a dict of all the facts' fields, in their order, from the start
        found: list[tuple[int, dict[str, Any]]] = [(0, _facts(
            type="depart", street=self.name[first], tactile_paving=self.tactile[first],
            surface=self.surface[first], compass=compass_point(leg.head_start[0])))]
        seen_overlays: set[str] = set()
        found += self._hazards(0, first, touched, seen_overlays)
        if touched:  # an overlay can touch any piece: look at every junction and piece
            for i in range(1, n):
                found += [(i, facts) for facts in self._junction_at(leg, i)]
                found += self._hazards(i, pieces[i].edge, touched, seen_overlays)
        else:
            memo, junction_at = self._junction_memo, self._junction_at
            for i in self._may_speak(leg, heads).tolist():
                prev, cur = pieces[i - 1], pieces[i]
                said = memo.get((prev.edge, cur.edge)) \
                    if prev.start == 0.0 and cur.end == 1.0 else None
                if said is None:  # not remembered, or a cut piece: ``_junction_at`` decides
                    found += [(i, facts) for facts in junction_at(leg, i)]
                else:
                    found += [(i, facts.copy()) for facts in said]
        found.append((n, self._arrival(leg, target_xy)))
        self.landmarks.add(found, leg, target_xy)
        found = _street_changes_only(found)
        _mark_islands(found, at_list)
        # where each maneuver is: the start of its piece, or the end of the line
        points = [leg.starts[i] if i < n else len(leg.coords) - 1 for i, _ in found]
        lonlat = leg.coords[points].tolist()
        # from the second junction on (or the first, when the first piece is whole) a maneuver
        # stands on a node, and a whole piece's bearing is its edge's
        first_whole = pieces[0].start == 0.0
        edge_u, bearings, locations = self.edge_u, self._bearing, self._location
        head_start, last_end = leg.head_start, leg.head_end[n - 1]
        trusted = ManeuverFacts.trusted

        ends = [i for i, _ in found[1:]]
        ends.append(found[-1][0])
        texts = self._texts
        for k, (i, body) in enumerate(found):
            # then what to say and where (the body's keys after the facts'); what is said
            # depends on the facts the phrasing reads alone (``_SAID_BY``; the distance is not
            # said at the point, and not set yet)
            said = (lang, _SAID_BY(body), body["angle_deg"] if body["turn"] is None else None) \
                if body["hazard_text"] is None else None
            text = texts.get(said) if said else None
            if text is None:
                # our own closed-vocabulary values: no re-validation (ManeuverFacts.trusted)
                text = maneuver_text(trusted(body), lang=lang, form="at")
                if said:
                    if len(texts) >= TEXT_MEMO_SIZE:
                        texts.clear()
                    texts[said] = text
            here = at_list[i]
            body["distance_m"] = round(max(at_list[ends[k]] - here, 0.0), 1)
            body["text"] = text
            body["at_m"] = round(here, 1)
            if i < n:
                piece = pieces[i]
                if piece.start == 0.0 and piece.end == 1.0:
                    bearing = bearings[piece.edge]
                    if bearing is None:
                        bearing = bearings[piece.edge] = round(head_start[i], 1)
                else:
                    bearing = round(head_start[i], 1)
            else:
                bearing = round(last_end, 1)
            body["bearing_deg"] = bearing
            if 0 < i < n and (i >= 2 or first_whole):
                node = edge_u[pieces[i].edge]
                lat, lon = locations[node] or self._locate(node, lonlat[k])
            else:
                lat, lon = round(lonlat[k][1], 7), round(lonlat[k][0], 7)
            body["location"] = {"lat": lat, "lon": lon}
            body["geometry_index"] = points[k]
        return [body for _, body in found]

    def _may_speak(self, leg: Leg, heads: np.ndarray) -> np.ndarray:
        """Indices i >= 1 of the pieces whose junction (with piece i-1) may need a maneuver;
        ``heads``: the pieces' start and end headings."""
        return self.junctions.may_speak(leg.edges, heads[0], heads[1])

    def _locate(self, node: int, lonlat: list[float]) -> tuple[float, float]:
        location = self._location[node] = (round(lonlat[1], 7), round(lonlat[0], 7))
        return location

    def _junction_at(self, leg: Leg, i: int) -> list[dict[str, Any]]:
        """``_junction``, remembered per pair of edges when both pieces are whole (their
        headings are then the edges' own); always fresh copies, as later steps edit them."""
        prev, cur = leg.pieces[i - 1], leg.pieces[i]
        if prev.start != 0.0 or cur.end != 1.0:
            return self._junction(leg, i)
        key = (prev.edge, cur.edge)
        said = self._junction_memo.get(key)
        if said is None:
            maneuvers = self._junction(leg, i)
            if len(self._junction_memo) >= JUNCTION_MEMO_SIZE:
                self._junction_memo.clear()
            self._junction_memo[key] = tuple(dict(m) for m in maneuvers)
            return maneuvers
        return [m.copy() for m in said]

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
            kerb=kerb, surface=self.surface[cur])
        return [_facts(type=kind, **facts) for kind in (*SAY_ORDER, "continue") if kind in types]

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
            out.append((i, _facts(type="hazard", hazard_text=dict(text), street=self.name[edge])))
        return out

    def _arrival(self, leg: Leg, target: np.ndarray) -> dict[str, Any]:
        """Arrive; the side is where the requested point (``target``, projected) lies relative
        to the last heading."""
        end_xy = leg.joined_xy[-1]
        heading = math.radians(leg.head_end[-1])
        dx, dy = target - end_xy
        side = None
        if math.hypot(dx, dy) >= SIDE_MIN_OFFSET_M:
            cross = math.sin(heading) * dy - math.cos(heading) * dx  # > 0: target to the left
            side = "left" if cross > 0 else "right"
        return _facts(type="arrive", side=side, street=self.name[leg.pieces[-1].edge])

    def _target_xy(self, destination: tuple[float, float]) -> np.ndarray:
        """The destination projected: ``proj.forward``'s arithmetic on two plain floats."""
        lat, lon = destination
        proj = self.net.index.proj
        return np.array([(lon - proj.lon0) * proj.kx, (lat - proj.lat0) * proj.ky])

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


def _facts(**values: Any) -> dict[str, Any]:
    """All the facts' fields, in their order (the route body's), with ``values`` set."""
    facts = dict(FIELD_DEFAULTS)
    facts.update(values)
    return facts


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
