"""The phone's log writer: valid lines, monotonic stamps, rotation, pseudonymity, opt-out."""

from __future__ import annotations

import json

import pytest

from tester_log.schema import IDENTITY_FIELDS, SCHEMA_VERSION, log_parts, read_log
from tester_log.writer import NullLogger, TripLogger


class StepClock:
    """A clock that the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lines_are_valid_and_stamped(tmp_path):
    clock = StepClock()
    path = tmp_path / "trip.jsonl"
    with TripLogger(path, clock=clock) as log:
        log.event("app_start", app_version="0.1.0")
        clock.now = 101.5
        log.event("gps_fix", lat=49.4441, lon=7.7689, accuracy_m=6.0)
        log.event("advert", t=105.25, beacon="b7", rssi=-80)
    read = read_log(path)
    assert not read.problems
    assert [e["t"] for e in read.events] == [100.0, 101.5, 105.25]
    assert read.sessions == [log.session]


def test_time_never_goes_backwards(tmp_path):
    with TripLogger(tmp_path / "trip.jsonl", clock=StepClock()) as log:
        log.event("marker", t=50.0)
        written = log.event("marker", t=49.0)
    assert written is not None and written["t"] == 50.0


def test_bad_event_raises_when_strict_and_is_dropped_otherwise(tmp_path):
    path = tmp_path / "trip.jsonl"
    with TripLogger(path) as log:
        with pytest.raises(ValueError, match="'rssi'"):
            log.event("advert", beacon="b1")
        with pytest.raises(ValueError, match="'device_id'"):
            log.event("marker", device_id="phone-of-erika")
    with TripLogger(path, strict=False) as lenient:
        assert lenient.event("advert", beacon="b1") is None
        assert lenient.event("marker") is not None
    assert [e["type"] for e in read_log(path).events] == ["marker"]
    assert path.read_text().count("\n") == 1


def test_rotation_at_the_size_limit(tmp_path):
    path = tmp_path / "trip.jsonl"
    limit = 2000
    with TripLogger(path, max_bytes=limit, clock=StepClock()) as log:
        for i in range(200):
            log.event("advert", t=float(i), beacon=f"ibeacon:x:1:{i}", rssi=-70 - i % 20)
    parts = log_parts(path)
    assert len(parts) > 3
    assert parts[-1] == path and parts[0].name == "trip.1.jsonl"
    assert all(p.stat().st_size <= limit for p in parts)
    # nothing lost, nothing split: the parts read back in order are the 200 events
    read = read_log(path, include_rotated=True)
    assert not read.problems
    assert [e["t"] for e in read.events] == [float(i) for i in range(200)]


def test_old_parts_beyond_max_parts_are_deleted(tmp_path):
    path = tmp_path / "trip.jsonl"
    with TripLogger(path, max_bytes=1024, max_parts=3) as log:
        for i in range(300):
            log.event("advert", t=float(i), beacon="b", rssi=-70)
    parts = log_parts(path)
    assert len(parts) == 4  # three rotated parts plus the current file
    numbers = [int(p.name.split(".")[1]) for p in parts[:-1]]
    assert numbers == sorted(numbers) and numbers[0] > 1
    times = [e["t"] for e in read_log(path, include_rotated=True).events]
    assert times == sorted(times) and times[-1] == 299.0


def test_session_is_random_and_nothing_identifies_the_tester(tmp_path):
    a = TripLogger(tmp_path / "a.jsonl")
    b = TripLogger(tmp_path / "b.jsonl")
    a.event("app_start")
    a.close()
    b.close()
    assert a.session != b.session and len(a.session) == 16
    written = json.loads((tmp_path / "a.jsonl").read_text())
    assert set(written) == {"v", "t", "session", "type"}
    assert not IDENTITY_FIELDS.intersection(written)


def test_closed_logger_drops_events(tmp_path):
    log = TripLogger(tmp_path / "trip.jsonl")
    log.close()
    assert log.closed and log.event("marker") is None


def test_tiny_limit_refused(tmp_path):
    with pytest.raises(ValueError, match="max_bytes"):
        TripLogger(tmp_path / "trip.jsonl", max_bytes=10)


def test_null_logger_writes_nothing(tmp_path):
    with NullLogger() as log:
        assert log.event("marker", note="x") is None
        assert not log.enabled
    assert list(tmp_path.iterdir()) == []


def test_memory_logger_keeps_the_same_lines(tmp_path):
    from tester_log.writer import MemoryLogger

    mem = MemoryLogger(clock=StepClock(), session="replay-0001")
    mem.event("truth", lat=49.44, lon=7.77)
    with pytest.raises(ValueError, match="'lon'"):
        mem.event("truth", lat=49.44)
    mem.close()
    assert mem.event("marker") is None
    assert mem.events == [{"v": SCHEMA_VERSION, "t": 100.0, "session": "replay-0001",
                           "type": "truth", "lat": 49.44, "lon": 7.77}]


def test_saved_places_never_reach_the_log(tmp_path):
    """The app logs its whole settings object; favourites ("Zuhause") are left out."""
    path = tmp_path / "trip.jsonl"
    with TripLogger(path) as log:
        log.event("settings", settings={"lang": "de", "logging_enabled": True, "favourites": [
            {"name": "Zuhause", "lat": 49.44, "lon": 7.76}]})
    text = path.read_text(encoding="utf-8")
    assert "Zuhause" not in text and "favourites" not in text
    assert read_log(path).events[0]["settings"] == {"lang": "de", "logging_enabled": True}


def test_the_app_controller_logs_opt_in_pseudonymous_and_without_saved_places(tmp_path):
    """The real GuideController: nothing before opt-in, then settings and a marker, no places."""
    from accessibility.voices import RecorderVoice
    from mobile.app.controller import GuideController

    clock = StepClock()
    path = tmp_path / "trip.jsonl"
    controller = GuideController(RecorderVoice(clock=clock), settings_path=tmp_path / "s.json",
                                 clock=clock, logger_factory=lambda: TripLogger(path, clock=clock))
    controller.mark_problem()
    assert not path.exists()  # logging is off by default
    controller.update_settings(logging_enabled=True)
    clock.now = 105.0
    controller.add_favourite("Zuhause", 49.4412, 7.7601)
    controller.mark_problem()
    controller.shutdown()
    read = read_log(path)
    assert not read.problems
    assert [e["type"] for e in read.events] == ["app_start", "settings", "settings", "marker"]
    assert "Zuhause" not in path.read_text(encoding="utf-8")
    assert read.events[-1]["t"] == 105.0 and len(read.sessions) == 1
