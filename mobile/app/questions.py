"""The walker's questions to the controller: where am I, what is ahead, what is around, find.

Kept beside the controller so each stays short: `Questions` answers from the map, the fix and
the heading; `Asking` is the controller's side of it (the calls the screens make), mixed into
`GuideController`, which owns the state (the fix, the settings, the route).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from mobile.app import answers, destinations
from mobile.app.errors import ControllerError
from mobile.app.heading import HeadingTracker
from mobile.app.surroundings import AHEAD_M, Item, Surroundings
from mobile.guidance.texts import say
from mobile.positioning.beacons import PositionFix, position_phrase

log = logging.getLogger(__name__)

AROUND_RADIUS_M = 60.0  # m: "around me" covers this far


class Questions:
    def __init__(self, surroundings: Surroundings, heading: HeadingTracker,
                 fix: Callable[[], PositionFix | None], lang: Callable[[], str],
                 clock: Callable[[], float], pipeline: Callable[[], Any],
                 wall_clock: Callable[[], datetime]) -> None:
        self.surroundings = surroundings
        self.tracker = heading
        self._fix, self._lang, self._clock = fix, lang, clock
        self._pipeline = pipeline
        self._wall_clock = wall_clock

    def _route_heading(self) -> float | None:
        p = self._pipeline()
        if p.route is None or p.progress_m is None:
            return None
        return p.route.line.heading_at(p.progress_m)

    def heading(self) -> tuple[float, str] | None:
        """Compass, else the walking direction, else (while guiding) the route's direction."""
        found = self.tracker.heading(self._clock())
        if found is None and (route := self._route_heading()) is not None:
            found = (route, "walking")
        return found

    def where_am_i(self, beacons: dict[str, Any]) -> str:
        fix, lang = self._fix(), self._lang()
        if fix is None:
            return say("position.unknown", lang)
        said = answers.where_am_i_sentences(self.surroundings, fix.lat, fix.lon,
                                            fix.uncertainty_m, self.heading(), lang)
        beacon = beacons.get(fix.nearest_beacon or "")
        if beacon is not None and beacon.placement.get(lang):
            said.append(position_phrase(fix, beacon.placement[lang], lang))
        return " ".join(said)

    def items(self, ahead: bool) -> list[dict[str, Any]]:
        """ "Vor mir" (50 m in the walking direction) or "Um mich herum" (60 m all round):
        each entry a destination (name, lat, lon) with the `label` that is said and shown."""
        fix, lang = self._fix(), self._lang()
        if fix is None:
            return []
        heading = self.heading()
        heading_deg = heading[0] if heading else None
        found: list[Item] = self.surroundings.items(
            fix.lat, fix.lon, AHEAD_M if ahead else AROUND_RADIUS_M, heading_deg,
            ahead_only=ahead)
        when = self._wall_clock()
        return [item.as_destination() | {"label": answers.item_text(item, heading_deg, lang, when),
                                         "distance_m": item.distance_m} for item in found]

    def empty_items_text(self, ahead: bool) -> str:
        """Why a list is empty: no position, no direction yet, or nothing there."""
        lang = self._lang()
        if self._fix() is None:
            return say("position.unknown", lang)
        if ahead and self.heading() is None:
            return say("ahead.no_heading", lang)
        return say("ahead.none" if ahead else "around.nothing", lang)

    def search(self, q: str, name_search: Callable[[str], list[dict]]) -> list[dict[str, Any]]:
        fix = self._fix()
        heading = self.heading()
        return destinations.search(q, self.surroundings.all_places, name_search,
                                   (fix.lat, fix.lon) if fix else None,
                                   heading[0] if heading else None, self._lang())


class Asking:
    """The controller's question calls (docs/CONTRACTS.md); needs `ask`, `pipeline`,
    `planner` and `settings` from the controller."""

    ask: Questions
    pipeline: Any
    planner: Any
    settings: Any

    def where_am_i(self) -> str:
        """Street and house numbers or a named place, direction, next crossing, how sure."""
        return self.ask.where_am_i(self.pipeline.positioner.beacons)

    def ahead(self) -> list[dict[str, Any]]:
        """What lies within 50 m in the walking direction, each a possible destination."""
        return self.ask.items(ahead=True)

    def around(self) -> list[dict[str, Any]]:
        """Places, crossings and intersections all round, each a possible destination."""
        return self.ask.items(ahead=False)

    def nothing_near(self, ahead: bool = False) -> str:
        """Why "ahead" or "around" is empty: no position, no direction yet, or nothing there."""
        return self.ask.empty_items_text(ahead)

    def around_me(self) -> list[str]:
        return [f"{i['label']}." for i in self.around()] or [self.nothing_near()]

    def search(self, q: str) -> list[dict[str, Any]]:
        """Category words find the nearest of the kind; names one entry per place; nearest
        first, each hit with a `label` in the user's language (`mobile.app.destinations`)."""
        q = (q or "").strip()
        if not q:
            raise ControllerError(say("search.none", self.settings.lang, q="…"))
        try:
            return self.ask.search(q, self.planner.search)
        except Exception as exc:  # noqa: BLE001 - network or map trouble is said, not raised raw
            log.warning("search failed: %s", exc)
            raise ControllerError(say("routing.none", self.settings.lang)) from None
