"""The end of the route: "In 20 Metern erreichen Sie Ihr Ziel, …", then the arrival, said last."""

from __future__ import annotations

from accessibility.haptics import Pattern
from accessibility.speech import Priority
from mobile.guidance.active_route import ActiveRoute
from mobile.guidance.callout import Callout, GuidanceContext
from mobile.guidance.decision_callouts import DecisionCallouts
from mobile.guidance.talk import longest_fitting
from mobile.guidance.timings import GuidanceTimings
from mobile.guidance.wording import SpeechPreferences, phrase, wordings


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
