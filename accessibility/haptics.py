"""Vibration patterns a walker can tell apart by feel: left, right, arrive, warning.

Through plyer's vibrator where the phone has one; elsewhere (desktop, tests) every pattern is
logged and recorded, so a simulated walk shows when the phone would have vibrated.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Protocol

from accessibility.facts import ManeuverFacts
from accessibility.phrasing import turn_from_angle

log = logging.getLogger(__name__)


class Pattern(Enum):
    """plyer's vibrator.pattern form: seconds, alternating pause, buzz, pause, buzz …"""

    LEFT = (0.0, 0.12, 0.12, 0.12)  # two short buzzes
    RIGHT = (0.0, 0.45)  # one long buzz
    ARRIVE = (0.0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.6)  # three short, one long
    WARNING = (0.0, 0.5, 0.2, 0.5, 0.2, 0.5)  # three long

    @property
    def buzzes(self) -> tuple[float, ...]:
        return self.value[1::2]

    @property
    def seconds(self) -> float:
        return sum(self.value)


class Vibrator(Protocol):
    """The part of plyer's vibrator facade Lotse uses."""

    def pattern(self, pattern: Sequence[float], repeat: int = -1) -> None: ...


def platform_vibrator() -> Vibrator | None:
    """plyer's vibrator if this device has one, else None (plyer raises on the desktop)."""
    try:
        from plyer import vibrator

        return vibrator if vibrator.exists() else None
    except (ImportError, NotImplementedError, AttributeError) as exc:
        log.info("no vibrator on this platform (%s); haptic patterns are logged only", exc)
        return None


def pattern_for(facts: ManeuverFacts) -> Pattern | None:
    """The pattern that goes with a maneuver, or None when it needs none."""
    if facts.type in ("hazard", "barrier"):
        return Pattern.WARNING
    if facts.type == "arrive":
        return Pattern.ARRIVE
    turn = facts.turn or ("" if facts.angle_deg is None else turn_from_angle(facts.angle_deg))
    if facts.type == "turn" and turn.endswith("left"):
        return Pattern.LEFT
    if facts.type == "turn" and turn.endswith("right"):
        return Pattern.RIGHT
    return None


class Haptics:
    def __init__(
        self, vibrator: Vibrator | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._vibrator = vibrator if vibrator is not None else platform_vibrator()
        self.clock = clock
        self.played: list[tuple[float, Pattern]] = []

    @property
    def available(self) -> bool:
        return self._vibrator is not None

    def play(self, pattern: Pattern) -> bool:
        """Vibrate `pattern`; True if a vibrator buzzed, False if it was only logged."""
        self.played.append((self.clock(), pattern))
        if self._vibrator is None:
            log.info("haptic %s (no vibrator)", pattern.name)
            return False
        try:
            self._vibrator.pattern(list(pattern.value), repeat=-1)
        except NotImplementedError:
            log.warning("vibrator refused pattern %s; logged only", pattern.name)
            return False
        return True
