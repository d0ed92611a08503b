"""Which way the walker faces: the phone's compass when there is one, else the recent walk.

Used to phrase a departure or a re-route relative to the walker ("Umdrehen, dann …", "Links
abbiegen …") instead of by compass point.
"""

from __future__ import annotations

import math

#: the walking direction is taken over this many seconds of fixes …
TRACK_S = 6.0
#: … when they span at least this many metres
TRACK_MIN_M = 3.0


class Facing:
    """Remembers the last seconds of fixes and the latest compass reading."""

    def __init__(self) -> None:
        #: the way the phone points (degrees from north, from its compass); None = unknown
        self.compass_deg: float | None = None
        self._track: list[tuple[float, float, float]] = []  # (t, x, y) of recent fixes

    def remember(self, t: float, x: float, y: float) -> None:
        self._track.append((t, x, y))
        while self._track and t - self._track[0][0] > TRACK_S:
            self._track.pop(0)

    def degrees(self, t: float) -> float | None:
        """The compass when the phone has one, else the direction of the last few seconds'
        walk (at least TRACK_MIN_M), else None."""
        if self.compass_deg is not None:
            return self.compass_deg
        recent = [p for p in self._track if t - p[0] <= TRACK_S]
        if len(recent) < 2:
            return None
        (_, x0, y0), (_, x1, y1) = recent[0], recent[-1]
        if math.hypot(x1 - x0, y1 - y0) < TRACK_MIN_M:
            return None
        return math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360.0
