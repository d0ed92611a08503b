"""What the guidance pipeline writes to the tester log (schema v2), checked on the real pipeline
with the real speech queue on simulated time."""

from __future__ import annotations

import pytest

from accessibility.speech import SpeechQueue
from accessibility.voices import RecorderVoice
from mobile.guidance.pipeline import GuidancePipeline
from mobile.guidance.timings import GuidanceTimings
from mobile.positioning.beacons import PositionSettings
from mobile.simulation.run import SimClock
from tester_log.review.replay import settings_from
from tester_log.schema import validate_line
from tester_log.writer import MemoryLogger


def _pipeline(**kwargs):
    clock = SimClock()
    log = MemoryLogger(clock=clock)
    pipe = GuidancePipeline(SpeechQueue(RecorderVoice(clock=clock), clock=clock), logger=log,
                            **kwargs)
    return pipe, clock, log


def _tick_until(pipe, clock, until: float, step: float = 0.25) -> None:
    while clock.now < until:
        clock.now += step
        pipe.tick(clock.now)


def test_a_message_that_waited_logs_when_it_was_queued_and_when_it_started():
    pipe, clock, log = _pipeline()
    clock.now = 1.0
    pipe.say_system(1.0, "Modus: Erkunden. Tippen Sie doppelt, um zu beginnen.")
    pipe.say_system(1.0, "Suche läuft.", key="search")
    _tick_until(pipe, clock, 15.0)
    first, second = [e for e in log.events if e["type"] == "announcement"]
    assert (first["queued_t"], first["started_t"]) == (1.0, 1.25)
    assert second["queued_t"] == 1.0 and second["started_t"] > first["started_t"] + 2.0
    assert (second["kind"], second["maneuver"], second["route"]) == ("system", None, 0)
    assert all(validate_line(dict(e)) for e in log.events)


def test_setup_is_logged_once_with_the_settings_in_use_and_rebuilds_them(walk_route):
    position = PositionSettings(path_loss_exponent=3.1, max_beacons=4)
    timings = GuidanceTimings(off_route_m=8.0)
    pipe, _, log = _pipeline(position_settings=position, timings=timings)
    pipe.set_route(0.0, walk_route)
    pipe.set_route(5.0, walk_route)
    (setup,) = [e for e in log.events if e["type"] == "setup"]
    assert setup["positioning"]["path_loss_exponent"] == 3.1
    assert settings_from(PositionSettings, setup["positioning"]) == position
    assert settings_from(GuidanceTimings, setup["timings"]) == timings
    routes = [e["route_id"] for e in log.events if e["type"] == "route_received"]
    assert routes == [1, 2]


def test_a_lost_position_is_an_event_when_it_goes_and_when_it_comes_back(walk_route):
    from mobile.positioning.geo import RouteLine

    pipe, clock, log = _pipeline()
    pipe.set_route(0.0, walk_route)
    lat, lon = RouteLine(walk_route["geometry"]["coordinates"]).latlon_at(5.0)
    pipe.on_gps(0.5, lat, lon, 5.0)
    _tick_until(pipe, clock, 25.0)  # the fix goes stale after 10 s, lost 8 s later
    pipe.on_gps(25.1, lat, lon, 5.0)
    _tick_until(pipe, clock, 26.0)
    events = [e for e in log.events if e["type"] == "position_uncertain"]
    assert [(e["active"], e["reason"]) for e in events] == [(True, "lost"), (False, "lost")]
    assert events[0]["t"] == pytest.approx(18.75, abs=0.5)
    said = [e for e in log.events if e["type"] == "announcement" and e["kind"] == "position"]
    assert said and said[0]["started_t"] >= events[0]["t"]


def test_an_uncertain_position_is_an_event_with_hysteresis(walk_route):
    """Uncertain from 15 m (as "wo bin ich" says "Position ungenau"), good again below 10 m."""
    from mobile.positioning.geo import RouteLine

    pipe, clock, log = _pipeline()
    pipe.set_route(0.0, walk_route)
    lat, lon = RouteLine(walk_route["geometry"]["coordinates"]).latlon_at(5.0)
    for t, accuracy in ((0.5, 20.0), (2.5, 12.0), (4.5, 6.0)):
        pipe.on_gps(t, lat, lon, accuracy)
        _tick_until(pipe, clock, t + 1.5)
    events = [(e["active"], e["reason"], e["uncertainty_m"]) for e in log.events
              if e["type"] == "position_uncertain"]
    # the positioner states GPS's accuracy widened to its own coverage, so compare thresholds
    assert [(active, reason) for active, reason, _ in events] == [(True, "uncertain"),
                                                                   (False, "uncertain")]
    assert events[0][2] >= 15.0 and events[1][2] < 10.0
