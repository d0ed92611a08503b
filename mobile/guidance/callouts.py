"""The guidance loop: callout generators decide *what* to say, the speech queue decides *when*.

After Soundscape: each generator looks at the same per-tick context (time, progress along the
route, position, what is playing) and returns callouts as data; none of them speaks. The loop is an
ordered list of generators (`decision_callouts`, `arrival_callouts`, `stretch_callouts`); the
pipeline turns callouts into `Message`s for the one `SpeechQueue`. Every distance and time comes
from `GuidanceTimings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from accessibility.speech import Priority
from mobile.guidance.active_route import ActiveRoute
from mobile.guidance.arrival_callouts import ArrivalCallouts
from mobile.guidance.callout import Callout, CalloutGenerator, GuidanceContext
from mobile.guidance.decision_callouts import ConfirmCallouts, DecisionCallouts, DepartCallouts
from mobile.guidance.stretch_callouts import PlaceCallouts, ReassuranceCallouts
from mobile.guidance.talk import longest_fitting
from mobile.guidance.timings import GuidanceTimings
from mobile.guidance.wording import SpeechPreferences, phrase, wordings

__all__ = ["Callout", "GuidanceContext", "GuidanceLoop", "SpeechPreferences"]


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
