"""Real espeak-ng synthesis to WAV, and the voices' honesty about whether they can be heard."""

from __future__ import annotations

import os
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from accessibility.facts import ManeuverFacts
from accessibility.phrasing import maneuver_text
from accessibility.speech import Message, Priority, SpeechQueue
from accessibility.voices import NoVoiceError, WavVoice, default_voice, synthesize
from accessibility.voices.earcons import earcon_seconds

pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")

TURN = ManeuverFacts("turn", turn="left", street="Fackelstraße", landmark="Stiftskirche")
STEPS = ManeuverFacts("steps", step_count=14, steps_direction="down", handrail="left")


def samples(path: Path) -> tuple[int, np.ndarray]:
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2 and wav.getnchannels() == 1
        return wav.getframerate(), np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_maneuvers_synthesise_to_real_speech(tmp_path, lang):
    short_text = maneuver_text(TURN, lang, verbosity="brief")
    long_text = maneuver_text(STEPS, lang, "prep", verbosity="detailed", distance_to_m=40)
    short = synthesize(short_text, lang, tmp_path / "short.wav")
    long = synthesize(long_text, lang, tmp_path / "long.wav")
    for info in (short, long):
        rate, data = samples(info.path)
        assert rate == info.sample_rate == 22050
        assert len(data) == info.frames
        rms = float(np.sqrt(np.mean(data.astype(np.float64) ** 2)))
        assert rms > 300, f"{info.path.name} is near silence (RMS {rms:.0f})"
        assert int(np.abs(data).max()) > 5000
    assert 0.5 < short.duration_s < long.duration_s < 15


def test_german_and_english_voices_differ(tmp_path):
    de = synthesize("Marktstraße", "de", tmp_path / "de.wav")
    en = synthesize("Marktstraße", "en", tmp_path / "en.wav")
    assert de.path.read_bytes() != en.path.read_bytes()


def test_rate_changes_duration(tmp_path):
    text = maneuver_text(TURN, "de")
    slow = synthesize(text, "de", tmp_path / "slow.wav", rate_wpm=120)
    fast = synthesize(text, "de", tmp_path / "fast.wav", rate_wpm=300)
    assert fast.duration_s < 0.7 * slow.duration_s


def test_earcon_comes_first_and_is_a_steady_tone(tmp_path):
    plain = synthesize("Links abbiegen.", "de", tmp_path / "plain.wav")
    cued = synthesize("Links abbiegen.", "de", tmp_path / "cued.wav", earcon="instruction")
    extra = cued.duration_s - plain.duration_s
    assert extra == pytest.approx(earcon_seconds("instruction") + 0.08, abs=0.01)
    rate, data = samples(cued.path)
    tone = data[int(0.02 * rate) : int(0.10 * rate)].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(tone))
    peak_hz = np.fft.rfftfreq(len(tone), 1 / rate)[spectrum.argmax()]
    assert peak_hz == pytest.approx(880, abs=15)


def test_wav_voice_speaks_for_the_duration_of_its_file(tmp_path, clock):
    voice = WavVoice(tmp_path / "out", clock=clock)
    seconds = voice.speak("Ziel erreicht, auf der linken Seite.", "de")
    assert seconds == pytest.approx(voice.files[0].duration_s)
    assert voice.is_speaking()
    clock.advance(seconds + 0.01)
    assert not voice.is_speaking()
    assert voice.files[0].path.exists()


def test_queue_through_the_wav_voice(tmp_path, clock):
    voice = WavVoice(tmp_path, clock=clock)
    q = SpeechQueue(voice, clock=clock)
    q.submit(Message("Achtung, Baustelle, in 30 Metern.", Priority.SAFETY))
    q.submit(Message("You have arrived.", Priority.GUIDANCE, lang="en"))
    q.tick()
    clock.advance(10)
    q.tick()
    assert [f.path.name.split("-")[1] for f in voice.files] == ["de", "en"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"text": "  "}, "empty"),
        ({"lang": "fr"}, "language"),
        ({"rate_wpm": 5}, "rate"),
        ({"path_name": "missing/x.wav"}, "does not exist"),
    ],
)
def test_bad_input_fails_clearly_and_writes_nothing(tmp_path, kwargs, match):
    path = tmp_path / kwargs.pop("path_name", "x.wav")
    args = {"text": "Hallo", "lang": "de"} | kwargs
    with pytest.raises(ValueError, match=match):
        synthesize(args.pop("text"), args.pop("lang"), path, **args)
    assert list(tmp_path.rglob("*.wav")) == []


@pytest.fixture
def path_with_only_espeak(tmp_path, monkeypatch):
    """A PATH holding espeak-ng but no audio player, as on a server or in CI."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(shutil.which("espeak-ng"), bin_dir / "espeak-ng")
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def test_no_player_means_no_voice_not_silence(path_with_only_espeak):
    with pytest.raises(NoVoiceError, match="aplay"):
        default_voice()


def test_no_player_falls_back_to_wav_when_asked(path_with_only_espeak, tmp_path):
    voice = default_voice(wav_dir=tmp_path / "speech")
    assert isinstance(voice, WavVoice)
    voice.speak("Links abbiegen.", "de")
    assert voice.files[0].frames > 0


def test_no_espeak_means_no_voice(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NoVoiceError, match="espeak-ng is not installed"):
        synthesize("Hallo", "de", tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()


def test_the_earcon_is_the_same_sound_every_time(tmp_path):
    a = synthesize("Links abbiegen.", "de", tmp_path / "a.wav", earcon="instruction")
    b = synthesize("Turn right.", "en", tmp_path / "b.wav", earcon="instruction")
    w = synthesize("Achtung, Poller.", "de", tmp_path / "w.wav", earcon="warning")
    rate, first = samples(a.path)
    _, second = samples(b.path)
    _, warning = samples(w.path)
    lead = int(earcon_seconds("instruction") * rate)
    assert np.array_equal(first[:lead], second[:lead])
    assert not np.array_equal(first[:lead], warning[:lead])
