"""Speech written to WAV files by espeak-ng: for machines without a sound device, for companions
("send the route as audio"), and for measuring real synthesis in tests and the benchmark.

espeak-ng reads the text from stdin (never from argv, so no text is taken for an option) and writes
a temporary WAV; the earcon is put in front with the `wave` module and the file is moved into
place only when complete, so a failure never leaves a half-written file.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from accessibility.voices.base import (
    DEFAULT_PITCH,
    DEFAULT_RATE_WPM,
    NoVoiceError,
    TimedVoice,
    check_rate,
    espeak_voice,
)
from accessibility.voices.earcons import earcon_samples

log = logging.getLogger(__name__)

SYNTH_TIMEOUT_S = 30.0  # s: espeak-ng needs well under a second per sentence


@dataclass(frozen=True)
class WavInfo:
    path: Path
    sample_rate: int
    frames: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


def espeak_binary() -> str:
    """Path of espeak-ng, or NoVoiceError saying how to get it."""
    found = shutil.which("espeak-ng")
    if not found:
        raise NoVoiceError("espeak-ng is not installed (apt-get install espeak-ng)")
    return found


def espeak_command(lang: str, rate_wpm: int, pitch: int, *output: str) -> list[str]:
    if not 0 <= pitch <= 99:
        raise ValueError("pitch must be 0..99")
    rate = str(check_rate(rate_wpm))
    return [espeak_binary(), "-v", espeak_voice(lang), "-s", rate, "-p", str(pitch), *output]


def synthesize(
    text: str,
    lang: str,
    path: Path,
    rate_wpm: int = DEFAULT_RATE_WPM,
    pitch: int = DEFAULT_PITCH,
    earcon: str | None = None,
) -> WavInfo:
    """Write `text` spoken in `lang` to the WAV file `path`, atomically; return what was written."""
    if not text.strip():
        raise ValueError("nothing to say: the text is empty")
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"cannot write {path}: it is a folder, not a file name")
    if not path.parent.is_dir():
        raise ValueError(f"cannot write {path}: folder {path.parent} does not exist")
    with tempfile.TemporaryDirectory(prefix="lotse-tts-") as tmp:
        raw = Path(tmp) / "speech.wav"
        command = espeak_command(lang, rate_wpm, pitch, "-w", str(raw))
        try:
            done = subprocess.run(
                command, input=text.encode("utf-8"), capture_output=True, timeout=SYNTH_TIMEOUT_S
            )
        except subprocess.TimeoutExpired as exc:
            raise NoVoiceError(f"espeak-ng did not finish within {SYNTH_TIMEOUT_S:.0f} s") from exc
        if done.returncode != 0 or not raw.exists():
            problem = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
            raise NoVoiceError(f"espeak-ng failed: {problem}")
        with wave.open(str(raw), "rb") as src:
            params = src.getparams()
            speech = src.readframes(src.getnframes())
        if params.nframes == 0:
            raise NoVoiceError("espeak-ng produced no audio")
        lead = earcon_samples(earcon, params.framerate).tobytes() if earcon else b""
        staged = Path(tmp) / "out.wav"
        with wave.open(str(staged), "wb") as dst:
            dst.setnchannels(params.nchannels)
            dst.setsampwidth(params.sampwidth)
            dst.setframerate(params.framerate)
            dst.writeframes(lead + speech)
        try:
            shutil.move(str(staged), path)
        except OSError as exc:
            raise ValueError(f"cannot write {path}: {exc.strerror}") from exc
    frames = (len(lead) + len(speech)) // (params.sampwidth * params.nchannels)
    return WavInfo(path, params.framerate, frames)


class WavVoice(TimedVoice):
    """Writes each utterance to a numbered WAV file in `out_dir`; "speaking" lasts its duration."""

    name = "wav"

    def __init__(
        self,
        out_dir: Path,
        rate_wpm: int = DEFAULT_RATE_WPM,
        pitch: int = DEFAULT_PITCH,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(clock)
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.rate_wpm = check_rate(rate_wpm)
        self.pitch = pitch
        self.files: list[WavInfo] = []

    def speak(self, text: str, lang: str, earcon: str | None = None) -> float:
        path = self.out_dir / f"{len(self.files) + 1:04d}-{lang}-{os.getpid()}.wav"
        info = synthesize(text, lang, path, self.rate_wpm, self.pitch, earcon)
        self.files.append(info)
        log.info("wrote %s (%.1f s): %s", path, info.duration_s, text)
        return self._begin(info.duration_s)
