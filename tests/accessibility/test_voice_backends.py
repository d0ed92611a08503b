"""Back-ends load lazily and refuse loudly where they cannot speak."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import wave

import pytest

from accessibility.voices import NoVoiceError
from accessibility.voices.base import estimate_seconds
from lotse_common.settings import PROJECT_ROOT


def test_importing_the_facade_loads_no_back_end_library():
    code = (
        "import sys, accessibility.voices, accessibility.speech, accessibility.phrasing;"
        "print(sorted(m for m in ('pyttsx3', 'plyer', 'kivy', 'lotse') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_plyer_voice_refuses_off_android():
    from accessibility.voices import PlyerVoice

    with pytest.raises(NoVoiceError, match="Android"):
        PlyerVoice()


def test_pyttsx3_voice_refuses_without_a_player(tmp_path, monkeypatch):
    from accessibility.voices import Pyttsx3Voice

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NoVoiceError, match="aplay"):
        Pyttsx3Voice()


def test_estimated_speaking_time_grows_with_text_and_falls_with_rate():
    short, long = "Links abbiegen.", "In 20 Metern links abbiegen, bei der Stiftskirche."
    assert estimate_seconds(short) < estimate_seconds(long)
    assert estimate_seconds(long, 300) < estimate_seconds(long, 120)


@pytest.fixture
def recording_player(tmp_path, monkeypatch):
    """An `aplay` that keeps what it is given: pyttsx3 really synthesises, and we can listen."""
    out = tmp_path / "played"
    out.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    player = bin_dir / "aplay"
    player.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do [ -f "$a" ] && cp "$a" "$PLAYED/$(date +%s%N).wav"; done\nexit 0\n'
    )
    player.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PLAYED", str(out))
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent")  # "a sound server runs"
    assert shutil.which("aplay") == str(player)
    return out


def test_pyttsx3_voice_speaks_through_the_player(recording_player):
    from accessibility.voices import Pyttsx3Voice

    voice = Pyttsx3Voice(rate_wpm=200)
    seconds = voice.speak("Links abbiegen, in die Marktstraße.", "de", earcon="instruction")
    assert seconds > 0.5 and voice.is_speaking()
    deadline = time.monotonic() + 30
    while voice.is_speaking() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not voice.is_speaking()
    played = sorted(recording_player.glob("*.wav"))
    assert len(played) >= 2  # the earcon, then the speech
    with wave.open(str(played[-1]), "rb") as wav:
        assert wav.getnframes() / wav.getframerate() > 1.0
