"""A logged walk that went off route and was re-routed is re-run with its re-route.

The walker follows a hand-made route east for 40 m, then walks north off it; the phone (GPS
only, simulated and seeded) says it left the route and takes a new route north. Replaying that
log must go off route at the same moment, take the same new route from the log and say the same
things — a re-run that ignored the logged re-routes would fail aloud instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from accessibility.speech import SpeechQueue
from accessibility.voices import RecorderVoice
from mobile.guidance.callouts import SpeechPreferences
from mobile.guidance.pipeline import GuidancePipeline
from mobile.positioning.geo import RouteLine
from mobile.simulation.model import RadioModel, SimulatedWalk
from mobile.simulation.run import SimClock, run_walk
from tester_log.review.analysis import speech_diff
from tester_log.review.replay import replay
from tester_log.schema import read_log
from tester_log.writer import TripLogger

from .builders import START, line_east, offset

#: the walker leaves the route this far along it (m) and walks north this far (m)
LEAVE_AT_M, NORTH_M = 40.0, 90.0
TICK_S = 0.25


def straight_route(points: list[tuple[float, float]], street: str) -> dict:
    """A route body along ``points`` (10 m apart, one straight street): depart, arrive."""
    length = 10.0 * (len(points) - 1)
    (lat0, lon0), (lat1, lon1) = points[0], points[-1]
    return {"distance_m": length,
            "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in points]},
            "maneuvers": [
                {"type": "depart", "street": street, "text": f"Gehen Sie los, in der {street}.",
                 "at_m": 0.0, "distance_m": length, "location": {"lat": lat0, "lon": lon0}},
                {"type": "arrive", "text": "Ziel erreicht.", "at_m": length, "distance_m": 0.0,
                 "location": {"lat": lat1, "lon": lon1}}]}


@dataclass
class ReroutedWalk:
    log: Path
    first: dict
    second: dict


@pytest.fixture(scope="module")
def rerouted_walk(tmp_path_factory) -> ReroutedWalk:
    corner = offset(START, 90.0, LEAVE_AT_M)
    north = [offset(corner, 0.0, i * 10.0) for i in range(int(NORTH_M / 10) + 1)]
    first = straight_route(line_east(), "Marktstraße")
    second = straight_route(north, "Fackelstraße")
    path = RouteLine([[lon, lat] for lat, lon in [START, *north]])
    log_path = tmp_path_factory.mktemp("rerouted") / "trip.jsonl"
    clock = SimClock(0.0)
    with TripLogger(log_path, clock=clock) as log:
        log.event("app_start", app_version="test", lang="de",
                  started_at="2026-11-20T10:15:00+01:00", tick_s=TICK_S)
        log.event("settings", settings={"lang": "de", "verbosity": "normal",
                                        "clock_face": False, "logging_enabled": True})
        pipeline = GuidancePipeline(SpeechQueue(RecorderVoice(clock=clock), clock=clock), [],
                                    voice=SpeechPreferences("de"), logger=log,
                                    rerouter=lambda lat, lon: second)
        pipeline.set_route(0.0, first)
        walk = SimulatedWalk(path, [], RadioModel(), seed=2)
        run_walk(pipeline, walk, clock, tick_s=TICK_S, logger=log)
    assert pipeline.reroutes == 1
    return ReroutedWalk(log_path, first, second)


def test_the_walk_was_rerouted(rerouted_walk):
    events = read_log(rerouted_walk.log).events
    assert [e["type"] for e in events if e["type"] in ("off_route", "reroute")] == [
        "off_route", "reroute"]
    routes = [e["route"] for e in events if e["type"] == "route_received"]
    assert routes == [rerouted_walk.first, rerouted_walk.second]


def test_replay_reroutes_where_the_walk_did(rerouted_walk):
    data = replay(rerouted_walk.log)
    assert data.rerun is not None, data.rerun_note

    def reroutes(events: list[dict]) -> list[tuple[str, float]]:
        return [(e["type"], e["t"]) for e in events if e["type"] in ("off_route", "reroute")]

    assert reroutes(data.rerun) == reroutes(data.read.events) != []
    assert [e["route"] for e in data.rerun if e["type"] == "route_received"] == [
        rerouted_walk.first, rerouted_walk.second]
    said = [e["text"] for e in data.rerun if e["type"] == "announcement"]
    assert any(text.startswith("Neue Route:") for text in said)
    assert not any(text.startswith("Keine neue Route gefunden") for text in said)
    alike, diffs = speech_diff(data.read.events, data.rerun)
    assert diffs == [] and alike == len(said)
