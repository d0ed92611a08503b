"""The guidance loop: callout generators decide *what* to say, the speech queue decides *when*.

After Soundscape: each generator looks at the same per-tick context (time, progress along the
route, position, what is playing) and returns callouts as data; none of them speaks. The loop is an
ordered list of generators; the pipeline turns callouts into `Message`s for the one `SpeechQueue`.
Every distance and time comes from `GuidanceTimings`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from accessibility.haptics import Pattern, pattern_for
from accessibility.speech import Priority
from accessibility.streets import street_at, street_into
from lotse_common.geodesy import to_xy
from mobile.guidance.active_route import ActiveRoute, Maneuver
from mobile.guidance.places import is_place, place_phrase
from mobile.guidance.talk import longest_fitting, side_of, signed_angle
from mobile.guidance.texts import say
from mobile.guidance.timings import GuidanceTimings
from mobile.guidance.wording import SpeechPreferences, chainable, instruction_text, phrase, wordings

__all__ = ["Callout", "GuidanceContext", "GuidanceLoop", "SpeechPreferences"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Callout:
    text: str
    priority: Priority
    kind: str  # depart, prep, hazard, instruction, confirm, reassure, info, arrival, position
    key: str | None = None
    expires_at_m: float | None = None
    maneuver: int | None = None
    #: decision points said with this one ("Danach: …") because they follow too closely
    chained: tuple[int, ...] = ()
    #: felt when the message starts (turn side, warning, arrival)
    haptic: Pattern | None = None


@dataclass(frozen=True, slots=True)
class GuidanceContext:
    t: float
    progress_m: float | None  # None: no position matched to the route
    voice: SpeechPreferences
    #: a SAFETY message is playing or waiting (then no place information)
    safety_active: bool = False
    #: anything of GUIDANCE or higher is playing or waiting
    busy: bool = False
    #: route progress where the last guidance callout was made
    last_callout_m: float = 0.0
    speed_mps: float = 0.0
    when: datetime | None = None  # wall clock for opening hours
    #: s since the phone last said anything (reassurance only after a long silence)
    silent_s: float = 0.0
    #: the way the walker faces or walks (degrees from north); None = not known
    heading_deg: float | None = None


class CalloutGenerator(Protocol):
    def handle(self, ctx: GuidanceContext) -> list[Callout]: ...


class DepartCallouts:
    """The first maneuver, said once at once, with a direction (relative to the walker's facing
    when known, else the compass point), and the decision point too close to the start to get
    its own instruction ("Danach: Rechts abbiegen …"), which then counts as instructed."""

    def __init__(self, route: ActiveRoute, decisions: DecisionCallouts,
                 enabled: bool = True) -> None:
        self.route, self.decisions, self.done = route, decisions, not enabled

    def start(self, voice: SpeechPreferences, facing_deg: float | None = None,
              wrap: str | None = None) -> tuple[str, tuple[int, ...]]:
        """The first maneuver's text and the decision points chained to it."""
        first = self.route.maneuvers[0]
        near = [m for m in self.route.maneuvers[1:2]
                if chainable(m) and m.at_m < self.decisions.tm.instruction_m]
        text, chained = instruction_text(first, near, voice, facing_deg, wrap)
        self.decisions.instructed.update(m.index for m in chained)
        self.decisions.prepped.update(m.index for m in chained)
        return text, tuple(m.index for m in chained)

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if self.done:
            return []
        self.done = True
        first = self.route.maneuvers[0]
        if first.facts.type != "depart":
            return []
        text, chained = self.start(ctx.voice, self.facing(ctx))
        return [Callout(text, Priority.GUIDANCE, "depart", "depart", maneuver=first.index,
                        chained=chained)]

    def facing(self, ctx: GuidanceContext) -> float | None:
        """The first leg relative to the walker's heading; None when the heading is unknown."""
        bearing = self.route.first_bearing_deg
        if ctx.heading_deg is None or bearing is None:
            return None
        return signed_angle(bearing, ctx.heading_deg)


