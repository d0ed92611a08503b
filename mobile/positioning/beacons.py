"""Where the phone is: filtered beacon ranges combined by weighted least squares, GPS as fallback.

Each known beacon's RSSI runs through its own Kalman filter (`positioning_rssi`), becomes a distance
with that beacon's measured power, and the nearest few ranges are combined. Near beacons count more:
shadowing makes the range error proportional to the range, so each residual is divided by its range.
scipy's `least_squares` with a soft-L1 loss keeps one reflected, far-too-strong packet from dragging
the estimate. With no beacon heard recently, the latest GPS fix is used and its accuracy reported.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from lotse_common.geodesy import to_latlon, to_xy
from mobile.positioning.rssi import (
    DEFAULT_PATH_LOSS_EXPONENT,
    KalmanRssi,
    RssiFilterSettings,
    distance_from_rssi,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BeaconInfo:
    """A beacon the phone knows (from the area bundle, the registry or the shipped plan)."""

    key: str
    lat: float
    lon: float
    measured_power: int | None = None  # dBm at 1 m; None: use the value in the frame
    placement: Mapping[str, str] = field(default_factory=dict)  # lang -> "Eingang Rathaus"
    x: float = 0.0
    y: float = 0.0

    @classmethod
    def make(cls, key: str, lat: float, lon: float, measured_power: int | None = None,
             placement: Mapping[str, str] | None = None) -> BeaconInfo:
        x, y = to_xy(lat, lon)
        return cls(key, lat, lon, measured_power, dict(placement or {}), x, y)


@dataclass(frozen=True, slots=True)
class PositionSettings:
    path_loss_exponent: float = DEFAULT_PATH_LOSS_EXPONENT
    rssi: RssiFilterSettings = field(default_factory=RssiFilterSettings)
    #: only the nearest ranges take part (far ones add noise, not information)
    max_beacons: int = 6
    #: a GPS fix older than this is no position at all (s)
    gps_stale_after_s: float = 10.0
    #: a beacon fix is recomputed at most this often (s): the ranges change slowly
    fix_interval_s: float = 0.5
    #: relative range error from shadowing, used to turn ranges into uncertainty (fraction)
    relative_range_error: float = 0.35
    #: a beacon fix is trusted over fresh GPS only when its nearest range is this close (m).
    #: Far beacons are heard only through the packets that shadowing lifts above the phone's
    #: sensitivity, so their ranges read too near, and a fix made of them alone was 40-50 m
    #: off at the start of walks that began away from the beacons.
    near_range_m: float = 15.0


@dataclass(frozen=True, slots=True)
class Range:
    """A filtered distance to one beacon, in the metric plane."""

    key: str
    x: float
    y: float
    distance_m: float


@dataclass(frozen=True, slots=True)
class PositionFix:
    t: float
    lat: float
    lon: float
    x: float
    y: float
    uncertainty_m: float
    source: str  # "beacon" or "gps"
    beacons: int = 0
    nearest_beacon: str | None = None

    @property
    def quality(self) -> float:
        """0 (useless) … 1 (within a metre or two): what the status line and logs show."""
        return round(max(0.0, min(1.0, 1.0 - (self.uncertainty_m - 2.0) / 28.0)), 2)


class BeaconPositioner:
    """Keeps one RSSI filter per heard beacon and turns the fresh ones into a position."""

    def __init__(self, beacons: Iterable[BeaconInfo], settings: PositionSettings | None = None):
        self.settings = settings or PositionSettings()
        self.beacons: dict[str, BeaconInfo] = {b.key: b for b in beacons}
        self._filters: dict[str, KalmanRssi] = {}
        self._frame_power: dict[str, int] = {}
        self._gps: PositionFix | None = None
        self.unknown_heard: set[str] = set()
        self._packets = 0
        self._packets_at_fix = -1
        self._last_fix: PositionFix | None = None

    def on_sighting(self, t: float, key: str, rssi: float, frame_power: int | None = None) -> bool:
        """Feed one packet; False (and nothing else) for a beacon not in the plan/bundle."""
        if key not in self.beacons:
            self.unknown_heard.add(key)
            return False
        f = self._filters.get(key)
        if f is None or f.is_stale(t):
            self._filters[key] = KalmanRssi(t, rssi, self.settings.rssi)
        else:
            f.update(t, rssi)
        if frame_power is not None:
            self._frame_power[key] = frame_power
        self._packets += 1
        return True

    def on_gps(self, t: float, lat: float, lon: float, accuracy_m: float) -> None:
        x, y = to_xy(lat, lon)
        self._gps = PositionFix(t, lat, lon, x, y, max(float(accuracy_m), 1.0), "gps")

    @property
    def gps(self) -> PositionFix | None:
        """The latest GPS fix, however old."""
        return self._gps

    def ranges(self, t: float) -> list[Range]:
        """Fresh filtered ranges, nearest first, at most `max_beacons`."""
        out = []
        for key, f in list(self._filters.items()):
            if f.is_stale(t):
                del self._filters[key]
                continue
            b = self.beacons[key]
            power = b.measured_power if b.measured_power is not None else self._frame_power.get(key)
            if power is None:
                continue
            d = distance_from_rssi(f.value, power, self.settings.path_loss_exponent)
            out.append(Range(key, b.x, b.y, d))
        out.sort(key=lambda r: r.distance_m)
        return out[: self.settings.max_beacons]

    def estimate(self, t: float) -> PositionFix | None:
        """A near beacon first; the latest fresh GPS fix otherwise; far beacons when nothing
        else is there (with the nearest range as uncertainty); None when there is nothing.

        A beacon fix is recomputed at most every `fix_interval_s`, and only after new packets.
        """
        ranges = self.ranges(t)
        gps = self.fresh_gps(t)
        if ranges and (gps is None or ranges[0].distance_m <= self.settings.near_range_m):
            last = self._last_fix
            if last is not None and last.source == "beacon" and (
                    self._packets == self._packets_at_fix
                    or t - last.t < self.settings.fix_interval_s):
                return last
            self._last_fix = self._trilaterate(t, ranges)
            self._packets_at_fix = self._packets
            return self._last_fix
        return gps

    def fresh_gps(self, t: float) -> PositionFix | None:
        """The latest GPS fix if it is recent enough to be a position."""
        if self._gps is not None and t - self._gps.t <= self.settings.gps_stale_after_s:
            return self._gps
        return None

    def near_beacon_heard(self, t: float) -> bool:
        """Whether a beacon is close enough for its ranges to beat GPS (see `near_range_m`)."""
        ranges = self.ranges(t)
        return bool(ranges) and ranges[0].distance_m <= self.settings.near_range_m

    def _trilaterate(self, t: float, ranges: list[Range]) -> PositionFix:
        pts = np.array([(r.x, r.y) for r in ranges])
        d = np.array([r.distance_m for r in ranges])
        w = 1.0 / np.maximum(d, 1.0) ** 2
        start = (pts * w[:, None]).sum(axis=0) / w.sum()  # weighted centroid
        if len(ranges) >= 2:
            scale = np.maximum(d, 1.0)

            def residuals(p: np.ndarray) -> np.ndarray:
                return (np.hypot(*(pts - p).T) - d) / scale

            def jacobian(p: np.ndarray) -> np.ndarray:
                diff = p - pts
                dist = np.maximum(np.hypot(*diff.T), 1e-6)
                return diff / (dist * scale)[:, None]

            fit = least_squares(residuals, start, jac=jacobian, loss="soft_l1", f_scale=0.5)
            x, y = float(fit.x[0]), float(fit.x[1])
            resid = np.hypot(*(pts - fit.x).T) - d
            misfit = float(np.sqrt(np.sum(w * resid**2) / w.sum()))  # near beacons count most
        else:
            x, y = float(start[0]), float(start[1])
            misfit = float(d[0])
        rel = self.settings.relative_range_error
        uncertainty = max(1.0, misfit, rel * float(d[0]) * (2.0 / math.sqrt(len(ranges))))
        if d[0] > self.settings.near_range_m:  # far beacons only: their ranges read too near
            uncertainty = max(uncertainty, float(d[0]))
        lat, lon = to_latlon(x, y)
        return PositionFix(t, lat, lon, x, y, round(uncertainty, 1), "beacon", len(ranges),
                           ranges[0].key)


def position_phrase(fix: PositionFix | None, near: str | None, lang: str = "de") -> str:
    """Say how sure the position is: "Sie sind bei …", "in der Nähe von …", "ungefähr bei …"."""
    de = lang != "en"
    if fix is None:
        return "Position unbekannt." if de else "Position unknown."
    where = near or ("einer unbekannten Stelle" if de else "an unknown place")
    if fix.uncertainty_m <= 4:
        return f"Sie sind bei {where}." if de else f"You are at {where}."
    if fix.uncertainty_m <= 12:
        return f"Sie sind in der Nähe von {where}." if de else f"You are near {where}."
    if fix.uncertainty_m <= 30:
        return f"Sie sind ungefähr bei {where}." if de else f"You are roughly at {where}."
    return (f"Position ungenau, ungefähr bei {where}." if de
            else f"Position uncertain, roughly at {where}.")
