"""Turns raw touches into the few large gestures a blind user can make with one hand.

Pure (no Kivy): positions in pixels and times in seconds go in, a `Gesture` comes out when the
last finger lifts, so the rules can be tested without a window. Thresholds are named here and
given in pixels by the caller (who converts from dp for the screen's density).

Vocabulary (after TalkBack): single tap, press or slow slide = explore, double tap = activate
the focused element, one-finger swipe left/right = previous/next element, up/down or any
two-finger swipe = between screens.
A slide and a swipe differ by speed, as in TalkBack: a finger that stays down and moves slowly
explores (the surface says each element it crosses) and ends in no gesture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: a swipe must travel at least this far (dp) — large, so that a tremor is never a swipe
SWIPE_MIN_DP = 80
#: a tap may wander this far (dp) and still be a tap
TAP_SLOP_DP = 24
#: the second tap of a double tap must land within this distance of the first (dp)
DOUBLE_TAP_SLOP_DP = 120
#: the second tap must start within this time after the first ended (s)
DOUBLE_TAP_S = 0.45
#: a press held longer than this is not a tap (s)
MAX_TAP_S = 0.6
#: a swipe slower than this is a drag, not a gesture (s)
MAX_SWIPE_S = 1.5
#: a finger still down after this long and moving slower than a swipe is exploring (s)
EXPLORE_AFTER_S = 0.3
#: a swipe is at least this fast on average (dp/s); a finger sliding slower explores
SWIPE_MIN_SPEED_DP_S = 250

TAP = "tap"
DOUBLE_TAP = "double_tap"
SWIPE = "swipe"


@dataclass(frozen=True)
class Gesture:
    """What the user did: `kind` is tap, double_tap or swipe; swipes have a `direction`."""

    kind: str
    fingers: int = 1
    direction: str | None = None  # left, right, up, down (y grows upwards, as in Kivy)
    x: float = 0.0
    y: float = 0.0


@dataclass
class _Track:
    x0: float
    y0: float
    t0: float
    x: float
    y: float
    exploring: bool = False


@dataclass
class GestureRecognizer:
    """Collects the touches of one gesture (fingers down until all are up) and classifies it.

    Sizes are in pixels; build it with `GestureRecognizer.for_density(dp)` to use the dp defaults.
    """

    swipe_min_px: float = SWIPE_MIN_DP
    tap_slop_px: float = TAP_SLOP_DP
    double_tap_slop_px: float = DOUBLE_TAP_SLOP_DP
    swipe_min_speed_px_s: float = SWIPE_MIN_SPEED_DP_S
    double_tap_s: float = DOUBLE_TAP_S
    _tracks: dict[object, _Track] = field(default_factory=dict)
    _fingers: int = 0
    _ended: list[_Track] = field(default_factory=list)
    _last_tap: tuple[float, float, float] | None = None  # x, y, time it ended

    @classmethod
    def for_density(cls, dp) -> GestureRecognizer:
        """Thresholds converted from dp with `dp` (e.g. `kivy.metrics.dp`)."""
        return cls(dp(SWIPE_MIN_DP), dp(TAP_SLOP_DP), dp(DOUBLE_TAP_SLOP_DP),
                   dp(SWIPE_MIN_SPEED_DP_S))

    @property
    def active(self) -> bool:
        return bool(self._tracks)

    def may_be_second_tap(self, x: float, y: float, t: float) -> bool:
        """Whether a finger landing here now could be the second tap of a double tap."""
        if self._last_tap is None:
            return False
        lx, ly, lt = self._last_tap
        return t - lt <= self.double_tap_s and math.hypot(x - lx, y - ly) <= self.double_tap_slop_px

    def down(self, touch_id: object, x: float, y: float, t: float) -> int:
        """A finger touched; returns how many fingers this gesture has used so far."""
        if not self._tracks:
            self._ended.clear()
            self._fingers = 0
        self._tracks[touch_id] = _Track(x, y, t, x, y)
        self._fingers = max(self._fingers, len(self._tracks))
        return self._fingers

    def move(self, touch_id: object, x: float, y: float, t: float) -> bool:
        """A finger moved; True while it explores (one finger sliding slowly, not swiping)."""
        track = self._tracks.get(touch_id)
        if track is None:
            return False
        track.x, track.y = x, y
        if not track.exploring and self._fingers == 1 and t - track.t0 >= EXPLORE_AFTER_S:
            speed = math.hypot(x - track.x0, y - track.y0) / (t - track.t0)
            track.exploring = speed < self.swipe_min_speed_px_s
        return track.exploring

    def is_exploring(self, touch_id: object) -> bool:
        """Whether this finger has been exploring (what it crossed has been said)."""
        track = self._tracks.get(touch_id)
        return track is not None and track.exploring

    def up(self, touch_id: object, x: float, y: float, t: float) -> Gesture | None:
        """A finger lifted; returns the gesture when it was the last one, else None."""
        track = self._tracks.pop(touch_id, None)
        if track is None:
            return None
        track.x, track.y = x, y
        self._ended.append(track)
        if self._tracks:
            return None
        return self._classify(t)

    def _classify(self, t: float) -> Gesture | None:
        tracks = self._ended
        if any(tr.exploring for tr in tracks):
            self._last_tap = None
            return None  # the finger explored: what it crossed has been said
        start = min(tr.t0 for tr in tracks)
        duration = t - start
        dx = sum(tr.x - tr.x0 for tr in tracks) / len(tracks)
        dy = sum(tr.y - tr.y0 for tr in tracks) / len(tracks)
        x, y = tracks[0].x0, tracks[0].y0
        travel = math.hypot(dx, dy)
        fast = travel / max(duration, 1e-3) >= self.swipe_min_speed_px_s
        if travel >= self.swipe_min_px and duration <= MAX_SWIPE_S and fast:
            self._last_tap = None
            if abs(dx) >= abs(dy):
                direction = "right" if dx > 0 else "left"
            else:
                direction = "up" if dy > 0 else "down"
            return Gesture(SWIPE, self._fingers, direction, x, y)
        if travel > self.tap_slop_px or duration > MAX_TAP_S or self._fingers > 1:
            self._last_tap = None
            return None
        last, self._last_tap = self._last_tap, (x, y, t)
        if last is not None:
            lx, ly, lt = last
            near = math.hypot(x - lx, y - ly) <= self.double_tap_slop_px
            if start - lt <= self.double_tap_s and near:
                self._last_tap = None
                return Gesture(DOUBLE_TAP, 1, None, x, y)
        return Gesture(TAP, 1, None, x, y)
