"""Which way the walker faces: the device's compass where it has one, else the walking direction.

The walking direction comes from the position fixes themselves: the bearing from an earlier fix
at least `MIN_TRAVEL_M` back to the newest one, within the last `WINDOW_S`. A compass is a
seam (`Compass`: a callable giving degrees or None) so a desktop has none and tests pass one in.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from lotse_common.geodesy import to_xy

#: fixes older than this say nothing about the current direction (s)
WINDOW_S = 30.0
#: the walker must have moved this far for a direction to mean anything (m)
MIN_TRAVEL_M = 5.0

#: degrees clockwise from north, or None when the sensor has no reading
Compass = Callable[[], float | None]


class HeadingTracker:
    """Remembers recent fixes; `heading()` is (degrees, "compass" | "walking") or None."""

    def __init__(self, compass: Compass | None = None) -> None:
        self.compass = compass
        self._fixes: deque[tuple[float, float, float]] = deque(maxlen=64)

    def add_fix(self, t: float, lat: float, lon: float) -> None:
        x, y = to_xy(lat, lon)
        self._fixes.append((t, x, y))

    def walking(self, now: float) -> float | None:
        """Bearing of the recent movement, or None when the walker has not moved enough."""
        recent = [f for f in self._fixes if now - f[0] <= WINDOW_S]
        if len(recent) < 2:
            return None
        _, x1, y1 = recent[-1]
        for _, x0, y0 in reversed(recent[:-1]):
            if math.hypot(x1 - x0, y1 - y0) >= MIN_TRAVEL_M:
                return math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360.0
        return None

    def heading(self, now: float) -> tuple[float, str] | None:
        if self.compass is not None:
            try:
                reading = self.compass()
            except Exception:  # noqa: BLE001 - a failing sensor is no heading, not a crash
                reading = None
            if reading is not None:
                return float(reading) % 360.0, "compass"
        walking = self.walking(now)
        return (walking, "walking") if walking is not None else None
