"""What is said at decision points: the departure, the hint and the instruction, the confirmation.

Every distance comes from `GuidanceTimings`; the instruction starts `instruction_m` before the
point (plus the earcon's lead), the hint `prep_m` before it, the confirmation `confirm_after_m`
after a turn.
"""

from __future__ import annotations

import logging

from accessibility.haptics import Pattern, pattern_for
from accessibility.speech import Priority
from accessibility.streets import street_into
from mobile.guidance.active_route import ActiveRoute, Maneuver
from mobile.guidance.callout import Callout, GuidanceContext
from mobile.guidance.talk import longest_fitting, signed_angle
from mobile.guidance.timings import GuidanceTimings
from mobile.guidance.wording import SpeechPreferences, chainable, instruction_text, phrase, wordings

log = logging.getLogger(__name__)


class DepartCallouts:
    """The first maneuver, said once at once, with a direction (relative to the walker's facing
    when known, else the compass point), and a decision point as close after the start as
    `chain_m` ("Danach: Rechts abbiegen …"), which then counts as instructed: the departure is
    a decision point like the others, and one this close after another is said with it (its
    own instruction would follow the departure within seconds, timed on the least sure
    estimate of the walk, before the walker's pace is known)."""

    def __init__(self, route: ActiveRoute, decisions: DecisionCallouts,
                 enabled: bool = True) -> None:
        self.route, self.decisions, self.done = route, decisions, not enabled

    def start(self, voice: SpeechPreferences, facing_deg: float | None = None,
              wrap: str | None = None) -> tuple[str, tuple[int, ...]]:
        """The first maneuver's text and the decision points chained to it."""
        first = self.route.maneuvers[0]
        near = [m for m in self.route.maneuvers[1:2]
                if chainable(m) and m.at_m < self.decisions.tm.chain_m]
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
