"""A simulated walk written to a tester log, for the replay tests and the replay benchmark.

The walker follows a real route over the inner-city extract at walking pace. Beacons placed
beside the route advertise real iBeacon frames (bleak ``AdvertisementData``) about once a second;
RSSI follows the path-loss model with noise and lost packets, seeded so the log is the same every
run. Everything goes through the real ``GuidancePipeline`` ticked on the app's 0.2 s grid and into a
real ``TripLogger``, with ``truth`` events for where the walker really was. One planned beacon is
switched off, so the report must flag it.
"""

from __future__ import annotations

import json
import random
import struct
import uuid
from dataclasses import dataclass
from pathlib import Path

from bleak.backends.scanner import AdvertisementData

from accessibility.speech import SpeechQueue
from accessibility.voices import RecorderVoice
from mobile.guidance import Voice
from mobile.logbook import TripLogger
from mobile.pipeline import GuidancePipeline
from mobile.positioning import BeaconInfo
from mobile.positioning_geo import RouteLine, to_latlon
from mobile.positioning_rssi import rssi_at_distance
from mobile.replay import TICK_S, ReplayClock

ORIGIN = (49.4445, 7.7680)
DESTINATION = (49.4435, 7.7700)
BEACON_UUID = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"
MEASURED_POWER = -59
SPEED_M_S = 1.2
BEACON_SPACING_M = 30.0
BEACON_OFFSET_M = 4.0
HEARD_WITHIN_M = 40.0
NOISE_DB = 4.0
LOSS = 0.2
START_T = 1000.0
STARTED_AT = "2026-11-20T10:15:00+01:00"


@dataclass
class Walk:
    log: Path
    route: dict
    plan: list[dict]  # as mobile.replay.load_plan returns it
    dead_key: str
    announcements: list[tuple[float, str]]


def ibeacon_advert(major: int, minor: int, rssi: int) -> AdvertisementData:
    payload = b"\x02\x15" + uuid.UUID(BEACON_UUID).bytes + struct.pack(">HHb", major, minor,
                                                                      MEASURED_POWER)
    return AdvertisementData(local_name=None, manufacturer_data={0x004C: payload},
                             service_data={}, service_uuids=[], tx_power=None, rssi=rssi,
                             platform_data=())


def place_beacons(line: RouteLine) -> list[dict]:
    """A beacon every BEACON_SPACING_M, BEACON_OFFSET_M to the side of the route."""
    plan = []
    s, minor = 10.0, 1
    while s < line.length_m:
        x0, y0 = line.xy_at(s)
        x1, y1 = line.xy_at(s + 1.0)
        norm = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-6)
        x, y = x0 - (y1 - y0) / norm * BEACON_OFFSET_M, y0 + (x1 - x0) / norm * BEACON_OFFSET_M
        lat, lon = to_latlon(x, y)
        plan.append({"key": f"ibeacon:{BEACON_UUID}:1:{minor}", "lat": lat, "lon": lon,
                     "placement": f"Laterne {minor}", "measured_power": MEASURED_POWER,
                     "minor": minor, "x": x, "y": y})
        s += BEACON_SPACING_M
        minor += 1
    return plan


def _packets(plan, dead, next_adv, until, line, rng) -> list[tuple[float, int, int]]:
    """(t, minor, rssi) of every packet received before ``until``; lost ones are left out."""
    out = []
    for b in plan:
        while next_adv[b["key"]] < until:
            t_adv = next_adv[b["key"]]
            next_adv[b["key"]] += rng.uniform(0.8, 1.2)
            x, y = line.xy_at((t_adv - START_T) * SPEED_M_S)
            d = ((x - b["x"]) ** 2 + (y - b["y"]) ** 2) ** 0.5
            if b is dead or d > HEARD_WITHIN_M or rng.random() < LOSS:
                continue
            out.append((t_adv, b["minor"],
                        round(rssi_at_distance(d, MEASURED_POWER) + rng.gauss(0, NOISE_DB))))
    return out


def simulate(log_path: Path, route: dict, seed: int = 7) -> Walk:
    rng = random.Random(seed)
    line = RouteLine(route["geometry"]["coordinates"], route["distance_m"])
    plan = place_beacons(line)
    dead = plan[len(plan) // 2]
    clock = ReplayClock(START_T)
    voice = RecorderVoice(clock=clock)
    beacons = [BeaconInfo.make(b["key"], b["lat"], b["lon"], b["measured_power"],
                               {"de": b["placement"]}) for b in plan]
    with TripLogger(log_path, clock=clock) as log:
        log.event("app_start", app_version="test", started_at=STARTED_AT)
        log.event("settings", settings={"lang": "de", "verbosity": "normal",
                                        "clock_face": False, "logging_enabled": True})
        log.event("route_requested", origin=list(ORIGIN), destination=list(DESTINATION),
                  profile="blind")
        pipe = GuidancePipeline(SpeechQueue(voice, clock=clock), beacons, voice=Voice("de"),
                                logger=log)
        pipe.set_route(START_T, route)
        duration = line.length_m / SPEED_M_S + 15.0
        next_adv = {b["key"]: START_T + rng.uniform(0, 1) for b in plan}
        k = 1
        first = round(START_T / TICK_S)  # the same grid of tick times as the app and replay
        while k * TICK_S <= duration:
            t_tick = (first + k) * TICK_S
            for t_adv, minor, rssi in sorted(_packets(plan, dead, next_adv, t_tick, line, rng)):
                clock.now = t_adv
                pipe.on_advertisement(t_adv, ibeacon_advert(1, minor, rssi))
            clock.now = t_tick
            if k % 5 == 0:
                lat, lon = line.latlon_at((t_tick - START_T) * SPEED_M_S)
                log.event("truth", lat=lat, lon=lon)
            if k == 150:
                log.event("marker", note="hier stimmt etwas nicht")
            pipe.tick(t_tick)
            k += 1
    said = [(a.t, a.text) for a in pipe.announcements]
    return Walk(log_path, route, [{k: v for k, v in b.items() if k not in ("x", "y", "minor")}
                                  for b in plan], dead["key"], said)


def write_plan(path: Path, plan: list[dict]) -> Path:
    """The plan as beacon-plan GeoJSON (the format of mobile/data/beacon_plan_cc.geojson)."""
    features = []
    for b in plan:
        _, beacon_uuid, major, minor = b["key"].split(":")
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [b["lon"], b["lat"]]},
                         "properties": {"kind": "ibeacon", "uuid": beacon_uuid,
                                        "major": int(major), "minor": int(minor),
                                        "placement_de": b["placement"],
                                        "measured_power": b["measured_power"], "level": 0}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path
