"""Small hand-made walks for the report tests: a straight line east through the inner city."""

from __future__ import annotations

import numpy as np
from matplotlib.image import imread
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
START = (49.4440, 7.7660)  # inner city, Kaiserslautern


def offset(point: tuple[float, float], azimuth: float, metres: float) -> tuple[float, float]:
    """The point ``metres`` from ``point`` towards ``azimuth`` (degrees from north)."""
    lon, lat, _ = GEOD.fwd(point[1], point[0], azimuth, metres)
    return lat, lon


def line_east(n: int = 11, step_m: float = 10.0) -> list[tuple[float, float]]:
    return [offset(START, 90.0, i * step_m) for i in range(n)]


def route_for(points: list[tuple[float, float]]) -> dict:
    """A route body along ``points``: depart, a left turn at the sixth point, arrive."""
    coords = [[lon, lat] for lat, lon in points]
    end = points[-1]
    return {"geometry": {"type": "LineString", "coordinates": coords}, "maneuvers": [
        {"type": "depart", "text": "Gehen Sie geradeaus in die Marktstraße", "at_m": 0,
         "location": {"lat": points[0][0], "lon": points[0][1]}},
        {"type": "turn", "text": "Biegen Sie links ab in die Fackelstraße", "at_m": 50,
         "location": dict(zip(("lat", "lon"), points[5], strict=True))},
        {"type": "arrive", "text": "Sie haben Ihr Ziel erreicht", "at_m": 100,
         "location": {"lat": end[0], "lon": end[1]}},
    ]}


def say(t: float, text: str, kind: str = "system", maneuver: int | None = None,
        route: int = 1, chained: tuple[int, ...] = (), queued: float | None = None) -> dict:
    """A v2 announcement (as read) that started at ``t``."""
    return {"type": "announcement", "t": t, "text": text, "priority": "GUIDANCE",
            "queued_t": t if queued is None else queued, "started_t": t, "kind": kind,
            "maneuver": maneuver, "route": route, "chained": list(chained)}


def v1_say(t: float, text: str, key: str | None, actual: float | None = None) -> dict:
    """A v1 announcement line as an old phone wrote it, as readers see it (upgraded)."""
    from tester_log.schema import upgrade

    return upgrade({"v": 1, "type": "announcement", "t": t, "text": text,
                    "priority": "GUIDANCE", "planned_t": t,
                    "actual_t": t if actual is None else actual, "key": key})


def assert_png_not_empty(path) -> None:
    """A real picture: big enough, and not one flat colour (pixel variance)."""
    pixels = imread(path)
    assert pixels.ndim == 3 and pixels.shape[0] > 200 and pixels.shape[1] > 200
    assert float(np.var(pixels[..., :3])) > 0.001
