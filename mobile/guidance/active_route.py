"""The route being walked, as the guidance loop needs it: maneuvers with facts, and the line.

Built from the route body (`Route.to_dict()` / the POST /v1/routes response), so the same object
comes from the server, from the local router offline, and from a tester log during replay. Facts are
kept so every sentence can be phrased again on the phone in the user's language and verbosity.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from accessibility.facts import ManeuverFacts
from accessibility.phrasing import maneuver_text
from mobile.positioning.geo import RouteLine

log = logging.getLogger(__name__)

#: maneuver types that are warned about early, as SAFETY messages
HAZARD_TYPES = frozenset({"hazard", "barrier", "steps"})
#: maneuver types that are decision points (depart and arrive are said on their own)
DECISION_TYPES = frozenset({"continue", "turn", "cross", "steps", "barrier", "open_square",
                            "tactile_paving", "hazard"})


class RouteFormatError(ValueError):
    """A route body this phone cannot follow (missing geometry or maneuvers)."""


@dataclass(frozen=True, slots=True)
class Maneuver:
    index: int
    at_m: float
    facts: ManeuverFacts
    text: str
    lat: float
    lon: float

    @property
    def is_decision(self) -> bool:
        return self.facts.type in DECISION_TYPES

    @property
    def is_hazard(self) -> bool:
        return self.facts.type in HAZARD_TYPES or bool(self.facts.hazard_text)


class ActiveRoute:
    """`destination_name`: what the walker chose ("Eisenbahnstraße"); the arrival names it."""

    def __init__(self, body: dict[str, Any], destination_name: str | None = None) -> None:
        try:
            coords = body["geometry"]["coordinates"]
            raw = body["maneuvers"]
            distance = float(body["distance_m"])
        except (KeyError, TypeError, ValueError) as exc:
            raise RouteFormatError(f"route body lacks {exc}") from None
        self.body = body
        self.line = RouteLine(coords, distance)
        self.length_m = self.line.length_m
        self.maneuvers: list[Maneuver] = []
        for i, m in enumerate(raw):
            try:
                loc = m.get("location") or {}
                self.maneuvers.append(Maneuver(
                    i, float(m["at_m"]), ManeuverFacts.from_dict(m), str(m.get("text", "")),
                    float(loc.get("lat", 0.0)), float(loc.get("lon", 0.0))))
            except (KeyError, TypeError, ValueError) as exc:
                raise RouteFormatError(f"maneuver {i} is unusable: {exc}") from None
        if not self.maneuvers:
            raise RouteFormatError("route has no maneuvers")
        self.destination_name = destination_name
        last = self.maneuvers[-1]
        if destination_name and last.facts.type == "arrive":
            facts = replace(last.facts, landmark=destination_name, landmark_category=None)
            self.maneuvers[-1] = replace(last, facts=facts)
        #: direction of the first leg (degrees from north), for "which way to start"
        first = raw[0] if raw else {}
        self.first_bearing_deg: float | None = (
            float(first["bearing_deg"]) if first.get("bearing_deg") is not None else None)

    def rephrase(self, lang: str, verbosity: str = "normal") -> None:
        """Every maneuver's text again in `lang` (after a language switch), from its facts."""
        self.maneuvers = [replace(m, text=maneuver_text(m.facts, lang=lang, verbosity=verbosity))
                          for m in self.maneuvers]

    @property
    def decisions(self) -> list[Maneuver]:
        return [m for m in self.maneuvers if m.is_decision]

    @property
    def arrival(self) -> Maneuver | None:
        last = self.maneuvers[-1]
        return last if last.facts.type == "arrive" else None

    def next_decision(self, progress_m: float) -> Maneuver | None:
        for m in self.maneuvers:
            if m.is_decision and m.at_m > progress_m:
                return m
        return None

    def previous_decision(self, progress_m: float) -> Maneuver | None:
        before = [m for m in self.maneuvers if m.is_decision and m.at_m <= progress_m]
        return before[-1] if before else None

    def destination(self) -> tuple[float, float]:
        lon, lat = self.body["geometry"]["coordinates"][-1][:2]
        return float(lat), float(lon)
