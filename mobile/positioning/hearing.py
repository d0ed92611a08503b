"""Whether a known beacon was heard at all, as evidence of where along the route the walker is.

A phone hears a beacon a few metres away in most seconds and one 20 m away hardly ever
(`hear_chance`), so a second with or without its packets says something about the distance,
apart from what each packet's RSSI says. Only beacons heard at least once count: a beacon of
the plan that never spoke may be dead or gone, and its silence would push the walker away from
a place they are at.

The first packet of a beacon is heard, by definition, where hearing it begins: at the edge of
its range, usually ahead of the walker, who walks towards it. Weighed alone it can only pull
the estimate towards the beacon. The seconds of silence before it say where the walker was
*not*: once the beacon has proved alive, that silence (`silence_before_s` of it, along each
particle's own walk back) is weighed too, so the first packet is read as what it is, the
moment the beacon came into range.

How often a phone hears a beacon up close differs from phone to phone (and with its scan
mode), and it sets how much a silent second says: it is learnt on the walk (`near`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mobile.positioning.beacons import BeaconInfo
from mobile.positioning.grid_fix import HEAR_NEAR, HEAR_WIDTH_M

#: beacons farther than this from the particles' mean are not weighed (m)
NEAR_M = 30.0
#: phones differ in how many seconds they hear a beacon up close (the UJI phones 43-84 %
#: within 4 m; a scan mode that saves battery hears less): each walker's phone is learnt from
#: the seconds when most of the particles (`LEARN_MASS`) lie within `LEARN_M` of a known
#: beacon, starting from `HEAR_NEAR` worth `PRIOR_S` such seconds, kept within `NEAR_RANGE`
LEARN_M = 4.0
LEARN_MASS = 0.8
PRIOR_S = 20.0
NEAR_RANGE = (0.2, 0.95)

Points = Callable[[float], tuple[np.ndarray, np.ndarray]]


def hear_chance(d: np.ndarray, half_m: float, floor: float, near: float = HEAR_NEAR
                ) -> np.ndarray:
    """The chance of hearing at least one packet of a beacon `d` metres away in one second:
    `near` up close, halved at `half_m`, at least `floor`."""
    hear = near / (1.0 + np.exp(np.minimum((d - half_m) / HEAR_WIDTH_M, 50.0)))
    return np.maximum(hear, floor)


class Hearing:
    """Which known beacons were heard in each second, and the likelihood that gives."""

    def __init__(self, half_m: float, floor: float, silence_before_s: float) -> None:
        self.half_m, self.floor, self.silence_before_s = half_m, floor, silence_before_s
        self.known: dict[str, BeaconInfo] = {}
        self._heard_now: set[str] = set()
        self._t: float | None = None
        self._since: float | None = None
        self._near_heard, self._near_seconds = HEAR_NEAR * PRIOR_S, PRIOR_S
        #: the known beacons most of the particles lay near when the second began
        self._close: set[str] = set()

    @property
    def near(self) -> float:
        """This phone's chance of hearing a beacon within `LEARN_M` in one second, so far."""
        return min(max(self._near_heard / self._near_seconds, NEAR_RANGE[0]), NEAR_RANGE[1])

    def _chance(self, px: np.ndarray, py: np.ndarray, b: BeaconInfo) -> np.ndarray:
        return hear_chance(np.hypot(px - b.x, py - b.y), self.half_m, self.floor, self.near)

    def started(self, t: float) -> None:
        """The phone listens from `t` on (silence before it says nothing)."""
        if self._since is None:
            self._since = t

    def heard(self, t: float, beacon: BeaconInfo, points: Points, mean: tuple[float, float]
              ) -> np.ndarray | None:
        """A packet of `beacon` at `t`. The first one of a beacon returns the likelihood of the
        silence before it (`points(k)`: the particles' places `k` seconds ago), else None."""
        self.started(t)
        self._heard_now.add(beacon.key)
        first = beacon.key not in self.known
        self.known[beacon.key] = beacon
        assert self._since is not None
        back = min(self.silence_before_s, t - self._since)
        if not first or back < 1.0 or math.hypot(beacon.x - mean[0],
                                                 beacon.y - mean[1]) > NEAR_M:
            return None
        like = np.ones_like(points(0.0)[0])
        for k in range(1, int(back) + 1):
            like = like * (1.0 - self._chance(*points(float(k)), beacon))
        return like

    def second(self, t: float, px: np.ndarray, py: np.ndarray, w: np.ndarray
               ) -> np.ndarray | None:
        """Once a second: the likelihood of which known beacons near the particles were heard
        in the second before `t` (None when no second has passed or none is near)."""
        self.started(t)
        if self._t is None:
            self._t = t
        if t - self._t < 1.0:
            return None
        self._t = t
        heard, self._heard_now = self._heard_now, set()
        if not self.known:
            return None
        mx, my = float(np.sum(w * px)), float(np.sum(w * py))
        like, close = np.ones_like(px), set()
        for b in self.known.values():
            if math.hypot(b.x - mx, b.y - my) > NEAR_M:
                continue
            hear = self._chance(px, py, b)
            like = like * (hear if b.key in heard else 1.0 - hear)
            if float(w[np.hypot(px - b.x, py - b.y) <= LEARN_M].sum()) >= LEARN_MASS:
                close.add(b.key)
        # learnt from where the particles were as the second began, not after its packets
        # had drawn them to the beacons heard (that would teach the phone hears them more)
        for key in self._close:
            self._near_seconds += 1.0
            self._near_heard += key in heard
        self._close = close
        return like
