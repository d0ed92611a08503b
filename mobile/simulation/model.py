"""A virtual walker and a virtual radio, so the whole pipeline runs without a street or a beacon.

The walker follows a path at walking speed. Every beacon advertises once per advertising interval;
each packet's RSSI follows the log-distance model the positioner inverts. Two radios:

- **realistic** (the default): what public recordings with ground truth show (`docs/RADIO.md`):
  each beacon's true measured power is off its stored value (σ 2 dB), the phone reads all beacons
  a few dB high or low (σ 3 dB), most shadowing is fixed at a place and changes smoothly over a
  metre or two (σ 5 dB, a Gaussian random field per beacon), only a smaller part changes packet
  to packet (σ 3.3 dB), and the chance of hearing a packet falls with distance (65 % up close,
  almost none beyond ~16 m);
- **ideal**: the older model, i.i.d. Gaussian shadowing on every packet (σ 5 dB), a flat 25 % of
  packets lost, exact measured power, kept for comparison (`lotse walk --radio ideal`).

Packets are real bleak `AdvertisementData` carrying real iBeacon or Eddystone bytes, so the
simulated walk exercises the parser too. Everything is seeded: the same seed gives the same walk,
byte for byte.
"""

from __future__ import annotations

import logging
import math
import struct
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
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
#: random Fourier features per shadowing field (more = closer to a true Gaussian field)
FIELD_FEATURES = 48
#: realistic radio: share of the shadowing variance that is fixed at a place (UJI fit: 0.6-0.8)
FIXED_SHARE = 0.7
RADIO_KINDS = ("realistic", "ideal")


@dataclass(frozen=True, slots=True)
class RadioModel:
    """The radio a simulated phone sees. `RadioModel()` is the realistic radio; see
    `RadioModel.make` for the command line's three knobs and `docs/RADIO.md` for the sources."""

    kind: str = "realistic"
    path_loss_exponent: float = 2.7
    #: per-packet (i.i.d.) shadowing (dB, σ)
    packet_sigma_db: float = 3.3
    #: shadowing fixed at a place, smooth over `correlation_m` (dB, σ); 0 = none
    fixed_sigma_db: float = 5.0
    #: distance over which the fixed shadowing decorrelates (m, Gaussian kernel length)
    correlation_m: float = 1.5
    #: spread of the beacons' true measured power around the stored value (dB, σ)
    beacon_power_sigma_db: float = 2.0
    #: the phone's own offset (dB); None = drawn per walk with σ `phone_sigma_db`
    phone_offset_db: float | None = None
    phone_sigma_db: float = 3.0
    #: share of packets lost even up close
    drop_rate: float = 0.35
    #: distance where the chance of hearing a packet has halved (m); None = flat `drop_rate`
    reception_half_m: float | None = 12.0
    #: how sharply reception falls around `reception_half_m` (m, logistic width)
    reception_width_m: float = 1.5
    advert_interval_s: float = 1.0
    #: GPS fallback: noise of each fix (m); None = no GPS at all
    gps_sigma_m: float | None = 6.0
    gps_interval_s: float = 1.0

    @classmethod
    def make(cls, kind: str = "realistic", rssi_sigma_db: float | None = None,
             path_loss_exponent: float | None = None, drop_rate: float | None = None,
             **other: Any) -> RadioModel:
        """The radio of `lotse walk`: `rssi_sigma_db` is the whole shadowing of one packet
        (realistic: split into the fixed and the per-packet part by `FIXED_SHARE`),
        `drop_rate` the packets lost up close, `path_loss_exponent` the exponent."""
        if kind not in RADIO_KINDS:
            raise ValueError(f"radio must be one of {', '.join(RADIO_KINDS)}")
        base = cls.ideal() if kind == "ideal" else cls()
        changes: dict[str, Any] = dict(other)
        if path_loss_exponent is not None:
            changes["path_loss_exponent"] = path_loss_exponent
        if drop_rate is not None:
            changes["drop_rate"] = drop_rate
        if rssi_sigma_db is not None:
            share = FIXED_SHARE if kind == "realistic" else 0.0
            changes["fixed_sigma_db"] = rssi_sigma_db * math.sqrt(share)
            changes["packet_sigma_db"] = rssi_sigma_db * math.sqrt(1.0 - share)
        return replace(base, **changes)

    @classmethod
    def ideal(cls, **changes: Any) -> RadioModel:
        """The older radio: i.i.d. σ 5 dB per packet, 25 % lost at any distance, exact powers."""
        return replace(cls(kind="ideal", packet_sigma_db=5.0, fixed_sigma_db=0.0,
                           beacon_power_sigma_db=0.0, phone_offset_db=0.0, phone_sigma_db=0.0,
                           drop_rate=0.25, reception_half_m=None), **changes)

    @property
    def rssi_sigma_db(self) -> float:
        """The whole shadowing of one packet (dB): fixed and per-packet parts together."""
        return math.hypot(self.packet_sigma_db, self.fixed_sigma_db)

    def reception(self, distance_m: float) -> float:
        """Chance that one packet sent from `distance_m` away is heard."""
        near = 1.0 - self.drop_rate
        if self.reception_half_m is None:
            return near
        z = (distance_m - self.reception_half_m) / self.reception_width_m
        return near / (1.0 + math.exp(min(z, 50.0)))


