"""Desktop speech through pyttsx3 (espeak-ng on Linux).

pyttsx3's espeak driver renders audio itself and plays it by shelling out to `aplay`; when there
is no `aplay` or no sound device, `say()` "succeeds" in silence. So the audio path is checked
before the engine is built, and `NoVoiceError` says what is missing rather than speaking to no one.
Speech runs on one worker thread that owns the engine, so `speak()` returns at once.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import wave
from pathlib import Path

from accessibility.voices.base import (
    DEFAULT_PITCH,
    DEFAULT_RATE_WPM,
    NoVoiceError,
    Voice,
    check_rate,
    espeak_voice,
    estimate_seconds,
)
from accessibility.voices.earcons import earcon_samples, earcon_seconds

log = logging.getLogger(__name__)

EARCON_RATE_HZ = 22050


def audio_output_problem() -> str | None:
    """Why pyttsx3 could not be heard on this machine, or None when it can."""
    if not sys.platform.startswith("linux"):
        return None  # sapi5 / nsss play through the system's own audio stack
    if shutil.which("aplay") is None:
        return "pyttsx3 plays speech through 'aplay', which is not installed (package alsa-utils)"
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    sound_server = os.environ.get("PULSE_SERVER") or (
        runtime and (Path(runtime) / "pulse" / "native").exists()
    )
    if not Path("/dev/snd").exists() and not sound_server:
        return "there is no sound device (/dev/snd is missing and no sound server runs)"
    return None


class Pyttsx3Voice(Voice):
    name = "pyttsx3"

    def __init__(self, rate_wpm: int = DEFAULT_RATE_WPM, pitch: int = DEFAULT_PITCH) -> None:
        problem = audio_output_problem()
        if problem:
            raise NoVoiceError(f"cannot speak aloud: {problem}")
        self.rate_wpm = check_rate(rate_wpm)
        self.pitch = pitch
        self._jobs: queue.Queue[tuple[str, str, str | None]] = queue.Queue()
        self._busy = threading.Event()
        self._ready = threading.Event()
        self._error: Exception | None = None
        self._engine = None
        self._thread = threading.Thread(target=self._run, name="lotse-tts", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10)
        if self._error is not None:
            raise NoVoiceError(f"pyttsx3 could not start: {self._error}") from self._error

    def speak(self, text: str, lang: str, earcon: str | None = None) -> float:
        espeak_voice(lang)  # unknown language: ValueError now, not silence later
        self._busy.set()
        self._jobs.put((text, lang, earcon))
        return estimate_seconds(text, self.rate_wpm) + (earcon_seconds(earcon) if earcon else 0)

    def stop(self) -> None:
        while not self._jobs.empty():
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        if self._engine is not None:
            self._engine.stop()

    def is_speaking(self) -> bool:
        return self._busy.is_set()

    def _run(self) -> None:
        try:
            import pyttsx3

            self._engine = pyttsx3.init()
            self._engine.setProperty("rate", self.rate_wpm)
            self._engine.setProperty("pitch", self.pitch)
        except Exception as exc:  # noqa: BLE001 - any driver failure means: no voice
            self._error = exc
            return
        finally:
            self._ready.set()
        while True:
            text, lang, earcon = self._jobs.get()
            try:
                if earcon:
                    _play_earcon(earcon)
                self._engine.setProperty("voice", espeak_voice(lang))
                self._engine.say(text)
                self._engine.runAndWait()
            except Exception:  # the walker must hear that speech failed: log loudly
                log.exception("speech failed for %r", text)
            finally:
                if self._jobs.empty():
                    self._busy.clear()


def _play_earcon(name: str) -> None:
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        with wave.open(tmp.name, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(EARCON_RATE_HZ)
            out.writeframes(earcon_samples(name, EARCON_RATE_HZ).tobytes())
        subprocess.run(["aplay", "-q", tmp.name], check=False, timeout=5)


def instance(**kwargs) -> Pyttsx3Voice:
    return Pyttsx3Voice(**kwargs)
