"""The active route as a line in metres, on the survey plane of `lotse_common.geodesy`.

Trilateration and "metres along the route" need a plane in metres. Kaiserslautern lies in UTM zone
32 (EPSG:25832, the city's own survey system), so pyproj's transformer gives that plane without
hand-written projection maths. The route line reports progress in the routing core's metres
(`distance_m`), scaled from the projected length so `at_m` of maneuvers and progress agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from shapely.geometry import LineString, Point

from lotse_common.geodesy import to_latlon, to_xy, to_xy_many

__all__ = ["RouteLine", "to_latlon", "to_xy"]

class RouteLine:
    """The active route in metres: progress along it, offset from it, the point at a progress."""

    def __init__(self, lonlat: Sequence[Sequence[float]], distance_m: float | None = None) -> None:
        if len(lonlat) < 2:
            raise ValueError("a route line needs at least two points")
        xs, ys = to_xy_many([p[1] for p in lonlat], [p[0] for p in lonlat])
        self.line = LineString(list(zip(xs, ys, strict=True)))
        self.length_xy = float(self.line.length) or 1e-9
        #: route metres per projected metre (1.0 unless the core measures slightly differently)
        self.scale = (distance_m / self.length_xy) if distance_m else 1.0
        self.length_m = self.length_xy * self.scale

    def project(self, x: float, y: float) -> tuple[float, float]:
        """(progress in route metres, perpendicular offset in metres) of a point."""
        p = Point(x, y)
        s_xy = float(self.line.project(p))
        offset = float(self.line.interpolate(s_xy).distance(p))
        return s_xy * self.scale, offset

    def project_window(self, x: float, y: float, lo_m: float, hi_m: float) -> tuple[float, float]:
        """Like `project`, but only onto the part between lo_m and hi_m (routes can fold back)."""
        from shapely.ops import substring

        lo, hi = max(lo_m, 0.0) / self.scale, min(hi_m, self.length_m) / self.scale
        if hi - lo < 0.5:
            return self.project(x, y)
        part = substring(self.line, lo, hi)
        p = Point(x, y)
        s_part = float(part.project(p))
        return (lo + s_part) * self.scale, float(part.interpolate(s_part).distance(p))

    def xy_at(self, s_m: float) -> tuple[float, float]:
        pt = self.line.interpolate(min(max(s_m, 0.0), self.length_m) / self.scale)
        return float(pt.x), float(pt.y)

    def heading_at(self, s_m: float, ahead_m: float = 3.0) -> float:
        """Compass bearing of the route at `s_m` (degrees, 0 = north, clockwise)."""
        x0, y0 = self.xy_at(s_m)
        x1, y1 = self.xy_at(s_m + ahead_m)
        return math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360.0

    def latlon_at(self, s_m: float) -> tuple[float, float]:
        return to_latlon(*self.xy_at(s_m))

    def samples(self, step_m: float = 0.5) -> tuple[list[float], list[float], list[float]]:
        """Points every `step_m` route metres: (progress, x, y) lists for vectorised matching."""
        n = max(int(self.length_m / step_m), 1)
        s = [i * self.length_m / n for i in range(n + 1)]
        xy = [self.xy_at(v) for v in s]
        return s, [p[0] for p in xy], [p[1] for p in xy]
