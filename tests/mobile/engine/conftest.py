"""Fixtures of the phone engine's tests: a real route through the inner city, the shipped plan,
and a pipeline on simulated time with a recording voice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accessibility.speech import SpeechQueue
from accessibility.voices import RecorderVoice
from mobile.ble.plan import beacon_infos, load_plan
from mobile.guidance.pipeline import GuidancePipeline
from mobile.simulation.run import SimClock
from tester_log.writer import MemoryLogger

#: a Monday late morning in Kaiserslautern: shops open, daylight
WHEN = datetime(2026, 11, 23, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture(scope="session")
def router(cc_network):
    from routing_service.router import Router

    return Router(cc_network)


def place(net, name: str) -> tuple[float, float]:
    hit = net.search_places(name, limit=1)[0]
    return float(hit["lat"]), float(hit["lon"])


@pytest.fixture(scope="session")
def place_of(cc_network):
    """(lat, lon) of a named place in the inner city, from the routing core's place search."""
    return lambda name: place(cc_network, name)


@pytest.fixture(scope="session")
def when() -> datetime:
    return WHEN


@pytest.fixture(scope="session")
def hbf_stiftsplatz(cc_network, router) -> dict:
    """The real route Hauptbahnhof → Stiftsplatz (route body, as the server would send it)."""
    return router.route(place(cc_network, "Hauptbahnhof"), place(cc_network, "Stiftsplatz"),
                        when=WHEN).to_dict()


@pytest.fixture(scope="session")
def plan_records() -> list[dict]:
    return load_plan()


@pytest.fixture(scope="session")
def new_pipeline(plan_records, cc_network):
    """A factory: a fresh pipeline on simulated time -> (pipeline, clock, voice, logger)."""

    def make(**kwargs):
        clock = SimClock()
        voice = RecorderVoice(clock=clock)
        logger = MemoryLogger(clock=clock)
        pipeline = GuidancePipeline(SpeechQueue(voice, clock=clock), beacon_infos(plan_records),
                                    places=cc_network.places, logger=logger,
                                    wall_clock=lambda: WHEN, **kwargs)
        return pipeline, clock, voice, logger

    return make
