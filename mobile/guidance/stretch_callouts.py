"""What is said between decision points: reassurance after a long silence, places close by.

Both stay quiet near decision points and while anything more important is playing or waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from accessibility.speech import Priority
from accessibility.streets import street_at
from lotse_common.geodesy import to_xy
from mobile.guidance.active_route import ActiveRoute
from mobile.guidance.callout import Callout, GuidanceContext
from mobile.guidance.places import is_place, place_phrase
from mobile.guidance.talk import side_of
from mobile.guidance.texts import say
from mobile.guidance.timings import GuidanceTimings


class ReassuranceCallouts:
    """After `reassure_silence_s` without a word on a long stretch: "Weiter in der
    Marktstraße." Never a metre count, never close to a decision point ("kurz": never)."""

    def __init__(self, route: ActiveRoute, timings: GuidanceTimings) -> None:
        self.route, self.tm = route, timings
        self.said_before: float | None = None  # the end of the stretch last reassured on

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if ctx.progress_m is None or ctx.busy or ctx.voice.verbosity == "brief":
            return []
        p = ctx.progress_m
        nxt = self.route.next_decision(p)
        leg_end = nxt.at_m if nxt else self.route.length_m
        # once on a stretch after 30 s of silence; again on the same stretch only after longer
        again = self.said_before == leg_end
        if ctx.silent_s < (self.tm.reassure_repeat_s if again else self.tm.reassure_silence_s):
            return []
        if leg_end - p < self.tm.prep_m + self.tm.reassure_clear_m:
            return []
        self.said_before = leg_end
        return [Callout(self.text(p, ctx.voice.lang), Priority.INFO, "reassure",
                        f"reassure-{int(p)}", p + self.tm.reassure_clear_m)]

    def text(self, progress_m: float, lang: str) -> str:
        """"Weiter in der Marktstraße." on a named street, else "Weiter geradeaus." """
        street = None
        for m in self.route.maneuvers:
            if m.at_m > progress_m:
                break
            if m.facts.type in ("depart", "turn", "continue", "cross"):
                # a turn without a name stays on the street; a crossing leaves it
                street = m.facts.street or (street if m.facts.type == "turn" else None)
        if street:
            return say("reassure.on", lang, where=street_at(street, lang))
        return say("reassure.plain", lang)


class PlaceCallouts:
    """Shops and amenities close to the walker, with their side, only in quiet stretches well
    away from decision points (INFO; "kurz": never)."""

    def __init__(self, route: ActiveRoute, timings: GuidanceTimings,
                 places: Sequence[dict[str, Any]]) -> None:
        self.route, self.tm = route, timings
        self.places = [(p, *to_xy(float(p["lat"]), float(p["lon"]))) for p in places
                       if is_place(p)]
        #: places already named as a turn's landmark are not announced again
        self.said: set[str] = set()
        self.landmarks = {m.facts.landmark for m in route.maneuvers if m.facts.landmark}
        self.last_t: float | None = None

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if ctx.progress_m is None or ctx.busy or ctx.safety_active or not self.places \
                or ctx.voice.verbosity == "brief":
            return []
        p, tm = ctx.progress_m, self.tm
        if self.last_t is not None and ctx.t - self.last_t < tm.info_gap_s:
            return []
        nxt, prev = self.route.next_decision(p), self.route.previous_decision(p)
        if nxt is not None and nxt.at_m - p < tm.info_quiet_m:
            return []
        if self.route.length_m - p < tm.info_quiet_m:
            return []  # the arrival is near: nothing may crowd it
        if prev is not None and p - prev.at_m < tm.confirm_after_m + tm.reassure_clear_m:
            return []
        x, y = self.route.line.xy_at(p)
        best = None
        for place, px, py in self.places:
            ident = str(place.get("id") or place.get("osm_id") or place["name"])
            d = ((px - x) ** 2 + (py - y) ** 2) ** 0.5
            if ident not in self.said and d <= tm.info_radius_m and \
                    place["name"] not in self.landmarks and (best is None or d < best[0]):
                best = (d, ident, place, px, py)
        if best is None:
            return []
        _, ident, place, px, py = best
        self.said.add(ident)
        self.last_t = ctx.t
        when = ctx.when or datetime.now().astimezone()
        text = place_phrase(place, when, ctx.voice.lang)
        side = side_of(self.route.line.heading_at(p), (x, y), (px, py))
        if side:
            text = say(f"side.{side}", ctx.voice.lang, text=text)
        return [Callout(text, Priority.INFO, "info", f"place-{ident}", p + tm.info_radius_m)]
