"""A turn the compass saw places the walker at a corner of the route.

Between beacons the matcher has only GPS (σ 6 m or worse) to say how far along a street the
walker is, and its error grows there to a few metres. A corner is a landmark the phone can feel
itself: when the compass swings from the route's direction before a corner to its direction
after it, the walker was at that corner at the moment of the swing. That is evidence about the
*place* at one moment only, so it is symmetric: a walker who goes straight on where the route
turns gives no swing and no evidence (they are not held back at the corner, and leaving is still
noticed), and a swing that fits no nearby corner of the route is ignored.

`TurnDetector` finds swings in the readings (a phone's compass: a bias that stays, a disturbance
that wanders over seconds, a few degrees of noise per reading); `route_corners` lists the route's
corners with their directions before and after.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mobile.positioning.geo import RouteLine


@dataclass(frozen=True, slots=True)
class Corner:
    at_m: float
    before_deg: float
    after_deg: float


@dataclass(frozen=True, slots=True)
class Turn:
    #: when the walker was at the apex of the swing (s)
    t: float
    before_deg: float
    after_deg: float


def angle_diff(a_deg: float, b_deg: float) -> float:
    """Absolute difference of two bearings (0..180 degrees)."""
    return abs((a_deg - b_deg + 180.0) % 360.0 - 180.0)


def circular_mean(degrees: list[float]) -> float:
    s = sum(math.sin(math.radians(d)) for d in degrees)
    c = sum(math.cos(math.radians(d)) for d in degrees)
    return math.degrees(math.atan2(s, c)) % 360.0


def route_corners(route: RouteLine, min_turn_deg: float = 35.0, span_m: float = 4.0,
                  merge_m: float = 4.0) -> list[Corner]:
    """The route's corners: vertices where its direction over `span_m` before and after
    differs by at least `min_turn_deg`; of a rounded corner (several vertices within
    `merge_m`), the one with the largest turn."""
    coords = list(route.line.coords)
    corners: list[tuple[float, Corner]] = []
    walked = 0.0
    for (x0, y0), (x1, y1) in zip(coords, coords[1:], strict=False):
        walked += math.hypot(x1 - x0, y1 - y0) * route.scale
        s = walked
        if s < span_m or s > route.length_m - span_m:
            continue
        x_b, y_b = route.xy_at(s - span_m)
        x_a, y_a = route.xy_at(s + span_m)
        before = math.degrees(math.atan2(x1 - x_b, y1 - y_b)) % 360.0
        after = math.degrees(math.atan2(x_a - x1, y_a - y1)) % 360.0
        turn = angle_diff(before, after)
        if turn < min_turn_deg:
            continue
        c = Corner(s, before, after)
        if corners and s - corners[-1][1].at_m < merge_m:
            if turn > corners[-1][0]:
                corners[-1] = (turn, c)
            continue
        corners.append((turn, c))
    return [c for _, c in corners]


class TurnDetector:
    """Swings of at least `min_turn_deg` between two steady headings: the mean of the readings
    before the swing and of those after it (each at least `steady_s` long), the moment of the
    swing where splitting the recent readings in two leaves the least spread on either side."""

    def __init__(self, min_turn_deg: float = 35.0, steady_s: float = 1.0,
                 span_s: float = 4.0) -> None:
        self.min_turn_deg, self.steady_s, self.span_s = min_turn_deg, steady_s, span_s
        self._readings: list[tuple[float, float]] = []
        self._last_turn_t = -1e9

    def add(self, t: float, degrees: float) -> Turn | None:
        self._readings.append((t, degrees))
        while self._readings and t - self._readings[0][0] > self.span_s:
            self._readings.pop(0)
        recent = [r for r in self._readings if r[0] > self._last_turn_t]
        if len(recent) < 4 or recent[-1][0] - recent[0][0] < 2.0 * self.steady_s:
            return None
        first = circular_mean([d for tt, d in recent if tt - recent[0][0] < self.steady_s])
        last = circular_mean([d for tt, d in recent if t - tt < self.steady_s])
        if angle_diff(first, last) < self.min_turn_deg:
            return None  # no swing between the oldest and the newest second
        best: tuple[float, int] | None = None
        for k in range(2, len(recent) - 1):
            before = circular_mean([d for _, d in recent[:k]])
            after = circular_mean([d for _, d in recent[k:]])
            spread = sum(angle_diff(d, before) ** 2 for _, d in recent[:k]) + \
                sum(angle_diff(d, after) ** 2 for _, d in recent[k:])
            if best is None or spread < best[0]:
                best = (spread, k)
        if best is None:
            return None
        k = best[1]
        if recent[k][0] - recent[0][0] < self.steady_s or t - recent[k][0] < self.steady_s:
            return None  # the swing is not yet framed by a steady second on either side
        before = circular_mean([d for _, d in recent[:k]])
        after = circular_mean([d for _, d in recent[k:]])
        if angle_diff(before, after) < self.min_turn_deg:
            return None
        t_turn = 0.5 * (recent[k - 1][0] + recent[k][0])
        self._last_turn_t = t_turn
        return Turn(t_turn, before, after)


def corner_likelihood(s: np.ndarray, v: np.ndarray, now: float, turn: Turn,
                      corners: list[Corner], near_m: float, sigma_m: float, match_deg: float,
                      outlier: float) -> np.ndarray | None:
    """How well each particle (progress `s`, speed `v` at `now`) fits having been at a corner
    whose directions match the swing (each within `match_deg`) at the swing's moment: a
    Gaussian (σ `sigma_m`) around the corner plus what the particle walked since, for the
    corners within `near_m` of where the particles put the walker then; `outlier` of swings
    fit no corner (the walker turned on the spot, or into another street). None when no
    corner fits."""
    then = s - v * (now - turn.t)
    centre = float(np.median(then))
    fits = [c for c in corners if abs(c.at_m - centre) <= near_m
            and angle_diff(c.before_deg, turn.before_deg) <= match_deg
            and angle_diff(c.after_deg, turn.after_deg) <= match_deg]
    if not fits:
        return None
    like = np.zeros_like(s)
    for c in fits:
        like = np.maximum(like, np.exp(-0.5 * ((then - c.at_m) / sigma_m) ** 2))
    return (1.0 - outlier) * like + outlier