class ShadowField:
    """One beacon's fixed shadowing over the plane: a smooth Gaussian random field.

    Random Fourier features (Rahimi & Recht) of a Gaussian kernel with length `correlation_m`:
    the same place always gets the same shadow, a metre or two away it is another one.
    """

    __slots__ = ("_w", "_b", "_scale")

    def __init__(self, rng: np.random.Generator, sigma_db: float, correlation_m: float) -> None:
        self._w = rng.normal(0.0, 1.0 / max(correlation_m, 1e-3), (FIELD_FEATURES, 2))
        self._b = rng.uniform(0.0, 2.0 * math.pi, FIELD_FEATURES)
        self._scale = sigma_db * math.sqrt(2.0 / FIELD_FEATURES)

    def at(self, x: float, y: float) -> float:
        return float(self._scale * np.cos(self._w[:, 0] * x + self._w[:, 1] * y + self._b).sum())


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
        self.seed = seed
        self.beacons = list(beacons)
        #: what this walk's phone adds to every reading (dB)
        self.phone_offset_db = radio.phone_offset_db if radio.phone_offset_db is not None \
            else float(np.random.default_rng([seed, 1]).normal(0.0, radio.phone_sigma_db))
        self._beacon_radio: dict[int, tuple[float, ShadowField | None]] = {}
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
                b = self.beacons[i]
                bx, by = self.xy_at(t)
                d = float(np.hypot(b.x - bx, b.y - by))
                if self.rng.random() >= radio.reception(d):
                    continue
                rssi = self.rssi(i, d, bx, by)
                if rssi >= SENSITIVITY_DBM:
                    out.append(Packet(t, b, b.advert._replace(rssi=int(round(rssi)))))
        self._until = t_end
        out.sort(key=lambda pkt: pkt.t)
        return out

    def rssi(self, i: int, d: float, x: float, y: float) -> float:
        """One packet's RSSI from beacon `i`, `d` metres from the phone at (x, y)."""
        radio, b = self.radio, self.beacons[i]
        offset, field = self._radio_of(i)
        rssi = rssi_at_distance(d, b.measured_power + offset, radio.path_loss_exponent)
        if field is not None:
            rssi += field.at(x, y)
        return rssi + self.phone_offset_db + float(self.rng.normal(0.0, radio.packet_sigma_db))

    def _radio_of(self, i: int) -> tuple[float, ShadowField | None]:
        """Beacon `i`'s power error and shadowing field, drawn from its own seeded stream so
        they do not depend on the order in which beacons come into range."""
        got = self._beacon_radio.get(i)
        if got is None:
            rng = np.random.default_rng([self.seed, 2, i])
            radio = self.radio
            offset = float(rng.normal(0.0, radio.beacon_power_sigma_db))
            field = ShadowField(rng, radio.fixed_sigma_db, radio.correlation_m) \
                if radio.fixed_sigma_db > 0 else None
            got = self._beacon_radio[i] = (offset, field)
        return got

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
