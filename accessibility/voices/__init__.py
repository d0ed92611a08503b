"""Voices: one `Voice` interface, one module per back-end, loaded only when asked for (plyer style).

`default_voice()` picks the back-end for this machine and fails loudly rather than falling back to
something that says nothing: for a blind walker silence is the worst failure.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from accessibility.voices.base import DEFAULT_PITCH, DEFAULT_RATE_WPM, NoVoiceError, Voice
from accessibility.voices.recorder import RecorderVoice, Utterance
from accessibility.voices.wav import WavInfo, WavVoice, synthesize

if TYPE_CHECKING:
    from accessibility.voices.plyer_voice import PlyerVoice
    from accessibility.voices.pyttsx3_voice import Pyttsx3Voice

log = logging.getLogger(__name__)

__all__ = [
    "Voice",
    "NoVoiceError",
    "RecorderVoice",
    "Utterance",
    "WavVoice",
    "WavInfo",
    "synthesize",
    "Pyttsx3Voice",
    "PlyerVoice",
    "default_voice",
]

_LAZY = {
    "Pyttsx3Voice": "accessibility.voices.pyttsx3_voice",
    "PlyerVoice": "accessibility.voices.plyer_voice",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_voice(
    rate_wpm: int = DEFAULT_RATE_WPM, pitch: int = DEFAULT_PITCH, wav_dir: Path | None = None
) -> Voice:
    """The voice for this machine: plyer on Android, else pyttsx3 when sound can be heard.

    Without a sound device, a `WavVoice` writing into `wav_dir` when one is given; otherwise
    `NoVoiceError` with the reason, so the caller can tell the user instead of staying silent.
    """
    from accessibility.voices.plyer_voice import on_android

    if on_android():
        return importlib.import_module(_LAZY["PlyerVoice"]).instance(rate_wpm=rate_wpm)
    try:
        module = importlib.import_module(_LAZY["Pyttsx3Voice"])
        return module.instance(rate_wpm=rate_wpm, pitch=pitch)
    except NoVoiceError as exc:
        if wav_dir is None:
            raise
        log.warning("%s; writing speech to WAV files in %s", exc, wav_dir)
        return WavVoice(wav_dir, rate_wpm=rate_wpm, pitch=pitch)
