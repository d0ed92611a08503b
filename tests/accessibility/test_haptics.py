"""Haptic patterns: distinct by feel, vibrated where a vibrator exists, recorded where not."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from accessibility import haptics as haptics_module
from accessibility.facts import ManeuverFacts
from accessibility.haptics import Haptics, Pattern, pattern_for, platform_vibrator


class RecordingVibrator:
    """Test double for the vibrator seam (the part of plyer's facade Lotse uses)."""

    def __init__(self) -> None:
        self.calls: list[list[float]] = []

    def pattern(self, pattern, repeat=-1) -> None:
        self.calls.append(list(pattern))


def test_patterns_are_distinct_by_feel():
    shapes = {(len(p.buzzes), round(max(p.buzzes), 2)) for p in Pattern}
    assert len(shapes) == len(Pattern)
    assert Pattern.WARNING.seconds > Pattern.LEFT.seconds


def test_vibrates_through_the_vibrator(clock):
    vibrator = RecordingVibrator()
    haptics = Haptics(vibrator, clock=clock)
    assert haptics.available and haptics.play(Pattern.LEFT)
    assert vibrator.calls == [[0.0, 0.12, 0.12, 0.12]]
    assert haptics.played == [(clock.t, Pattern.LEFT)]


def test_desktop_has_no_vibrator_and_logs(clock, caplog):
    assert platform_vibrator() is None  # real plyer on Linux: no vibrator
    haptics = Haptics(clock=clock)
    with caplog.at_level("INFO", logger="accessibility.haptics"):
        assert haptics.play(Pattern.WARNING) is False
    assert haptics.played == [(clock.t, Pattern.WARNING)]
    assert "WARNING" in caplog.text


def test_desktop_is_quiet_and_says_no_vibrator_once():
    """On Linux plyer's vibrator lookup printed a ModuleNotFoundError traceback to stderr."""
    code = (
        "import logging, sys; logging.basicConfig(level=logging.INFO, stream=sys.stderr)\n"
        "from accessibility.haptics import Haptics, Pattern\n"
        "a, b = Haptics(), Haptics()\n"
        "a.play(Pattern.LEFT); b.play(Pattern.ARRIVE)\n"
        "print([p.name for _, p in a.played + b.played])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Traceback" not in out.stderr and "ModuleNotFoundError" not in out.stderr
    assert out.stderr.count("no vibrator on this device") == 1
    assert out.stdout.strip() == "['LEFT', 'ARRIVE']"


def test_phone_platforms_ask_plyer(monkeypatch, caplog):
    vibrator = RecordingVibrator()
    vibrator.exists = lambda: True
    monkeypatch.setitem(sys.modules, "plyer", types.SimpleNamespace(vibrator=vibrator))
    assert platform_vibrator("android") is vibrator
    vibrator.exists = lambda: False  # a phone without a vibration motor
    monkeypatch.setattr(haptics_module, "_announced_absent", set())
    with caplog.at_level("INFO", logger="accessibility.haptics"):
        assert platform_vibrator("ios") is None
    assert "no vibrator on this device (ios: the device reports none)" in caplog.text


@pytest.mark.parametrize(
    ("facts", "pattern"),
    [
        (ManeuverFacts("turn", turn="sharp_left"), Pattern.LEFT),
        (ManeuverFacts("turn", turn="right"), Pattern.RIGHT),
        (ManeuverFacts("arrive", side="left"), Pattern.ARRIVE),
        (ManeuverFacts("hazard"), Pattern.WARNING),
        (ManeuverFacts("barrier", barrier="bollard"), Pattern.WARNING),
        (ManeuverFacts("turn", angle_deg=-80), Pattern.LEFT),
        (ManeuverFacts("turn", angle_deg=10), None),
        (ManeuverFacts("continue"), None),
    ],
)
def test_pattern_for_maneuver(facts, pattern):
    assert pattern_for(facts) is pattern
