"""The one seam between Lotse and a speech engine, and what every back-end shares."""

from __future__ import annotations

import abc
import re
import time
from collections.abc import Callable

DEFAULT_RATE_WPM = 175  # words per minute: espeak-ng's default, clear for most listeners
MIN_RATE_WPM, MAX_RATE_WPM = 80, 450  # espeak-ng's accepted range
DEFAULT_PITCH = 50  # espeak-ng 0..99
#: espeak-ng voice per language: the West Germanic family's German and US English
ESPEAK_VOICES: dict[str, str] = {"de": "gmw/de", "en": "gmw/en-US"}
EARCONS: tuple[str, ...] = ("instruction", "warning")


class NoVoiceError(RuntimeError):
    """Nothing on this machine can speak; the message says why and what to do instead."""


class Voice(abc.ABC):
    """Speak a text without blocking; say how long it takes; stop on request.

    `speak()` must never pretend: a back-end that cannot produce sound raises `NoVoiceError`.
    """

    name: str = "voice"

    @abc.abstractmethod
    def speak(self, text: str, lang: str, earcon: str | None = None) -> float:
        """Start saying `text` (after the `earcon`, if named); return the expected seconds."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop at once (a safety warning needs the channel)."""

    @abc.abstractmethod
    def is_speaking(self) -> bool:
        """Whether sound for the last `speak()` is still playing."""


def check_rate(rate_wpm: int) -> int:
    if not MIN_RATE_WPM <= rate_wpm <= MAX_RATE_WPM:
        raise ValueError(f"speech rate must be {MIN_RATE_WPM}..{MAX_RATE_WPM} words per minute")
    return rate_wpm


def espeak_voice(lang: str) -> str:
    if lang not in ESPEAK_VOICES:
        choices = ", ".join(ESPEAK_VOICES)
        raise ValueError(f"no voice for language {lang!r}; choose one of {choices}")
    return ESPEAK_VOICES[lang]


def estimate_seconds(text: str, rate_wpm: int = DEFAULT_RATE_WPM) -> float:
    """Speaking time from the word count: what a back-end without timing feedback reports."""
    words = len(re.findall(r"\w+", text))
    pauses = len(re.findall(r"[,.;:!?]", text))
    return words * 60.0 / rate_wpm + pauses * 0.15


class TimedVoice(Voice):
    """A voice that knows its own timing from the clock: recorder, WAV writer, plyer.

    These back-ends give no "finished" callback, so speaking lasts the expected seconds on the
    injected clock; `stop()` ends it at once.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._busy_until = float("-inf")

    def _begin(self, seconds: float) -> float:
        self._busy_until = self.clock() + seconds
        return seconds

    def stop(self) -> None:
        self._busy_until = min(self._busy_until, self.clock())

    def is_speaking(self) -> bool:
        return self.clock() < self._busy_until
