"""A simulated walk written to a tester log, for the replay tests and the replay benchmark.

The engine's own simulator (``mobile.simulation.model``: real iBeacon/Eddystone bytes in bleak
``AdvertisementData``, path-loss RSSI with shadowing and lost packets, noisy GPS, seeded) walks a
real route over the inner-city extract past the shipped beacon plan, through the real
``GuidancePipeline`` and into a real ``TripLogger`` (``run_walk`` adds ``truth`` events). One
planned beacon beside the route is left out of the simulated radio — a dead beacon the report
must flag — and a marker is dropped, which ``lotse walk --log`` cannot do (that command's own
log is replayed in test_replay as well).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accessibility.speech import SpeechQueue
from accessibility.voices import RecorderVoice
from mobile.ble.plan import PLAN_PATH, beacon_infos, load_plan, record_key
from mobile.guidance.callouts import SpeechPreferences
from mobile.guidance.pipeline import GuidancePipeline
from mobile.positioning.geo import RouteLine, to_latlon, to_xy
from mobile.simulation.model import RadioModel, SimulatedWalk, sim_beacons
from mobile.simulation.run import SimClock, run_walk
from tester_log.writer import TripLogger

ORIGIN = (49.4445, 7.7680)
DESTINATION = (49.4435, 7.7700)
#: the simulator's tick; logged in app_start so replay ticks on the same grid (s)
WALK_TICK_S = 0.25
STARTED_AT = "2026-11-20T10:15:00+01:00"
MARKER_AT_S = 30.0


@dataclass
class Walk:
    log: Path
    plan_path: Path
    route: dict
    dead_key: str
    announcements: list[tuple[float, str]]
    moved_key: str = ""


def _dead_beacon(records: list[dict], line: RouteLine) -> dict:
    """The planned beacon closest to the middle of the route."""
    mx, my = line.xy_at(line.length_m / 2)

    def far(r: dict) -> float:
        x, y = to_xy(float(r["lat"]), float(r["lon"]))
        return (x - mx) ** 2 + (y - my) ** 2

    return min(records, key=far)


def moved_beacon(records: list[dict], line: RouteLine) -> dict:
    """The planned beacon closest to a third of the way along the route."""
    mx, my = line.xy_at(line.length_m / 3)
    return min(records, key=lambda r: (to_xy(float(r["lat"]), float(r["lon"]))[0] - mx) ** 2
               + (to_xy(float(r["lat"]), float(r["lon"]))[1] - my) ** 2)


def simulate(log_path: Path, route: dict, seed: int = 7, max_bytes: int = 50_000_000,
             moved_m: float = 0.0, radio: RadioModel | None = None) -> Walk:
    """``moved_m``: the beacon a third of the way along really hangs this far north of where
    the plan (the phone's and the report's) says — a beacon staff must visit. ``radio``:
    the simulator's default (realistic) unless given."""
    records = load_plan(PLAN_PATH)
    line = RouteLine(route["geometry"]["coordinates"], route["distance_m"])
    dead = _dead_beacon(records, line)
    alive = [r for r in records if r is not dead]
    moved_key = ""
    if moved_m:
        moved = moved_beacon(alive, line)
        moved_key = record_key(moved)
        x, y = to_xy(float(moved["lat"]), float(moved["lon"]))
        lat, lon = to_latlon(x, y + moved_m)
        alive = [r if r is not moved else {**r, "lat": lat, "lon": lon} for r in alive]
    walk = SimulatedWalk(line, sim_beacons(alive), radio or RadioModel(), seed=seed)
    clock = SimClock(0.0)
    voice = RecorderVoice(clock=clock)
    with TripLogger(log_path, max_bytes=max_bytes, clock=clock) as log:
        log.event("app_start", app_version="test", lang="de", started_at=STARTED_AT,
                  tick_s=WALK_TICK_S)
        log.event("settings", settings={"lang": "de", "verbosity": "normal",
                                        "clock_face": False, "logging_enabled": True})
        log.event("route_requested", origin=list(ORIGIN), destination=list(DESTINATION),
                  profile="blind")
        pipe = GuidancePipeline(SpeechQueue(voice, clock=clock), beacon_infos(records),
                                voice=SpeechPreferences("de"), logger=log)
        pipe.set_route(0.0, route)

        def mark(t: float) -> None:
            if abs(t - MARKER_AT_S) < 1e-9:
                log.event("marker", t=t, note="hier stimmt etwas nicht")

        run_walk(pipe, walk, clock, tick_s=WALK_TICK_S, on_tick=mark, logger=log)
    return Walk(log_path, PLAN_PATH, route, record_key(dead),
                [(a.t, a.text) for a in pipe.announcements],
                moved_key)


#: the departure walk follows its route this far, then walks off towards AWAY (m)
LEAVE_AT_M = 120.0
AWAY = (49.4452, 7.7712)


def departure_path(route: dict, router) -> RouteLine:
    """The walker's own path: the route to LEAVE_AT_M, then the streets towards AWAY — a
    departure the simulator cannot make on its own (it follows the line it is given)."""
    main = RouteLine(route["geometry"]["coordinates"], route["distance_m"])
    lat, lon = main.latlon_at(LEAVE_AT_M)
    away = router.route((lat, lon), AWAY, profile="blind", lang="de").to_dict()
    kept = [c for c in route["geometry"]["coordinates"]
            if main.project(*to_xy(c[1], c[0]))[0] < LEAVE_AT_M]
    return RouteLine(kept + [[lon, lat]] + away["geometry"]["coordinates"])


def simulate_departure(log_path: Path, route: dict, router, seed: int = 5) -> Walk:
    """A logged walk that leaves its route at LEAVE_AT_M; guidance re-routes it to the
    destination (the real router), and the walker keeps going the wrong way."""
    records = load_plan(PLAN_PATH)
    walk = SimulatedWalk(departure_path(route, router), sim_beacons(records), RadioModel(),
                         seed=seed)
    clock = SimClock(0.0)
    voice = RecorderVoice(clock=clock)
    with TripLogger(log_path, clock=clock) as log:
        log.event("app_start", app_version="test", lang="de", started_at=STARTED_AT,
                  tick_s=WALK_TICK_S)
        pipe = GuidancePipeline(
            SpeechQueue(voice, clock=clock), beacon_infos(records),
            voice=SpeechPreferences("de"), logger=log,
            rerouter=lambda lat, lon: router.route((lat, lon), DESTINATION, profile="blind",
                                                   lang="de").to_dict())
        pipe.log_setup(0.0, radio={"drop_rate": RadioModel().drop_rate}, seed=seed)
        pipe.set_route(0.0, route)
        run_walk(pipe, walk, clock, tick_s=WALK_TICK_S, logger=log)
    return Walk(log_path, PLAN_PATH, route, "", [(a.t, a.text) for a in pipe.announcements])
