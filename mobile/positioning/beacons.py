"""Where the phone is: filtered beacon readings placed on a likelihood grid, GPS as fallback.

Each known beacon's RSSI runs through its own Kalman filter (`positioning_rssi`); the strongest
few readings go to `grid_fix`, which weighs every candidate place by how well the log-distance
model explains them with real radio's errors in it (fixed shadowing, beacon power off by a few
dB, an unknown phone offset) and states the radius that covers the truth `coverage` of the time.
`RadioCalibration` learns the phone's offset and beacons that read high or low from good fixes.
With no beacon heard recently, or a GPS fix surer than the beacons, GPS is the position.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scipy.spatial import cKDTree

from accessibility import messages
from lotse_common.geodesy import to_latlon, to_xy
from mobile.positioning.calibration import RadioCalibration
from mobile.positioning.grid_fix import Prior, Reading, circle_coverage_scale, grid_fix
from mobile.positioning.rssi import (
    DEFAULT_PATH_LOSS_EXPONENT,
    KalmanRssi,
    RssiFilterSettings,
    distance_from_rssi,
)

log = logging.getLogger(__name__)

#: a beacon not heard for this long counts as silent (s): at 40 % a second, 2.5 s of silence
#: from a near beacon happens to one in four
SILENT_AFTER_S = 2.5
#: silence longer than this adds nothing (s): the walker may have just arrived
SILENT_MAX_S = 5.0
#: silent beacons this far beyond the grid are not considered (m)
SILENT_REACH_M = 12.0


#: (largest uncertainty in metres, sentence) from the surest wording down
POSITION_WORDS = ((4.0, "app.position.at"), (12.0, "app.position.near"),
                  (30.0, "app.position.roughly"))


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
    #: only the nearest ranges take part: beyond a few metres the log-distance model explains
    #: little (on the UJI recordings 3-4 beacons gave smaller errors than 6-10)
    max_beacons: int = 4
    #: a GPS fix older than this is no position at all (s)
    gps_stale_after_s: float = 10.0
    #: a beacon fix is recomputed at most this often (s): the ranges change slowly
    fix_interval_s: float = 0.5
    #: shadowing fixed at a place (dB, σ): it does not average away by filtering packets; the
    #: value before the site's own is learnt (`RadioCalibration.shadow_var_db2`)
    fixed_sigma_db: float = 5.0
    #: the stated uncertainty is the radius holding this share of the posterior (and of GPS)
    coverage: float = 0.9
    #: a beacon fix is trusted over fresh GPS only when its nearest range is this close (m).
    #: Far beacons are heard only through the packets that shadowing lifts above the phone's
    #: sensitivity, so their ranges read too near, and a fix made of them alone was 40-50 m
    #: off at the start of walks that began away from the beacons.
    near_range_m: float = 15.0
    #: a beacon fix less sure than this (m) takes a fresh GPS fix in as a prior: a line of
    #: beacons cannot tell one side of the street from the other, GPS can
    gps_joins_above_m: float = 4.0
    #: use the silence of known beacons as evidence (see `grid_fix`)
    use_silence: bool = True
    #: a recording (not the phone, which always listens) may stop scanning: a pause in all
    #: packets longer than this (s) means it did, and silence counts only from the end of it
    listening_gap_s: float | None = None


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
    #: where else the phone may be: (x, y, weight) arrays of the posterior (None: only the
    #: circle is known, as for a plain GPS fix)
    cloud: tuple[Any, Any, Any] | None = field(default=None, compare=False, repr=False)

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
        self._gps_fix: PositionFix | None = None
        self.calibration = RadioCalibration(shadow_prior_db2=self.settings.fixed_sigma_db**2)
        self._keys = list(self.beacons)
        self._tree = cKDTree([(b.x, b.y) for b in self.beacons.values()]) if self.beacons \
            else None
        self._heard_t: dict[str, float] = {}
        self._listening_since: float | None = None

    def on_sighting(self, t: float, key: str, rssi: float, frame_power: int | None = None) -> bool:
        """Feed one packet; False (and nothing else) for a beacon not in the plan/bundle."""
        if key not in self.beacons:
            self.unknown_heard.add(key)
            return False
        gap = self.settings.listening_gap_s
        if self._listening_since is None or (
                gap is not None and t - max(self._heard_t.values(), default=t) > gap):
            self._listening_since = t
        self._heard_t[key] = t
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
        """A GPS fix; its accuracy (the 68 % radius phones report) is widened to `coverage`."""
        x, y = to_xy(lat, lon)
        radius = max(float(accuracy_m), 1.0) * circle_coverage_scale(self.settings.coverage)
        self._gps = PositionFix(t, lat, lon, x, y, round(radius, 1), "gps")
        if self._listening_since is None:
            self._listening_since = t

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
            power = self.power_dbm(key)
            if power is None:
                continue
            d = distance_from_rssi(f.value - self.calibration.offset_db, power,
                                   self.settings.path_loss_exponent)
            out.append(Range(key, b.x, b.y, d))
        out.sort(key=lambda r: r.distance_m)
        return out[: self.settings.max_beacons]

    def power_dbm(self, key: str) -> float | None:
        """What this beacon reads at 1 m: the stored (or advertised) power plus its learned bias;
        the phone's offset is `calibration.offset_db` on top."""
        b = self.beacons[key]
        power = b.measured_power if b.measured_power is not None else self._frame_power.get(key)
        return None if power is None else power + self.calibration.bias_db(key)

    def estimate(self, t: float) -> PositionFix | None:
        """A near beacon first; the latest fresh GPS fix otherwise; far beacons when nothing
        else is there (with the nearest range as uncertainty); None when there is nothing.

        A beacon fix is recomputed at most every `fix_interval_s`, and only after new packets.
        """
        ranges = self.ranges(t)
        gps = self.fresh_gps(t)
        if not ranges:
            return None if gps is None else self._gps_with_silence(t, gps)
        last = self._last_fix
        if last is None or last.source != "beacon" or (
                self._packets != self._packets_at_fix
                and t - last.t >= self.settings.fix_interval_s):
            self._last_fix = self.locate(t, ranges)
            self._packets_at_fix = self._packets
        fix = self._last_fix
        assert fix is not None
        if gps is not None and (fix.uncertainty_m > self.settings.gps_joins_above_m
                                or ranges[0].distance_m > self.settings.near_range_m):
            # weak beacons: GPS and beacons together (the beacons' silence included)
            last = self._gps_fix
            if last is None or last.t != t:
                self._gps_fix = self.locate(t, ranges, gps)
            return self._gps_fix
        return fix

    def _gps_with_silence(self, t: float, gps: PositionFix) -> PositionFix:
        """The GPS fix, moved away from beacons that should be heard there and are not."""
        last = self._gps_fix
        if last is not None and last.t == t:
            return last
        sigma = self.gps_sigma_m(gps)
        half = min(2.5 * sigma, 40.0)
        silent = self._silent(t, gps.x, gps.y, half)
        if not silent:
            return gps
        g = grid_fix([], self.settings.path_loss_exponent, 0.0, 1.0, self.settings.coverage,
                     half, Prior(gps=(gps.x, gps.y, sigma), silent=silent))
        lat, lon = to_latlon(g.x, g.y)
        self._gps_fix = PositionFix(t, lat, lon, g.x, g.y, round(max(g.radius_m, 1.0), 1), "gps",
                                    cloud=g.cloud)
        return self._gps_fix

    def gps_sigma_m(self, gps: PositionFix) -> float:
        """σ per axis of a GPS fix (its stated radius holds `coverage` of a 2-D Gaussian)."""
        return gps.uncertainty_m / circle_coverage_scale(self.settings.coverage, 0.39)

    def _silent(self, t: float, x: float, y: float, half_m: float, heard: Iterable[str] = ()
                ) -> tuple[tuple[float, float, float], ...]:
        """(x, y, seconds) of beacons around (x, y) heard before but not for `SILENT_AFTER_S`
        (the beacons in `heard` are being used as readings)."""
        if self._tree is None or self._listening_since is None or not self.settings.use_silence:
            return ()
        out, used = [], set(heard)
        for i in self._tree.query_ball_point((x, y), half_m * 1.42 + SILENT_REACH_M):
            b = self.beacons[self._keys[i]]
            if b.key in used or b.key not in self._heard_t:
                continue  # never heard: it may be dead (battery), so its silence says nothing
            quiet = t - max(self._heard_t[b.key], self._listening_since)
            if quiet >= SILENT_AFTER_S:
                out.append((b.x, b.y, min(quiet, SILENT_MAX_S)))
        return tuple(out)

    def fresh_gps(self, t: float) -> PositionFix | None:
        """The latest GPS fix if it is recent enough to be a position."""
        if self._gps is not None and t - self._gps.t <= self.settings.gps_stale_after_s:
            return self._gps
        return None

    def near_beacon_heard(self, t: float) -> bool:
        """Whether a beacon is close enough for its ranges to beat GPS (see `near_range_m`)."""
        ranges = self.ranges(t)
        return bool(ranges) and ranges[0].distance_m <= self.settings.near_range_m

    def locate(self, t: float, ranges: list[Range], gps: PositionFix | None = None
               ) -> PositionFix:
        """A beacon fix from the filtered readings of `ranges` (see `grid_fix`), with the GPS
        fix `gps` as a prior when given (then its source is "gps")."""
        st, cal = self.settings, self.calibration
        readings, known = [], {}
        for r in ranges:
            f = self._filters[r.key]
            power = self.power_dbm(r.key)
            assert power is not None
            var = f.variance + cal.bias_var_db2(r.key) + cal.shadow_var_db2
            known[r.key] = f.variance
            readings.append(Reading(r.key, r.x, r.y, f.value, var, power))
        half = min(max(2.0 * ranges[0].distance_m + 8.0, 12.0), 40.0)
        gps_prior = None
        if gps is not None:
            gps_prior = (gps.x, gps.y, self.gps_sigma_m(gps))
            half = min(max(half, 2.5 * gps_prior[2]), 40.0)
        # silence only beside GPS: on its own it misleads where shelves or walls hide beacons
        # that are near (the UJI library), but it does tell a walker in a side street from one
        # on the beaconed route when GPS cannot
        silent = self._silent(t, ranges[0].x, ranges[0].y, half, (r.key for r in ranges)) \
            if gps is not None else ()
        g = grid_fix(readings, st.path_loss_exponent, cal.offset_db, cal.offset_var_db2,
                     st.coverage, half, Prior(gps=gps_prior, silent=silent))
        if gps is not None:
            lat, lon = to_latlon(g.x, g.y)
            return PositionFix(t, lat, lon, g.x, g.y, round(max(g.radius_m, 1.0), 1), "gps",
                               len(ranges), ranges[0].key, g.cloud)
        if len(readings) >= 2:
            cal.learn(g.offset_db, g.offset_weight, g.residuals_db, g.radius_m, g.leverage,
                      known)
        lat, lon = to_latlon(g.x, g.y)
        return PositionFix(t, lat, lon, g.x, g.y, round(max(g.radius_m, 1.0), 1), "beacon",
                           len(ranges), ranges[0].key, g.cloud)


def position_phrase(fix: PositionFix | None, near: str | None, lang: str = "de") -> str:
    """Say how sure the position is: "Sie sind bei …", "in der Nähe von …", "ungefähr bei …"."""
    if fix is None:
        return messages.text("app.position.unknown", lang)
    where = near or messages.text("app.position.unknown_place", lang)
    for limit_m, key in POSITION_WORDS:
        if fix.uncertainty_m <= limit_m:
            return messages.text(key, lang, where=where)
    return messages.text("app.position.uncertain_at", lang, where=where)
