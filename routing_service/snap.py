"""Points to the network: a spatial index over edge geometries in a local metric projection.

A city is ~10 km across, so a local equirectangular projection around the network's centre is
accurate to well under a metre here and costs one vectorised multiplication (no pyproj at load).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from lotse_common.geodesy import metres_per_degree
from routing_service import nearest_ways
from routing_service.errors import OutsideServiceArea

if TYPE_CHECKING:
    from routing_service.compiled import WalkNetwork



log = logging.getLogger(__name__)

#: beyond this distance from any walkable way a point is outside the service area (metres)
SNAP_LIMIT_M = 150.0
#: ways at most this much farther than the nearest count as equally near (stacked layers,
#: a bridge over a road): among them the ground-level way wins, where a walker stands
SNAP_TIE_M = 1.0
#: tag values that put a way off the ground
OFF_GROUND = {"bridge": {"yes", "viaduct", "boardwalk", "cantilever", "covered"},
              "tunnel": {"yes", "building_passage", "culvert", "covered"}}
#: share of an edge's length that must lie along a line overlay for a bonus to apply
ALONG_SHARE = 0.5


@dataclass(frozen=True)
class Snap:
    """Where a requested point meets the network."""

    edge: int          # directed edge index (either direction of the way)
    fraction: float    # 0 at the edge's start node, 1 at its end node
    lat: float
    lon: float
    distance_m: float  # from the requested point to the network


class LocalProjection:
    """lon/lat <-> metres east/north of a fixed origin."""

    def __init__(self, lat0: float, lon0: float) -> None:
        self.lat0, self.lon0 = lat0, lon0
        self.kx, self.ky = metres_per_degree(lat0)

    def forward(self, lonlat: np.ndarray) -> np.ndarray:
        lonlat = np.asarray(lonlat, dtype=np.float64)
        return np.column_stack(((lonlat[..., 0] - self.lon0) * self.kx,
                                (lonlat[..., 1] - self.lat0) * self.ky))

    def inverse(self, x: float, y: float) -> tuple[float, float]:
        """(lat, lon) of a projected point."""
        return self.lat0 + y / self.ky, self.lon0 + x / self.kx

    def geometry(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: self.forward(xy))


class EdgeIndex:
    """One direction of every way (the reverse shares the geometry): an STRtree for the
    obstacles' geometries, ``NearestWays`` for snapping points.

    The ways as shapely lines and their STRtree are made at first use: snapping does not need
    them when the compiled kernel is built, and making them is most of the index's cost, which
    a server otherwise pays before its first route (``Router.prepare`` makes them before the
    workers fork, so they share them)."""

    def __init__(self, net: WalkNetwork) -> None:
        self.net = net
        min_lon, min_lat, max_lon, max_lat = net.bbox
        self.proj = LocalProjection((min_lat + max_lat) / 2, (min_lon + max_lon) / 2)
        self.xy = self.proj.forward(net.geom_coords)
        # the projected points taken back to lon/lat (a route's line is gathered from these, the
        # same arithmetic as taking its points back one route at a time), and each edge's count
        lat, lon = self.proj.inverse(self.xy[:, 0], self.xy[:, 1])
        self.lonlat = np.column_stack((lon, lat))
        self.sizes = np.diff(net.geom_offsets)
        # index each way once: the edge with the smaller number of each (e, rev) pair
        rev = net.edge_rev
        self.indexed = np.flatnonzero((rev < 0) | (np.arange(net.n_edges) < rev))
        self.off_ground = _off_ground(net)
        # snapping: the same ways, searched by the compiled kernel when it is built
        self.ways = nearest_ways.NearestWays(self.xy, net.geom_offsets, self.indexed,
                                             self.off_ground) \
            if nearest_ways.available() else None

    @cached_property
    def lines(self) -> np.ndarray:
        """Every edge's projected geometry as a shapely line."""
        parts = np.repeat(np.arange(self.net.n_edges), self.sizes)
        return shapely.linestrings(self.xy, indices=parts)

    @cached_property
    def tree(self) -> shapely.STRtree:
        """STRtree over the indexed ways' lines."""
        return shapely.STRtree(self.lines[self.indexed])

    def snap(self, lat: float, lon: float, limit_m: float = SNAP_LIMIT_M) -> Snap:
        # plain float arithmetic, the same as ``proj.forward`` (a route snaps twice: the numpy
        # round trip for one point cost more than the arithmetic)
        proj = self.proj
        x, y = (lon - proj.lon0) * proj.kx, (lat - proj.lat0) * proj.ky
        found = self.ways.nearest(x, y, limit_m, SNAP_TIE_M) if self.ways is not None \
            else self.shapely_nearest(x, y, limit_m)
        if found is None:
            raise OutsideServiceArea(
                f"({lat:.5f}, {lon:.5f}) is outside the service area: no walkable way within "
                f"{limit_m:.0f} m",
                f"({lat:.5f}, {lon:.5f}) liegt außerhalb des Gebiets: kein Fußweg im Umkreis "
                f"von {limit_m:.0f} m")
        edge, distance = found
        fraction, nx, ny = self.ways.locate(edge, x, y) if self.ways is not None \
            else self.shapely_locate(edge, x, y)
        plat, plon = proj.inverse(nx, ny)
        return Snap(edge=edge, fraction=fraction, lat=plat, lon=plon, distance_m=distance)

    def shapely_nearest(self, x: float, y: float, limit_m: float) -> tuple[int, float] | None:
        """``NearestWays.nearest`` by shapely's STRtree (without the compiled kernel; the
        reference its tests compare with)."""
        point = shapely.points(x, y)
        hits, dists = self.tree.query_nearest(point, max_distance=limit_m, return_distance=True)
        if len(hits) == 0:
            return None
        near = self.tree.query(point, predicate="dwithin", distance=float(dists[0]) + SNAP_TIE_M)
        edges = self.indexed[near]
        gaps = shapely.distance(self.lines[edges], point)
        best = np.lexsort((edges, gaps, self.off_ground[edges]))[0]
        return int(edges[best]), float(gaps[best])

    def shapely_locate(self, edge: int, x: float, y: float) -> tuple[float, float, float]:
        """``NearestWays.locate`` by shapely."""
        line, point = self.lines[edge], shapely.points(x, y)
        along = shapely.line_locate_point(line, point)
        total = shapely.length(line)
        (nx, ny), = shapely.get_coordinates(shapely.line_interpolate_point(line, along)).tolist()
        return (float(along / total) if total > 0 else 0.0), nx, ny

    def edges_near(self, geom_lonlat: BaseGeometry, radius_m: float,
                   along: bool = False) -> np.ndarray:
        """Directed edges (both directions) within ``radius_m`` of a lon/lat geometry.

        ``along``: only edges that run inside the buffer for at least ALONG_SHARE of their length
        (a guidance strip favours the way it follows, not every way that touches its ends).
        """
        geom = self.proj.geometry(geom_lonlat)
        hits = self.tree.query(geom, predicate="dwithin", distance=radius_m)
        edges = self.indexed[hits]
        if along and len(edges):
            lines = self.lines[edges]
            inside = shapely.length(shapely.intersection(lines, shapely.buffer(geom, radius_m)))
            edges = edges[inside >= ALONG_SHARE * shapely.length(lines)]
        rev = self.net.edge_rev[edges]
        return np.unique(np.concatenate([edges, rev[rev >= 0]]))


def _off_ground(net: WalkNetwork) -> np.ndarray:
    """1 for ways on a bridge, in a tunnel or on another layer or level, 0 on the ground."""
    tags = net.edge_tags
    off = np.zeros(net.n_edges, dtype=np.int8)
    for key, values in OFF_GROUND.items():
        off |= tags.isin(key, values)
    for key in ("layer", "level"):
        if key in tags.codes:
            off |= tags.present(key) & ~tags.isin(key, {"0"})
    return off
