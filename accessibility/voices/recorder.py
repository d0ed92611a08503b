"""A voice for tests and dry runs: it records what would be said and when, and says nothing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from accessibility.voices.base import DEFAULT_RATE_WPM, TimedVoice, estimate_seconds
from accessibility.voices.earcons import earcon_seconds

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Utterance:
    t: float
    text: str
    lang: str
    earcon: str | None
    seconds: float


class RecorderVoice(TimedVoice):
    name = "recorder"

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, rate_wpm: int = DEFAULT_RATE_WPM
    ) -> None:
        super().__init__(clock)
        self.rate_wpm = rate_wpm
        self.spoken: list[Utterance] = []
        self.stops: list[float] = []

    @property
    def texts(self) -> list[str]:
        return [u.text for u in self.spoken]

    def speak(self, text: str, lang: str, earcon: str | None = None) -> float:
        seconds = estimate_seconds(text, self.rate_wpm) + (earcon_seconds(earcon) if earcon else 0)
        self.spoken.append(Utterance(self.clock(), text, lang, earcon, seconds))
        log.info("[recorder %s] %s", lang, text)
        return self._begin(seconds)

    def stop(self) -> None:
        if self.is_speaking():
            self.stops.append(self.clock())
        super().stop()
