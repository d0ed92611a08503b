"""A virtual walker and a virtual radio, so the whole pipeline runs without a street or a beacon.

The walker follows a path at walking speed. Every beacon advertises about once a second; each
packet's RSSI follows the same log-distance model the positioner inverts, plus Gaussian shadowing,
and a share of packets is lost. Packets are real bleak `AdvertisementData` carrying real iBeacon or
Eddystone bytes, so the simulated walk exercises the parser too. Everything is seeded: the same seed
gives the same walk, byte for byte.
"""

from __future__ import annotations

import logging
import struct
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from bleak.backends.scanner import AdvertisementData
from scipy.spatial import cKDTree

from lotse_common.geodesy import to_latlon, to_xy
from mobile.ble.frames import APPLE_COMPANY_ID, EDDYSTONE_0M_TO_1M_DB, EDDYSTONE_UUID
from mobile.ble.plan import record_key
from mobile.positioning.geo import RouteLine
from mobile.positioning.rssi import rssi_at_distance

log = logging.getLogger(__name__)

#: the phone hears nothing weaker than this (dBm)
SENSITIVITY_DBM = -100.0
#: beacons farther than this are not even considered (m)
HEARING_RANGE_M = 60.0


@dataclass(frozen=True, slots=True)
class RadioModel:
    """Outdoor defaults: exponent 2.7, shadowing σ 5 dB, a quarter of packets lost, 1 Hz."""

    path_loss_exponent: float = 2.7
    shadowing_sigma_db: float = 5.0
    drop_rate: float = 0.25
    advert_interval_s: float = 1.0
    #: GPS fallback: noise of each fix (m); None = no GPS at all
    gps_sigma_m: float | None = 6.0
    gps_interval_s: float = 1.0


@dataclass(frozen=True, slots=True)
class SimBeacon:
    key: str
    x: float
    y: float
    measured_power: int
    advert: AdvertisementData  # the bytes it sends (rssi filled per packet)


def advert_for(record: dict[str, Any]) -> AdvertisementData:
    """The AdvertisementData a real beacon with this plan/bundle record would send."""
    power = int(record.get("measured_power") or -59)
    if record.get("kind", "ibeacon") == "eddystone":
        frame = (b"\x00" + struct.pack(">b", power + EDDYSTONE_0M_TO_1M_DB)
                 + bytes.fromhex(record["namespace"]) + bytes.fromhex(record["instance"])
                 + b"\x00\x00")
        return AdvertisementData(None, {}, {EDDYSTONE_UUID: frame}, [EDDYSTONE_UUID], None, 0, ())
    payload = (b"\x02\x15" + uuid.UUID(record["uuid"]).bytes
               + struct.pack(">HHb", int(record["major"]), int(record["minor"]), power))
    return AdvertisementData(None, {APPLE_COMPANY_ID: payload}, {}, [], None, 0, ())


def sim_beacons(records: Sequence[dict[str, Any]]) -> list[SimBeacon]:
    out = []
    for r in records:
        x, y = to_xy(float(r["lat"]), float(r["lon"]))
        out.append(SimBeacon(record_key(r), x, y, int(r.get("measured_power") or -59),
                             advert_for(r)))
    return out


@dataclass(frozen=True, slots=True)
class Packet:
    t: float
    beacon: SimBeacon
    advert: AdvertisementData


class SimulatedWalk:
    """A walker on `path` (a RouteLine) from t=0 at `speed` m/s, and what its phone receives."""

    def __init__(self, path: RouteLine, beacons: Sequence[SimBeacon], radio: RadioModel,
                 speed: float = 1.2, seed: int = 0, start_delay_s: float = 2.0,
                 start_m: float = 0.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.path, self.radio, self.speed = path, radio, speed
        self.start_delay_s = start_delay_s
        #: the walker begins this far along the path (a route begun after its first point)
        self.start_m = start_m
        self.rng = np.random.default_rng(seed)
        self.beacons = list(beacons)
        self._tree = cKDTree([(b.x, b.y) for b in self.beacons]) if self.beacons else None
        # every beacon advertises on its own phase, ~1 Hz with a little jitter
        self._next = self.rng.uniform(0.0, radio.advert_interval_s, len(self.beacons))
        self._until = 0.0
        self._next_gps = 0.5
        self.duration_s = start_delay_s + max(path.length_m - start_m, 0.0) / speed

    def progress_at(self, t: float) -> float:
        """True metres along the path (the walker waits `start_delay_s` at the start)."""
        walked = max(t - self.start_delay_s, 0.0) * self.speed
        return min(self.start_m + walked, self.path.length_m)

    def xy_at(self, t: float) -> tuple[float, float]:
        return self.path.xy_at(self.progress_at(t))

    def latlon_at(self, t: float) -> tuple[float, float]:
        return self.path.latlon_at(self.progress_at(t))

    def packets_until(self, t_end: float) -> list[Packet]:
        """Packets received after the last call and up to `t_end`, in time order.

        Only beacons within hearing range are simulated packet by packet; the others just keep
        their phase (fast-forwarded when they come into range), so a city-wide plan stays cheap.
        """
        radio, interval = self.radio, self.radio.advert_interval_s
        if self._tree is None or t_end <= self._until:
            return []
        x, y = self.xy_at(t_end)
        near = self._tree.query_ball_point((x, y), HEARING_RANGE_M + 5.0)
        out: list[Packet] = []
        for i in sorted(near):
            if self._next[i] < self._until:  # was out of range: skip the packets it sent then
                self._next[i] += interval * np.ceil((self._until - self._next[i]) / interval)
            while self._next[i] <= t_end:
                t = float(self._next[i])
                self._next[i] += interval + float(self.rng.uniform(-0.05, 0.05))
                if self.rng.random() < radio.drop_rate:
                    continue
                b = self.beacons[i]
                bx, by = self.xy_at(t)
                d = float(np.hypot(b.x - bx, b.y - by))
                rssi = rssi_at_distance(d, b.measured_power, radio.path_loss_exponent)
                rssi += float(self.rng.normal(0.0, radio.shadowing_sigma_db))
                if rssi >= SENSITIVITY_DBM:
                    out.append(Packet(t, b, b.advert._replace(rssi=int(round(rssi)))))
        self._until = t_end
        out.sort(key=lambda pkt: pkt.t)
        return out

    def gps_until(self, t_end: float) -> Iterator[tuple[float, float, float, float]]:
        """(t, lat, lon, accuracy_m) fixes up to `t_end`, when the model has GPS."""
        sigma = self.radio.gps_sigma_m
        while sigma is not None and self._next_gps <= t_end:
            t = self._next_gps
            self._next_gps += self.radio.gps_interval_s
            x, y = self.xy_at(t)
            nx, ny = self.rng.normal(0.0, sigma, 2)
            lat, lon = to_latlon(x + float(nx), y + float(ny))
            yield t, lat, lon, sigma * 1.5
