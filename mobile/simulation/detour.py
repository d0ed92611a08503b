"""A walker who leaves the route: the path of `lotse walk --leave-route-at METRES`.

The walker follows the route to the first junction after METRES, turns off into a street that is
not the route, and keeps walking (straight on at each further junction, never back towards the
route). The path is made of the walk network's own edges, so it is a street a person could take.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lotse_common.geodesy import to_xy_many
from mobile.positioning.geo import RouteLine

#: a network node this close to the route line is on it (m)
ON_ROUTE_M = 2.0
#: the wrong street must be at least this far from the route after `DIVERGE_AFTER_M` (m)
OFF_ROUTE_MIN_M = 10.0
DIVERGE_AFTER_M = 25.0
#: the walker keeps going this far after turning off (m)
WALK_ON_M = 120.0


@dataclass(frozen=True, slots=True)
class Detour:
    path: RouteLine
    #: route metres of the junction where the walker turns off
    junction_m: float


class NoDetour(ValueError):
    """No junction with a wrong street after the given point of the route."""


def wrong_turn(net, route: RouteLine, leave_at_m: float) -> Detour:
    """The walker's path: the route up to the first junction after `leave_at_m` that has a
    street leaving the route, then that street and straight on for `WALK_ON_M`. A street whose
    first stretch ends on the route again is the route itself (or a way along it), not a turn
    off: taking it would put the walker's real turn metres after `junction_m`."""
    nx_, ny_ = to_xy_many(net.node_lat.tolist(), net.node_lon.tolist())
    nodes_x, nodes_y = np.asarray(nx_), np.asarray(ny_)
    out_edges: dict[int, list[int]] = {}
    for e, u in enumerate(net.edge_u.tolist()):
        out_edges.setdefault(u, []).append(e)
    junctions = []
    for u, edges in out_edges.items():
        if len({int(net.edge_v[e]) for e in edges}) < 3:
            continue
        s, off = route.project(float(nodes_x[u]), float(nodes_y[u]))
        if off <= ON_ROUTE_M and leave_at_m <= s < route.length_m - DIVERGE_AFTER_M:
            junctions.append((s, u))
    for s, u in sorted(junctions):
        for e in out_edges[u]:
            v = int(net.edge_v[e])
            if route.project(float(nodes_x[v]), float(nodes_y[v]))[1] <= ON_ROUTE_M:
                continue  # the route's own street (or one along it): the walker has not left
            tail = _walk_on(net, e, nodes_x, nodes_y, route)
            if tail is not None:
                head = [route.latlon_at(v) for v in np.arange(0.0, s, 2.0)]
                coords = [(lon, lat) for lat, lon in head] + tail
                return Detour(RouteLine(coords), s)
    raise NoDetour(f"no street leaves the route after {leave_at_m:.0f} m")


def _walk_on(net, first_edge: int, nodes_x: np.ndarray, nodes_y: np.ndarray,
             route: RouteLine) -> list[tuple[float, float]] | None:
    """(lon, lat) points from the junction along `first_edge` and then straight on, or None
    when that street stays on (or comes back to) the route."""
    coords: list[tuple[float, float]] = []
    walked, e, prev_u = 0.0, first_edge, -1
    while walked < WALK_ON_M:
        pts = net.edge_coords(e)
        coords.extend((float(lon), float(lat)) for lon, lat in pts[:, :2])
        walked += float(net.edge_length[e])
        u, v = int(net.edge_u[e]), int(net.edge_v[e])
        x, y = to_xy_many([float(pts[-1, 1])], [float(pts[-1, 0])])
        off = route.project(x[0], y[0])[1]
        if walked >= DIVERGE_AFTER_M and off < OFF_ROUTE_MIN_M:
            return None
        heading = math.atan2(nodes_x[v] - nodes_x[u], nodes_y[v] - nodes_y[u])
        nxt = [f for f in np.flatnonzero(net.edge_u == v).tolist()
               if int(net.edge_v[f]) not in (u, prev_u)]
        if not nxt:
            break
        prev_u = u
        e = min(nxt, key=lambda f: abs(_turn(heading, nodes_x, nodes_y, net, f)))
    if walked < DIVERGE_AFTER_M:
        return None
    return coords


def _turn(heading: float, nodes_x: np.ndarray, nodes_y: np.ndarray, net, f: int) -> float:
    u, v = int(net.edge_u[f]), int(net.edge_v[f])
    h = math.atan2(nodes_x[v] - nodes_x[u], nodes_y[v] - nodes_y[u])
    return (h - heading + math.pi) % (2.0 * math.pi) - math.pi
