"""From callouts to the speech queue and back: what was submitted, and what actually started.

The queue decides when a message plays (or drops it); the announcer remembers which callout each
queued message came from, so that when it starts it is logged and reported with its kind, its
maneuver and the position at that moment, and its vibration is played.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accessibility.haptics import Haptics
from accessibility.speech import Message, Priority, SpeechQueue
from mobile.guidance.callout import Callout

#: callouts remembered to describe messages once they start (kind, maneuver, haptic)
MAX_REMEMBERED_CALLOUTS = 2000


@dataclass(frozen=True, slots=True)
class Announcement:
    """A message that actually started playing."""

    t: float
    text: str
    priority: str
    kind: str
    maneuver: int | None
    chained: tuple[int, ...]
    lat: float | None
    lon: float | None
    progress_m: float | None
    route_id: int


class Announcer:
    """Submits callouts for one walker and collects the ones that started."""

    def __init__(self, speech: SpeechQueue, logger: Any,
                 haptics: Callable[[], Haptics | None]) -> None:
        self.speech, self.logger, self._haptics = speech, logger, haptics
        self.announcements: list[Announcement] = []
        self._callouts: dict[str, Callout] = {}
        #: when each waiting message was accepted by the queue, and on which route
        self._queued: dict[str, tuple[float, int]] = {}
        self._history_seen = 0

    def submit(self, t: float, c: Callout, route_id: int, lang: str) -> None:
        key = f"r{route_id}-{c.key}" if c.key else None
        self._callouts[key or c.text] = c
        if len(self._callouts) > MAX_REMEMBERED_CALLOUTS:  # a long day: forget the oldest half
            for old in list(self._callouts)[: MAX_REMEMBERED_CALLOUTS // 2]:
                del self._callouts[old]
            for old in list(self._queued)[: len(self._queued) // 2]:
                del self._queued[old]
        if c.kind == "arrival":  # nothing after the arrival: shop talk waiting is dropped
            self.speech.drop_pending(lambda m: m.priority < Priority.GUIDANCE)
        if self.speech.submit(Message(c.text, c.priority, key=key, expires_at_m=c.expires_at_m,
                                      lang=lang)):
            self._queued[key or c.text] = (t, route_id)

    def collect_started(self, route_id: int, where: tuple[float, float] | None,
                        progress_m: float | None) -> list[Announcement]:
        """Messages the queue started since the last call, described and logged."""
        started = []
        haptics = self._haptics()
        for t_start, msg in self.speech.history[self._history_seen:]:
            c = self._callouts.get(msg.key or msg.text)
            queued_t, on_route = self._queued.pop(msg.key or msg.text, (None, route_id))
            a = Announcement(
                t_start, msg.text, msg.priority.name, c.kind if c else "system",
                c.maneuver if c else None, c.chained if c else (),
                where[0] if where else None, where[1] if where else None, progress_m, route_id)
            started.append(a)
            if c is not None and c.haptic is not None and haptics is not None:
                haptics.play(c.haptic)
            self.logger.event("announcement", t=t_start, text=msg.text,
                              priority=msg.priority.name, queued_t=queued_t, started_t=t_start,
                              kind=c.kind if c else "system",
                              maneuver=c.maneuver if c else None, route=on_route,
                              chained=list(c.chained) if c else [], key=msg.key, lang=msg.lang)
        self._history_seen = len(self.speech.history)
        self.announcements.extend(started)
        return started
