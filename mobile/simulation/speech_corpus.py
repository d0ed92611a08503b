"""A corpus of inner-city walks for judging what the walker hears, and how much.

Thirty-four routes between real places of the Kaiserslautern inner city (each found by the
routing core's place search in the real OSM extract), walked in simulation through the whole
pipeline with a recording voice. `talk_share` is the part of the walking time the phone speaks
(earcons included); the tests walk a few of these routes, `bench/bench_speech.py` all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from accessibility.speech import SpeechQueue
from accessibility.voices import RecorderVoice
from mobile.ble.plan import beacon_infos
from mobile.guidance.callouts import SpeechPreferences
from mobile.guidance.pipeline import GuidancePipeline
from mobile.simulation.model import RadioModel, SimulatedWalk, sim_beacons
from mobile.simulation.run import SimClock, WalkResult, run_walk

#: places the walks join (names as the place search finds them)
PLACES: tuple[str, ...] = (
    "Hauptbahnhof", "Stiftsplatz", "Rathaus", "Fackelbrunnen", "Pfalzbibliothek",
    "Kerststraße", "Altenhof", "Synagogenplatz", "Schillerplatz", "Eisenbahnstraße",
    "Fruchthalle", "Kaiserpfalz", "St.-Martins-Platz", "Stiftskirche", "Marktstraße",
    "Am Altenhof", "Finanzamt", "Apotheke am Schillerplatz",
)  # fmt: skip
#: (from, to): every place is a start and a destination; short and long walks
ROUTES: tuple[tuple[str, str], ...] = tuple(
    (PLACES[i], PLACES[(i + step) % len(PLACES)]) for step in (3, 7) for i in range(len(PLACES))
)[:34]
#: a Monday late morning: shops open
WHEN = datetime(2026, 11, 23, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def place_point(net: Any, name: str) -> tuple[float, float]:
    hit = net.search_places(name, limit=1)
    if not hit:
        raise LookupError(f"no place {name!r} in the extract")
    return float(hit[0]["lat"]), float(hit[0]["lon"])


@dataclass
class SpokenWalk:
    origin: str
    destination: str
    lang: str
    result: WalkResult
    voice: RecorderVoice
    pipeline: GuidancePipeline

    @property
    def talk_s(self) -> float:
        return sum(u.seconds for u in self.voice.spoken)

    @property
    def talk_share(self) -> float:
        """Part of the walking time spent speaking."""
        return self.talk_s / max(self.result.duration_s, 1e-9)


def walk_route(router: Any, plan_records: list[dict[str, Any]], origin: str, destination: str,
               lang: str = "de", verbosity: str = "normal", seed: int = 0,
               radio: RadioModel | None = None,
               on_tick: Callable[[GuidancePipeline, float], None] | None = None) -> SpokenWalk:
    """Route from `origin` to `destination`, then walk it in simulation; what was said, when.
    `on_tick(pipeline, t)` runs after every tick (e.g. a setting changed mid-walk)."""
    net = router.net
    goal = place_point(net, destination)
    body = router.route(place_point(net, origin), goal, lang=lang, when=WHEN).to_dict()
    clock = SimClock()
    voice = RecorderVoice(clock=clock)
    pipeline = GuidancePipeline(SpeechQueue(voice, clock=clock), beacon_infos(plan_records),
                                voice=SpeechPreferences(lang=lang, verbosity=verbosity),
                                places=net.places, wall_clock=lambda: WHEN,
                                rerouter=lambda lat, lon: router.route(
                                    (lat, lon), goal, lang=lang, when=WHEN).to_dict())
    pipeline.set_route(0.0, body, destination_name=destination)
    walk = SimulatedWalk(pipeline.route.line, sim_beacons(plan_records), radio or RadioModel(),
                         seed=seed)
    result = run_walk(pipeline, walk, clock,
                      on_tick=None if on_tick is None else lambda t: on_tick(pipeline, t))
    return SpokenWalk(origin, destination, lang, result, voice, pipeline)
