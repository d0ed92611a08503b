"""What a callout generator returns and what it looks at: the data of the guidance loop.

Generators (`decision_callouts`, `stretch_callouts`, `arrival_callouts`) return `Callout`s as data
for one `GuidanceContext` per tick; none of them speaks (Soundscape's split of deciding from
speaking).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from accessibility.haptics import Pattern
from accessibility.speech import Priority
from mobile.guidance.wording import SpeechPreferences


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
