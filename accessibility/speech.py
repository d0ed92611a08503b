"""The one owner of what is said when: a priority queue in front of a `Voice`.

Deciding is apart from speaking (Soundscape): callers submit `Message`s as data; `tick()` decides
what starts, what is interrupted and what has expired. Rules (Wayfindr, DESIGN.md):
- a SAFETY message interrupts anything below it; GUIDANCE interrupts INFO and CHATTER;
  INFO and CHATTER never interrupt, they wait;
- a message whose point the walker has passed (`set_progress`) or whose time is up is dropped;
- the same message (same key, else same text) is not repeated within `repeat_window_s`
  unless submitted with `force=True`; `repeat_last()` always works;
- every instruction and warning is preceded by a steady earcon.
Everything runs on the injected clock and the voice's own `is_speaking()`, so tests are exact.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import IntEnum

from accessibility.speakable import speakable
from accessibility.voices.base import Voice

log = logging.getLogger(__name__)

DEFAULT_REPEAT_WINDOW_S = 30.0  # s: the same message is not said again sooner


class Priority(IntEnum):
    CHATTER = 0
    INFO = 1
    GUIDANCE = 2
    SAFETY = 3


#: a message of at least this priority may interrupt a lower one
INTERRUPTS_FROM = Priority.GUIDANCE
#: the earcon played before a message of this priority when the message names none
DEFAULT_EARCONS: dict[int, str] = {Priority.SAFETY: "warning", Priority.GUIDANCE: "instruction"}


@dataclass(frozen=True)
class Message:
    """Something to say.

    `expires_at_m`: route position (m) after which it is stale; `expires_at_s`: clock time after
    which it is stale; `earcon`: None for the priority's default, "" for none; `lang`: "de"/"en".
    """

    text: str
    priority: Priority
    key: str | None = None
    expires_at_m: float | None = None
    expires_at_s: float | None = None
    earcon: str | None = None
    lang: str = "de"

    @property
    def identity(self) -> str:
        """What counts as "the same message" for repeat suppression."""
        return self.key or self.text


@dataclass(order=True)
class _Pending:
    sort_key: tuple[int, int]
    message: Message = field(compare=False)


class SpeechQueue:
    """Priority queue of messages in front of one voice. Call `tick()` often."""

    def __init__(
        self,
        voice: Voice,
        clock: Callable[[], float] = time.monotonic,
        repeat_window_s: float = DEFAULT_REPEAT_WINDOW_S,
        earcons: dict[int, str] | None = None,
    ) -> None:
        self.voice = voice
        self.clock = clock
        self.repeat_window_s = repeat_window_s
        self.earcons = DEFAULT_EARCONS if earcons is None else earcons
        self.history: list[tuple[float, Message]] = []
        self.dropped: list[tuple[float, Message, str]] = []
        self._pending: list[_Pending] = []
        self._seq = itertools.count()
        self._current: Message | None = None
        self._last_said: dict[str, float] = {}
        self._progress_m: float | None = None

    # --- what callers see -------------------------------------------------------------
    @property
    def current(self) -> Message | None:
        """The message being spoken, if any."""
        return self._current if self._current and self.voice.is_speaking() else None

    @property
    def pending(self) -> list[Message]:
        """Waiting messages in the order they would be spoken."""
        return [p.message for p in sorted(self._pending)]

    def submit(self, msg: Message, force: bool = False) -> bool:
        """Queue `msg`; False (and logged) when it is a repeat, a duplicate or already stale."""
        if not msg.text.strip():
            raise ValueError("a message needs text")
        now = self.clock()
        reason = self._refusal(msg, now, force)
        if reason:
            self._drop(now, msg, reason)
            return False
        self._push(msg)
        return True

    def set_progress(self, metres: float) -> None:
        """The walker's position along the route; messages for points passed expire."""
        self._progress_m = metres
        self._expire(self.clock())

    def tick(self) -> Message | None:
        """Expire, interrupt and start; returns the message started now, if any."""
        now = self.clock()
        self._expire(now)
        if self._current and not self.voice.is_speaking():
            self._current = None
        if not self._pending:
            return None
        best = min(self._pending)
        if self._current is not None:
            if not self._interrupts(best.message, self._current):
                return None
            log.info("interrupting %r for %r", self._current.text, best.message.text)
            self.voice.stop()
            interrupted, self._current = self._current, None
            if interrupted.priority >= Priority.GUIDANCE:
                self._push(interrupted)  # an instruction cut short is still needed
        self._pending.remove(best)
        return self._start(best.message, now)

    def repeat_last(self) -> bool:
        """Say the last started message again, now, whatever the repeat window or its expiry."""
        if not self.history:
            return False
        last = self.history[-1][1]
        again = replace(last, expires_at_m=None, expires_at_s=None)
        if self._current is not None and self.voice.is_speaking():
            self.voice.stop()  # it is the last message itself: start it again from the top
            self._current = None
        self._start(again, self.clock())
        return True

    def drop_pending(self, which: Callable[[Message], bool]) -> int:
        """Drop the waiting messages `which` picks (e.g. old wording after a language switch)."""
        now = self.clock()
        gone = [p for p in self._pending if which(p.message)]
        for pending in gone:
            self._pending.remove(pending)
            self._drop(now, pending.message, "dropped")
        return len(gone)

    def clear(self) -> None:
        """Drop everything waiting and stop speaking (e.g. guidance stopped)."""
        self._pending.clear()
        if self._current is not None:
            self.voice.stop()
            self._current = None

    # --- the rules --------------------------------------------------------------------
    def _refusal(self, msg: Message, now: float, force: bool) -> str | None:
        if self._is_stale(msg, now):
            return "expired"
        if force:
            return None
        if any(p.message.identity == msg.identity for p in self._pending):
            return "already queued"
        said = self._last_said.get(msg.identity)
        if said is not None and now - said < self.repeat_window_s:
            return "said recently"
        return None

    @staticmethod
    def _interrupts(new: Message, playing: Message) -> bool:
        return new.priority >= INTERRUPTS_FROM and new.priority > playing.priority

    def _is_stale(self, msg: Message, now: float) -> bool:
        if msg.expires_at_s is not None and now >= msg.expires_at_s:
            return True
        passed = self._progress_m
        return msg.expires_at_m is not None and passed is not None and passed >= msg.expires_at_m

    def _expire(self, now: float) -> None:
        for pending in [p for p in self._pending if self._is_stale(p.message, now)]:
            self._pending.remove(pending)
            self._drop(now, pending.message, "expired")
        current = self._current
        if current is not None and self.voice.is_speaking() and self._is_stale(current, now):
            log.info("stopping stale message %r", current.text)
            self.voice.stop()
            self._current = None

    def _push(self, msg: Message) -> None:
        self._pending.append(_Pending((-int(msg.priority), next(self._seq)), msg))

    def _start(self, msg: Message, now: float) -> Message:
        earcon = msg.earcon if msg.earcon is not None else self.earcons.get(int(msg.priority))
        # the voice reads the speakable form; history and the screen keep the written text
        self.voice.speak(speakable(msg.text, msg.lang), msg.lang, earcon=earcon or None)
        self._current = msg
        self._last_said[msg.identity] = now
        self.history.append((now, msg))
        log.debug("speaking %r (priority %s)", msg.text, msg.priority.name)
        return msg

    def _drop(self, now: float, msg: Message, reason: str) -> None:
        log.debug("not saying %r: %s", msg.text, reason)
        self.dropped.append((now, msg, reason))
