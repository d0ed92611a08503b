"""Landmarks for maneuvers: the named place nearest to a turn, or at the destination itself.

A long route names a landmark at thirty turns or more, and a turn always happens at a node, so
the nearest place of each node is looked up once (on first use) and then reused by every route
that turns there; only points off the nodes (a cut first piece's end, the requested destination)
are looked up in the grid each time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from routing_service.compiled import WalkNetwork
from routing_service.leg import Leg
from routing_service.nearby import GridIndex

#: a named place this close to a turn is given as its landmark (metres); at the arrival only a
#: place at the requested point itself (the destination), never a shop nearby instead of it
LANDMARK_RADIUS_M = {"turn": 20.0, "continue": 20.0, "arrive": 5.0}
#: the radius of the per-node lookups (every maneuver type at a node uses it)
NODE_RADIUS_M = LANDMARK_RADIUS_M["turn"]
assert LANDMARK_RADIUS_M["continue"] == NODE_RADIUS_M


class Landmarks:
    """Named places that are not streets (shops, stops, fountains, churches), near a point."""

    def __init__(self, net: WalkNetwork) -> None:
        places = [p for p in net.places if p["kind"] != "street"]
        self.names = [p["name"] for p in places]
        self.categories = [p.get("category") for p in places]
        lonlat = np.array([[p["lon"], p["lat"]] for p in places])
        self.grid = GridIndex(net.index.proj.forward(lonlat),
                              max(LANDMARK_RADIUS_M.values())) if len(lonlat) else None
        self.edge_u = net.edge_u.tolist()
        # a node's position is the first point of every edge leaving it
        node_xy = np.zeros((net.n_nodes, 2))
        node_xy[net.edge_u] = net.index.xy[net.geom_offsets[:-1]]
        self._node_xy: list[list[float]] = node_xy.tolist()
        #: (distance, place) of the nearest place within NODE_RADIUS_M of each node, once known
        self._at_node: list[tuple[float, int] | None] = [None] * net.n_nodes

    def _near_node(self, node: int) -> tuple[float, int]:
        near = self._at_node[node]
        if near is None:
            x, y = self._node_xy[node]
            near = self._at_node[node] = self.grid.nearest(x, y, NODE_RADIUS_M)
        return near

    def add(self, found: list[tuple[int, dict[str, Any]]], leg: Leg,
            target_xy: np.ndarray) -> None:
        """Name the nearest place at turns and at the destination, in place; the same place
        at several turns in a row is named only at the first."""
        if self.grid is None:
            return
        pieces, n = leg.pieces, len(leg.pieces)
        first_cut = pieces[0].start > 0.0  # its end point is interpolated, not a node
        last = None
        for i, facts in found:
            radius = LANDMARK_RADIUS_M.get(facts["type"])
            if radius is None:
                continue
            if i == n:  # the arrival: the requested point itself
                d, place = self.grid.nearest(float(target_xy[0]), float(target_xy[1]), radius)
            elif i >= 2 or i == 1 and not first_cut:
                d, place = self._near_node(self.edge_u[pieces[i].edge])
            else:
                x, y = leg.joined_xy[leg.starts[min(i, n - 1)]].tolist()
                d, place = self.grid.nearest(x, y, radius)
            landmark = self.names[place] if d <= radius else None
            if landmark is not None and landmark != last:
                facts["landmark"] = landmark
                facts["landmark_category"] = self.categories[place]
            last = landmark
