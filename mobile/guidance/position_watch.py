"""Never silent about the position: lost, still being found, back, too poor to guide on.

Decides *whether* one of the position sentences is due (and logs the change); the pipeline says
it. Each answer is a pair (catalogue key, message key) or None.
"""

from __future__ import annotations

from typing import Any

from accessibility.places import UNCERTAIN_FROM_M
from mobile.guidance.timings import GuidanceTimings
from mobile.positioning.beacons import PositionFix

#: a position this uncertain is "ungenau" (the walker is told so when asking where they are)
#: and is logged as such; it is good again below UNCERTAIN_CLEAR_M (m)
UNCERTAIN_CLEAR_M = 10.0

Due = tuple[str, str] | None


class PositionWatch:
    """One walker's position states, across routes."""

    def __init__(self, timings: GuidanceTimings, logger: Any) -> None:
        self.tm, self.logger = timings, logger
        self._uncertain = False
        self._last_fix_t: float | None = None
        self._lost = False
        self._pending_said = 0  # route id for which "Position wird bestimmt" was said
        self._route_t: float | None = None
        self._poor_since: float | None = None
        self._poor_said = False

    def route_started(self, t: float) -> None:
        self._route_t = t

    def on_fix(self, t: float, fix: PositionFix) -> Due:
        """A position: "back" when it had been lost; logs when it becomes uncertain (the
        stated uncertainty reaches UNCERTAIN_FROM_M) and good again (below UNCERTAIN_CLEAR_M)."""
        due: Due = None
        if self._lost:
            self._lost = False
            self.logger.event("position_uncertain", t=t, active=False, reason="lost",
                              uncertainty_m=fix.uncertainty_m, lat=fix.lat, lon=fix.lon)
            due = ("position.back", "position-back")
        self._last_fix_t = t
        if self._uncertain != (fix.uncertainty_m >= UNCERTAIN_FROM_M) and not (
                self._uncertain and fix.uncertainty_m >= UNCERTAIN_CLEAR_M):
            self._uncertain = not self._uncertain
            self.logger.event("position_uncertain", t=t, active=self._uncertain,
                              reason="uncertain", uncertainty_m=fix.uncertainty_m, lat=fix.lat,
                              lon=fix.lon)
        return due

    def on_no_fix(self, t: float, route_id: int) -> Due:
        """No position on an active route: "lost" only when there was one on this route;
        before the first fix of the route it is still being found ("Position wird bestimmt"),
        said once."""
        if self._lost or self._route_t is None:
            return None
        had_fix = self._last_fix_t is not None and self._last_fix_t >= self._route_t
        since = self._last_fix_t if had_fix else self._route_t
        assert since is not None
        if had_fix and t - since > self.tm.position_lost_s:
            self._lost = True
            self.logger.event("position_uncertain", t=t, active=True, reason="lost")
            return ("position.lost", "position-lost")
        if not had_fix and t - since > self.tm.position_pending_s \
                and self._pending_said != route_id:
            self._pending_said = route_id
            return ("position.pending", f"position-pending-{route_id}")
        return None

    def too_poor(self, t: float, radius_m: float, route_id: int) -> tuple[bool, Due]:
        """Whether the matched position (its 90 % radius along the route) is too unsure to
        guide on, and "Position ungenau, bitte kurz stehen bleiben" once each time it is."""
        tm = self.tm
        if radius_m > tm.position_poor_m:
            self._poor_since = t if self._poor_since is None else self._poor_since
        elif radius_m < 0.7 * tm.position_poor_m:
            self._poor_since, self._poor_said = None, False
        if self._poor_since is None or t - self._poor_since < tm.position_poor_s:
            return False, None
        if self._poor_said:
            return True, None
        self._poor_said = True
        return True, ("position.poor", f"position-poor-{route_id}-{t:.0f}")
