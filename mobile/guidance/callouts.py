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
from accessibility.phrasing import format_distance, maneuver_text
from accessibility.speech import Priority
from lotse_common.geodesy import to_xy
from mobile.guidance.active_route import ActiveRoute, Maneuver
from mobile.guidance.places import is_place, place_phrase
from mobile.guidance.texts import say
from mobile.guidance.timings import GuidanceTimings

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
class Voice:
    """How the user wants to be spoken to (from AppSettings)."""

    lang: str = "de"
    verbosity: str = "normal"
    clock_face: bool = False


@dataclass(frozen=True, slots=True)
class GuidanceContext:
    t: float
    progress_m: float | None  # None: no position matched to the route
    voice: Voice
    #: a SAFETY message is playing or waiting (then no place information)
    safety_active: bool = False
    #: anything of GUIDANCE or higher is playing or waiting
    busy: bool = False
    #: route progress where the last guidance callout was made
    last_callout_m: float = 0.0
    speed_mps: float = 0.0
    when: datetime | None = None  # wall clock for opening hours


class CalloutGenerator(Protocol):
    def handle(self, ctx: GuidanceContext) -> list[Callout]: ...


def _text(m: Maneuver, v: Voice, form: str, distance_to_m: float | None = None) -> str:
    return maneuver_text(m.facts, lang=v.lang, form=form, clock_face=v.clock_face,
                         verbosity=v.verbosity, distance_to_m=distance_to_m)


class DepartCallouts:
    """The first maneuver, said once at once, with the decision points too close to the start
    to get their own instruction ("Danach: Rechts abbiegen …"); they count as instructed."""

    def __init__(self, route: ActiveRoute, decisions: DecisionCallouts,
                 enabled: bool = True) -> None:
        self.route, self.decisions, self.done = route, decisions, not enabled

    def start(self, voice: Voice) -> tuple[str, tuple[int, ...]]:
        """The first maneuver's text and the decision points chained to it."""
        first = self.route.maneuvers[0]
        near = [m for m in self.route.maneuvers[1:3]
                if m.is_decision and m.at_m < self.decisions.tm.instruction_m]
        self.decisions.instructed.update(m.index for m in near)
        self.decisions.prepped.update(m.index for m in near)
        text = " ".join([_text(first, voice, "at"), *(
            say("then", voice.lang, text=_text(m, voice, "at")) for m in near)])
        return text, tuple(m.index for m in near)

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if self.done:
            return []
        self.done = True
        first = self.route.maneuvers[0]
        if first.facts.type != "depart":
            return []
        text, chained = self.start(ctx.voice)
        return [Callout(text, Priority.GUIDANCE, "depart", "depart", maneuver=first.index,
                        chained=chained)]


