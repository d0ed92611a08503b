"""Distances and metric coordinates: the one place Lotse turns degrees into metres.

Two tools for two jobs. `haversine_m` measures between two points on the mean Earth sphere (no
projection, good to a few millimetres over a city). `to_xy` / `to_latlon` give the plane that
trilateration, route matching and plots need: ETRS89 / UTM zone 32N (EPSG:25832), the city's own
survey system, through pyproj rather than hand-written projection maths. Both accept arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pyproj is imported on the first projection: distances alone never need it
    from pyproj import Transformer

#: mean Earth radius (IUGG), metres
EARTH_RADIUS_M = 6_371_008.8
#: ETRS89 / UTM zone 32N: Kaiserslautern's survey plane
METRIC_CRS = "EPSG:25832"


@lru_cache(maxsize=1)
def _forward() -> Transformer:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


@lru_cache(maxsize=1)
def _inverse() -> Transformer:
    from pyproj import Transformer

    return Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def to_xy(lat: float, lon: float) -> tuple[float, float]:
    """(lat, lon) in degrees → (x east, y north) in metres on the survey plane."""
    x, y = _forward().transform(lon, lat)
    return float(x), float(y)


def to_latlon(x: float, y: float) -> tuple[float, float]:
    """(x, y) on the survey plane → (lat, lon) in degrees."""
    lon, lat = _inverse().transform(x, y)
    return float(lat), float(lon)


def to_xy_many(lat: Sequence[float], lon: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Arrays of latitudes and longitudes → arrays of x and y (one pyproj call)."""
    xs, ys = _forward().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(xs), np.asarray(ys)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points."""
    return haversine_m(a[0], a[1], b[0], b[1])


def metres_per_degree(lat: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude near `lat` (for local tangent planes)."""
    ky = math.radians(1) * EARTH_RADIUS_M
    return ky * math.cos(math.radians(lat)), ky