class DecisionCallouts:
    """Per decision point: a preparatory hint (SAFETY warning for hazards), then the instruction."""

    def __init__(self, route: ActiveRoute, timings: GuidanceTimings) -> None:
        self.route, self.tm = route, timings
        self.prepped: set[int] = set()
        self.instructed: set[int] = set()
        self.missed: set[int] = set()
        #: instructions that named their new street (no confirmation needed then)
        self.street_said: set[int] = set()

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if ctx.progress_m is None:
            return []
        out: list[Callout] = []
        p, tm = ctx.progress_m, self.tm
        lead = max(ctx.speed_mps, 0.0) * tm.instruction_lead_s
        prev_at = 0.0
        for m in self.route.maneuvers:
            if not m.is_decision:
                prev_at = m.at_m
                continue
            remaining = m.at_m - p
            done = m.index in self.instructed or m.index in self.missed
            if not done and remaining < -tm.expire_after_m:
                self.missed.add(m.index)  # passed without a word: never say it late
                log.warning("decision point %d passed unannounced", m.index)
            elif not done and remaining <= tm.instruction_m + lead:
                text, chained = instruction_text(m, self._chain(m), ctx.voice)
                if m.facts.street and street_into(m.facts.street, ctx.voice.lang) in text:
                    self.street_said.add(m.index)
                self.instructed.update([m.index, *(c.index for c in chained)])
                self.prepped.update([m.index, *(c.index for c in chained)])
                prio = Priority.SAFETY if any(x.is_hazard for x in (m, *chained)) \
                    else Priority.GUIDANCE
                out.append(Callout(text, prio, "instruction", f"maneuver-{m.index}",
                                   m.at_m + 2.0, m.index, tuple(c.index for c in chained),
                                   pattern_for(m.facts)))
            elif m.index not in self.prepped and not done:
                ahead = tm.hazard_warn_m if m.is_hazard else tm.prep_m
                # a hint ahead only after a long stretch (or for a hazard, always): on a short
                # leg the instruction follows too soon for a hint to help ("kurz": hazards only)
                leg = tm.hazard_warn_m if m.is_hazard else tm.prep_min_leg_m
                wanted = m.is_hazard or (ctx.voice.verbosity != "brief"
                                         and m.facts.type != "continue")
                room = m.at_m - prev_at >= max(tm.instruction_m + tm.prep_min_gap_m, leg)
                if remaining <= ahead and room and wanted:
                    self.prepped.add(m.index)
                    if remaining >= tm.instruction_m + tm.prep_min_gap_m * 0.5:
                        prio = Priority.SAFETY if m.is_hazard else Priority.GUIDANCE
                        kind = "hazard" if m.is_hazard else "prep"
                        # the hint is the action only; street and landmark come with the
                        # instruction (a hazard is said in full: it may be all there is)
                        said = wordings(ctx.voice) if m.is_hazard or \
                            ctx.voice.verbosity == "detailed" else wordings(ctx.voice)[-1:]
                        text = longest_fitting([phrase(m, w, "prep", remaining)
                                                for w in said], ctx.voice.lang)
                        out.append(Callout(
                            text, prio, kind,
                            f"prep-{m.index}", m.at_m - tm.instruction_m, m.index,
                            haptic=Pattern.WARNING if m.is_hazard else None))
            prev_at = m.at_m
        return out

    def _chain(self, first: Maneuver) -> list[Maneuver]:
        """Decision points right after `first`: too close to get their own instruction."""
        chained: list[Maneuver] = []
        last = first
        for n in self.route.maneuvers[first.index + 1:]:
            if not n.is_decision:
                continue
            if n.at_m - last.at_m >= self.tm.chain_m or chained or not chainable(n):
                break  # at most one "Danach:"
            if n.index not in self.instructed:
                chained.append(n)
            last = n
        return chained


class ConfirmCallouts:
    """After a turn onto a named street or a crossing: "Sie sind jetzt in der …", unless the
    next point is close ("kurz": never)."""

    CONFIRMED_TYPES = frozenset({"turn", "cross", "open_square"})

    def __init__(self, route: ActiveRoute, timings: GuidanceTimings,
                 decisions: DecisionCallouts) -> None:
        self.route, self.tm, self.decisions = route, timings, decisions
        self.done: set[int] = set()

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if ctx.progress_m is None or ctx.voice.verbosity == "brief":
            return []
        p, tm = ctx.progress_m, self.tm
        prev = self.route.previous_decision(p)
        if prev is None or prev.index in self.done or prev.facts.type not in self.CONFIRMED_TYPES:
            return []
        if p < prev.at_m + tm.confirm_after_m:
            return []
        self.done.add(prev.index)
        if prev.facts.type != "cross" and (not prev.facts.street or (
                prev.index in self.decisions.street_said and ctx.voice.verbosity != "detailed")):
            return []  # the instruction named the street already, or there is none to name
        nxt = self.route.next_decision(p)
        next_at = nxt.at_m if nxt else self.route.length_m
        if next_at - p < tm.instruction_m + tm.confirm_clear_m or p > prev.at_m + tm.expire_after_m:
            return []
        return [Callout(phrase(prev, ctx.voice, "confirm"), Priority.GUIDANCE, "confirm",
                        f"confirm-{prev.index}", p + tm.expire_after_m, prev.index)]


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


