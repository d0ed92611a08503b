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


#: where plyer has a vibrator back-end; elsewhere asking plyer only prints an import traceback
VIBRATOR_PLATFORMS = frozenset({"android", "ios"})
#: platforms already told about in the log: "no vibrator" is said once, not per walk or test
_announced_absent: set[str] = set()


def current_platform() -> str:
    """plyer's platform name ("android", "ios", "linux", "win", "macosx")."""
    from plyer.utils import platform

    return str(platform)


def platform_vibrator(platform: str | None = None) -> Vibrator | None:
    """plyer's vibrator on a phone that has one, else None.

    The platform is decided first: on a desktop plyer's vibrator lookup fails inside plyer, which
    prints a `ModuleNotFoundError` traceback to stderr before we could catch anything, so plyer's
    vibrator is only asked for on Android and iOS.
    """
    name = platform or current_platform()
    if name not in VIBRATOR_PLATFORMS:
        _no_vibrator(name, "no vibrator back-end on this platform")
        return None
    try:
        from plyer import vibrator

        if vibrator.exists():
            return vibrator
        reason = "the device reports none"
    except (ImportError, NotImplementedError, AttributeError) as exc:
        reason = str(exc) or type(exc).__name__
    _no_vibrator(name, reason)
    return None


def _no_vibrator(platform: str, reason: str) -> None:
    if platform in _announced_absent:
        return
    _announced_absent.add(platform)
    log.info("no vibrator on this device (%s: %s); haptic patterns are recorded and logged only",
             platform, reason)


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