class DecisionCallouts:
    """Per decision point: a preparatory hint (SAFETY warning for hazards), then the instruction."""

    def __init__(self, route: ActiveRoute, timings: GuidanceTimings) -> None:
        self.route, self.tm = route, timings
        self.prepped: set[int] = set()
        self.instructed: set[int] = set()
        self.missed: set[int] = set()

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
                chained = self._chain(m)
                self.instructed.update([m.index, *(c.index for c in chained)])
                self.prepped.update([m.index, *(c.index for c in chained)])
                text = " ".join([_text(m, ctx.voice, "at"), *(
                    say("then", ctx.voice.lang, text=_text(c, ctx.voice, "at")) for c in chained)])
                prio = Priority.SAFETY if any(x.is_hazard for x in (m, *chained)) \
                    else Priority.GUIDANCE
                out.append(Callout(text, prio, "instruction", f"maneuver-{m.index}",
                                   m.at_m + 2.0, m.index, tuple(c.index for c in chained),
                                   pattern_for(m.facts)))
            elif m.index not in self.prepped and not done:
                ahead = tm.hazard_warn_m if m.is_hazard else tm.prep_m
                room = m.at_m - prev_at >= tm.instruction_m + tm.prep_min_gap_m
                if remaining <= ahead and room:
                    self.prepped.add(m.index)
                    if remaining >= tm.instruction_m + tm.prep_min_gap_m * 0.5:
                        prio = Priority.SAFETY if m.is_hazard else Priority.GUIDANCE
                        kind = "hazard" if m.is_hazard else "prep"
                        out.append(Callout(
                            _text(m, ctx.voice, "prep", remaining), prio, kind,
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
            if n.at_m - last.at_m >= self.tm.chain_m or len(chained) >= 2:
                break
            if n.index not in self.instructed:
                chained.append(n)
            last = n
        return chained


class ConfirmCallouts:
    """After a turn or crossing: "Sie sind jetzt in der …" unless the next point is close."""

    CONFIRMED_TYPES = frozenset({"turn", "cross", "open_square"})

    def __init__(self, route: ActiveRoute, timings: GuidanceTimings) -> None:
        self.route, self.tm = route, timings
        self.done: set[int] = set()

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if ctx.progress_m is None:
            return []
        p, tm = ctx.progress_m, self.tm
        prev = self.route.previous_decision(p)
        if prev is None or prev.index in self.done or prev.facts.type not in self.CONFIRMED_TYPES:
            return []
        if p < prev.at_m + tm.confirm_after_m:
            return []
        self.done.add(prev.index)
        nxt = self.route.next_decision(p)
        next_at = nxt.at_m if nxt else self.route.length_m
        if next_at - p < tm.instruction_m + tm.confirm_clear_m or p > prev.at_m + tm.expire_after_m:
            return []
        return [Callout(_text(prev, ctx.voice, "confirm"), Priority.GUIDANCE, "confirm",
                        f"confirm-{prev.index}", p + tm.expire_after_m, prev.index)]


class ReassuranceCallouts:
    """On a long straight: "Weiter geradeaus, noch 40 Meter." every `reassure_every_m`."""

    def __init__(self, route: ActiveRoute, timings: GuidanceTimings) -> None:
        self.route, self.tm = route, timings

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if ctx.progress_m is None or ctx.busy:
            return []
        p, tm = ctx.progress_m, self.tm
        prev = self.route.previous_decision(p)
        nxt = self.route.next_decision(p)
        leg_start = prev.at_m if prev else 0.0
        leg_end = nxt.at_m if nxt else self.route.length_m
        if leg_end - leg_start < tm.reassure_min_leg_m:
            return []
        if p - ctx.last_callout_m < tm.reassure_every_m or p - leg_start < tm.reassure_clear_m:
            return []
        if leg_end - p < tm.prep_m + tm.reassure_clear_m:
            return []
        text = say("reassure", ctx.voice.lang,
                   distance=format_distance(leg_end - p, ctx.voice.lang))
        return [Callout(text, Priority.INFO, "reassure", f"reassure-{int(p)}",
                        p + tm.reassure_clear_m)]


class PlaceCallouts:
    """Shops and amenities close to the walker, only in quiet stretches (INFO)."""

    def __init__(self, route: ActiveRoute, timings: GuidanceTimings,
                 places: Sequence[dict[str, Any]]) -> None:
        self.route, self.tm = route, timings
        self.places = [(p, *to_xy(float(p["lat"]), float(p["lon"]))) for p in places
                       if is_place(p)]
        self.said: set[str] = set()
        self.last_t: float | None = None

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if ctx.progress_m is None or ctx.busy or ctx.safety_active or not self.places:
            return []
        p, tm = ctx.progress_m, self.tm
        if self.last_t is not None and ctx.t - self.last_t < tm.info_gap_s:
            return []
        nxt, prev = self.route.next_decision(p), self.route.previous_decision(p)
        if nxt is not None and nxt.at_m - p < tm.info_quiet_m:
            return []
        if prev is not None and p - prev.at_m < tm.confirm_after_m + tm.reassure_clear_m:
            return []
        x, y = self.route.line.xy_at(p)
        best = None
        for place, px, py in self.places:
            ident = str(place.get("id") or place.get("osm_id") or place["name"])
            d = ((px - x) ** 2 + (py - y) ** 2) ** 0.5
            if ident not in self.said and d <= tm.info_radius_m and (best is None or d < best[0]):
                best = (d, ident, place)
        if best is None:
            return []
        _, ident, place = best
        self.said.add(ident)
        self.last_t = ctx.t
        when = ctx.when or datetime.now().astimezone()
        text = place_phrase(place, when, ctx.voice.lang)
        return [Callout(text, Priority.INFO, "info", f"place-{ident}", p + tm.info_radius_m)]


class ArrivalCallouts:
    def __init__(self, route: ActiveRoute, timings: GuidanceTimings) -> None:
        self.route, self.tm = route, timings
        self.arrived = False

    def handle(self, ctx: GuidanceContext) -> list[Callout]:
        if self.arrived or ctx.progress_m is None:
            return []
        if self.route.length_m - ctx.progress_m > self.tm.arrival_m:
            return []
        self.arrived = True
        last = self.route.arrival
        text = _text(last, ctx.voice, "at") if last else ""
        return [Callout(text, Priority.GUIDANCE, "arrival", "arrival",
                        maneuver=last.index if last else None,
                        haptic=Pattern.ARRIVE)] if text else []


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
        self.arrival = ArrivalCallouts(self.route, self.timings)
        self.decisions = DecisionCallouts(self.route, self.timings)
        self.depart = DepartCallouts(self.route, self.decisions, self.announce_depart)
        self.generators = [
            self.depart,
            self.decisions,
            ConfirmCallouts(self.route, self.timings),
            self.arrival,
            ReassuranceCallouts(self.route, self.timings),
            PlaceCallouts(self.route, self.timings, self.places),
        ]

    @property
    def arrived(self) -> bool:
        return self.arrival.arrived

    def first_text(self, voice: Voice) -> str:
        """The route's first maneuver, phrased for this user (said after a re-route), with the
        decision points too close to the start for their own instruction."""
        return self.depart.start(voice)[0]

    def tick(self, ctx: GuidanceContext) -> list[Callout]:
        out: list[Callout] = []
        for gen in self.generators:
            if self.arrived and not isinstance(gen, ArrivalCallouts):
                continue
            got = gen.handle(ctx)
            for c in got:
                if c.kind != "info" and ctx.progress_m is not None:
                    self.last_callout_m = ctx.progress_m
                ctx = _with(ctx, last_callout_m=self.last_callout_m,
                            busy=ctx.busy or c.priority >= Priority.GUIDANCE,
                            safety_active=ctx.safety_active or c.priority >= Priority.SAFETY)
            out.extend(got)
        return out


def _with(ctx: GuidanceContext, **changes: Any) -> GuidanceContext:
    return replace(ctx, **changes)