class ArrivalCallouts:
    """"In 20 Metern erreichen Sie Ihr Ziel, …" ahead, then the arrival: always said, last."""

    def __init__(self, route: ActiveRoute, timings: GuidanceTimings,
                 decisions: DecisionCallouts) -> None:
        self.route, self.tm, self.decisions = route, timings, decisions
        self.arrived = False
        self.prepared = False

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if self.arrived or ctx.progress_m is None:
            return []
        last = self.route.arrival
        remaining = self.route.length_m - ctx.progress_m
        if remaining > self.tm.arrival_m:
            return self._prepare(ctx, remaining) if last else []
        self.arrived = True
        text = self.arrival_text(ctx.voice) if last else ""
        return [Callout(text, Priority.GUIDANCE, "arrival", "arrival",
                        maneuver=last.index if last else None,
                        haptic=Pattern.ARRIVE)] if text else []

    def arrival_text(self, voice: SpeechPreferences) -> str:
        last = self.route.arrival
        assert last is not None
        return longest_fitting([phrase(last, w, "at") for w in wordings(voice)], voice.lang)

    def prep_text(self, voice: SpeechPreferences, remaining_m: float) -> str:
        last = self.route.arrival
        assert last is not None
        return longest_fitting([phrase(last, w, "prep", remaining_m) for w in wordings(voice)],
                               voice.lang)

    def _prepare(self, ctx: GuidanceContext, remaining: float) -> list[Callout]:
        tm, last = self.tm, self.route.arrival
        if self.prepared or remaining > tm.arrival_prep_m or last is None:
            return []
        p = ctx.progress_m or 0.0
        nxt = self.route.next_decision(p)
        if nxt is not None and nxt.index not in self.decisions.instructed and \
                nxt.at_m - p < tm.instruction_m + tm.prep_min_gap_m:
            return []  # an instruction is due first: this follows it
        if nxt is not None:  # a last turn close to the end: this hint stands for its hint
            self.decisions.prepped.add(nxt.index)
        self.prepared = True
        if remaining < tm.arrival_m + tm.instruction_m:
            return []  # too close already: the arrival itself follows at once
        text = self.prep_text(ctx.voice, remaining)
        return [Callout(text, Priority.GUIDANCE, "prep", "arrival-prep",
                        self.route.length_m - tm.arrival_m, last.index)]


@dataclass
class GuidanceLoop:
    """One route's generators in order; made anew for every (re-)route."""

    route: ActiveRoute
    timings: GuidanceTimings = field(default_factory=GuidanceTimings)
    places: Sequence[dict[str, Any]] = ()
    generators: list[CalloutGenerator] = field(init=False)
    last_callout_m: float = 0.0
    #: False after a re-route: the pipeline says "Neue Route: …" itself
    announce_depart: bool = True

    def __post_init__(self) -> None:
        self.decisions = DecisionCallouts(self.route, self.timings)
        self.arrival = ArrivalCallouts(self.route, self.timings, self.decisions)
        self.depart = DepartCallouts(self.route, self.decisions, self.announce_depart)
        self.reassurance = ReassuranceCallouts(self.route, self.timings)
        self.generators = [
            self.depart,
            self.decisions,
            ConfirmCallouts(self.route, self.timings, self.decisions),
            self.arrival,
            self.reassurance,
            PlaceCallouts(self.route, self.timings, self.places),
        ]

    @property
    def arrived(self) -> bool:
        return self.arrival.arrived

    def first_text(self, voice: SpeechPreferences, facing_deg: float | None = None,
                   wrap: str | None = None) -> str:
        """The route's first maneuver, phrased for this user (said after a re-route) with the
        way to walk (relative to `facing_deg` when known), and the decision point too close to
        the start for its own instruction; `wrap` frames it ("Neue Route: {first}")."""
        return self.depart.start(voice, facing_deg, wrap)[0]

    def next_step_text(self, voice: SpeechPreferences, progress_m: float | None) -> str | None:
        """The next decision point (or the arrival) with its distance, in `voice`'s wording."""
        p = progress_m or 0.0
        nxt = self.route.next_decision(p) or self.route.arrival
        if nxt is None:
            return None
        return longest_fitting([phrase(nxt, w, "prep", max(nxt.at_m - p, 0.0))
                                for w in wordings(voice)], voice.lang)

    def tick(self, ctx: GuidanceContext) -> list[Callout]:
        out: list[Callout] = []
        for gen in self.generators:
            if self.arrived and not isinstance(gen, ArrivalCallouts):
                continue
            got = gen.handle(ctx)
            for c in got:
                if c.kind != "info" and ctx.progress_m is not None:
                    self.last_callout_m = ctx.progress_m
                ctx = _with(ctx, last_callout_m=self.last_callout_m, silent_s=0.0,
                            busy=ctx.busy or c.priority >= Priority.GUIDANCE,
                            safety_active=ctx.safety_active or c.priority >= Priority.SAFETY)
            out.extend(got)
        return out


def _with(ctx: GuidanceContext, **changes: Any) -> GuidanceContext:
    return replace(ctx, **changes)
