"""Android speech through plyer's TextToSpeech facade. Imported only on Android.

plyer's Android TTS speaks in the phone's own TTS language and gives no "finished" callback, so
timing comes from the word count and the language is the one set in Android's TTS settings.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable

from accessibility.voices.base import (
    DEFAULT_RATE_WPM,
    NoVoiceError,
    TimedVoice,
    check_rate,
    estimate_seconds,
)
from accessibility.voices.earcons import earcon_seconds

log = logging.getLogger(__name__)


def on_android() -> bool:
    return "ANDROID_ARGUMENT" in os.environ or hasattr(sys, "getandroidapilevel")


class PlyerVoice(TimedVoice):
    name = "plyer"

    def __init__(
        self, rate_wpm: int = DEFAULT_RATE_WPM, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if not on_android():
            raise NoVoiceError("the plyer voice speaks through Android's TextToSpeech; not Android")
        super().__init__(clock)
        from plyer import tts  # Android only: never imported on the desktop

        self._tts = tts
        self.rate_wpm = check_rate(rate_wpm)

    def speak(self, text: str, lang: str, earcon: str | None = None) -> float:
        try:
            self._tts.speak(message=text)
        except NotImplementedError as exc:
            raise NoVoiceError("plyer has no text-to-speech on this device") from exc
        seconds = estimate_seconds(text, self.rate_wpm) + (earcon_seconds(earcon) if earcon else 0)
        return self._begin(seconds)

    def stop(self) -> None:
        log.warning("plyer cannot cut speech short; the current sentence plays to its end")
        super().stop()


def instance(**kwargs) -> PlyerVoice:
    return PlyerVoice(**kwargs)
