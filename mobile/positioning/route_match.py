"""Matching the position to the active route: progress along it, distance off it, off-route.

Guidance runs on "metres along the route", so that is estimated most carefully, with a particle
filter over (progress, walking speed) constrained to the route line (NavCog does the same on its
map). Every raw packet weighs the particles by how likely its RSSI is at each particle's point
under the log-distance model, so there is no smoothing lag, and the motion model (people walk at a
fairly steady pace) carries the estimate between packets. GPS fixes weigh particles by distance.
A packet's RSSI noise is the *whole* real error of one reading (per-packet and fixed shadowing,
the beacon's unknown power), so the filter does not claim more than the radio gives; its spread
says how sure it is (`radius_m`).

Off-route is judged on the free 2-D fix against its own uncertainty: the walker is off only when
the route lies outside it for `off_route_after_s` of the recent past. With the fix's posterior
(`PositionFix.cloud`) that means: less than `off_route_mass` of it lies within `off_route_m` of
the route (a line of beacons cannot tell one side of the street from the other, so the mean of a
walker who turned off stays on the route while the mass leaves it on both sides); with only a
circle (plain GPS), the route is farther than the radius × `off_route_scale`. A leaky count, so
one good fix in a run of bad ones does not restart the wait, and one bad fix does not start it.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d
from scipy.spatial import cKDTree
from scipy.special import ndtr

from mobile.positioning.beacons import BeaconInfo, PositionFix
from mobile.positioning.geo import RouteLine
from mobile.positioning.hearing import Hearing
from mobile.positioning.rssi import DEFAULT_PATH_LOSS_EXPONENT, correlated_sigma_db
from mobile.positioning.turn_cue import TurnDetector, corner_likelihood, route_corners

log = logging.getLogger(__name__)

#: the particles' 90 % radius × this is the stated along-route radius. Weighed with the σ of
#: their shared errors (`correlated_sigma_db`) the particles spread wider than the error they
#: make; measured on a simulated street lined with beacons (tests/mobile/engine/
#: test_engine_locate.py), 0.65 covers the truth 90.5 % of the time (0.7: 96.8 % once the
#: silence before a first packet and the phone's hearing were weighed; 0.8: 97.6 % once
#: hearing was halved at 12 m). On GPS-only stretches of the simulator (whose GPS errors
#: are independent, unlike a real phone's) it is cautious.
#: (With the plain per-packet σ of 6.3 dB the particles were too sure and needed 1.5.)
RADIUS_SCALE = 0.65
#: the windows of the route near the walker that the compass is compared with (its directions,
#: its corners) are the particles' 90 % radius × this: tuned on the simulated walks (no false
#: alarm, leaving noticed), and kept apart from the stated radius so that re-measuring that
#: one does not move them
WINDOW_SCALE = 0.8


@dataclass(frozen=True, slots=True)
class MatchSettings:
    particles: int = 800
    path_loss_exponent: float = DEFAULT_PATH_LOSS_EXPONENT
    #: RSSI noise of one packet around the model (dB): per-packet and fixed shadowing
    #: (3.3 and 5 dB) and the beacon's unknown power (2 dB), the shared parts counted as often
    #: as the packets that share them (`correlated_sigma_db`: 10.6 dB)
    rssi_sigma_db: float = correlated_sigma_db()
    #: share of packets that fit no model (reflections): keeps one of them from ruling (0..1)
    outlier_share: float = 0.05
    #: the phone hears nothing weaker (dBm): a weak packet is one of the few that shadowing
    #: lifted above this, so its likelihood is divided by the chance of hearing it at all
    sensitivity_dbm: float = -100.0
    #: random change of walking speed (m/s per sqrt(s)) and of position (m per sqrt(s)):
    #: people keep their pace, so a few metres of progress follow from the last minute's
    #: packets, not just the last few seconds'
    speed_noise: float = 0.02
    position_noise: float = 0.05
    #: each particle draws a new speed (0 .. `max_speed`) once in this many seconds on
    #: average, so a walker who stops at a kerb or sets off again is followed within seconds
    speed_change_s: float = 30.0
    #: walking speeds the filter considers (m/s)
    min_speed: float = -0.3
    max_speed: float = 2.2
    #: initial spread around the start of the route (m)
    start_sigma_m: float = 4.0

    #: time constant of the smoothing of the 2-D offset used for off-route (s)
    offset_smoothing_s: float = 1.0
    #: off-route: less than this share of the fix's posterior lies within `off_route_m` …
    off_route_mass: float = 0.1
    #: … or (a fix without posterior) the route is farther than its uncertainty × this …
    off_route_scale: float = 1.3
    #: … and than this (m: a walker on the far pavement is not off route) …
    off_route_m: float = 4.0
    #: … for this long (s)
    off_route_after_s: float = 4.0
    #: with a compass: its heading (mean of the last `heading_window_s`) more than
    #: `heading_off_deg` from every direction of the route within the matched radius (at least
    #: `heading_reach_m`) says the walker walks another way; then the route counts as outside
    #: already when less than `heading_mass` of the fix's posterior lies near it. A turn into
    #: a side street without beacons leaves the posterior spread over both for long; the
    #: compass tells them apart. 60° is four times a phone compass's typical error.
    heading_off_deg: float = 60.0
    heading_window_s: float = 2.0
    heading_reach_m: float = 3.0
    heading_mass: float = 0.5
    #: a heading more than this from every direction of the route near the walker is walking
    #: back the way they came: off the route's way wherever the posterior lies (on the route
    #: line itself, walking it backwards, the radio cannot tell)
    heading_back_deg: float = 135.0
    #: the compass may also weigh the particles: a reading compared with the route's bearing at
    #: each particle (over ± `heading_span_m`) with this σ (degrees), at most once per
    #: `heading_every_s` (successive readings share the bias and the wandering disturbance),
    #: `heading_outlier` of readings fitting no direction; a place fits when the route took that
    #: direction there or within `heading_behind_m` before it. 0 = not used (the default):
    #: only lagging particles can be told apart (one who goes straight on where the route turns
    #: looks like one who has yet to turn, and holding those back stopped the particles at the
    #: corner, 23 s to notice the walker left), and that one-sided cut moved the estimate ahead:
    #: 32 walks x 3 seeds, decision points 6 ± 2 m 91.5 % with it, 93.0 % without
    heading_sigma_deg: float = 0.0
    heading_every_s: float = 1.0
    heading_span_m: float = 1.5
    heading_outlier: float = 0.1
    heading_behind_m: float = 8.0
    #: a swing of the compass from the route's direction before a corner to its direction
    #: after it (each within `turn_match_deg`) places the walker at that corner at the swing's
    #: moment, σ `turn_sigma_m` (`mobile.positioning.turn_cue`), for corners within
    #: `turn_near_m` (at least twice the matched radius) of the estimate; `turn_outlier` of
    #: swings fit no corner. 0 = not used
    turn_sigma_m: float = 1.5
    turn_match_deg: float = 40.0
    turn_near_m: float = 8.0
    turn_outlier: float = 0.1
    #: once a second, whether each known beacon near the particles was heard in that second
    #: weighs them (a phone hears a near beacon most seconds, a far one hardly ever: the free
    #: fix's silence model, `grid_fix.HEAR_*`, but halved at `reception_half_m` and with the
    #: chance up close learnt per phone, `mobile.positioning.hearing`), each
    #: place's chance at least `reception_floor`. Off for a radio that hears beacons 40 m away
    #: (the old ideal one). The UJI phones heard 13-34 % of packets at 12-16 m against
    #: 43-84 % within 4 m (docs/RADIO.md); halved at 10 m (the free fix's) the model says
    #: 2-11 % there (at 12 m: 5-20 %), so a beacon first heard 13 m ahead pulled the estimate
    #: metres ahead of the walker
    reception: bool = True
    reception_floor: float = 0.03
    reception_half_m: float = 12.0
    #: when a beacon is first heard, its silence over this many seconds before (along each
    #: particle's walk back) is weighed too (`mobile.positioning.hearing`); 0 = not
    reception_before_s: float = 10.0
    #: an on-route fix takes back this many seconds of the off-route count for each second
    off_route_recover: float = 2.0
    #: no off-route judgement in the first seconds of fixes on a route: the first fixes of a
    #: walk rest on a packet or two per beacon and were what raised false alarms (s)
    settle_s: float = 5.0
    seed: int = 0


@dataclass(frozen=True, slots=True)
class RouteState:
    t: float
    progress_m: float
    speed_mps: float
    offset_m: float
    off_route: bool
    off_for_s: float


class RouteMatcher:
    """Follows one route. Feed it packets and fixes; ask it for progress at any time."""

    def __init__(self, route: RouteLine, settings: MatchSettings | None = None,
                 start_m: float = 0.0, start_sigma_m: float | None = None) -> None:
        self.route = route
        st = self.settings = settings or MatchSettings()
        s, x, y = route.samples(0.5)
        self._S, self._X, self._Y = np.array(s), np.array(x), np.array(y)
        self._tree = cKDTree(np.c_[self._X, self._Y])
        # the route's bearing at each sample, over ± `heading_span_m` (a walker rounds a corner)
        span = st.heading_span_m
        ahead = np.interp(np.minimum(self._S + span, route.length_m), self._S, self._X), \
            np.interp(np.minimum(self._S + span, route.length_m), self._S, self._Y)
        behind = np.interp(np.maximum(self._S - span, 0.0), self._S, self._X), \
            np.interp(np.maximum(self._S - span, 0.0), self._S, self._Y)
        self._bearing = np.arctan2(ahead[0] - behind[0], ahead[1] - behind[1])
        self._heading_t = -1e9
        self._corners = route_corners(route) if st.turn_sigma_m > 0 else []
        self._turns = TurnDetector()
        self._hearing = Hearing(st.reception_half_m, st.reception_floor, st.reception_before_s)
        self._rng = np.random.default_rng(st.seed)
        n = st.particles
        # around the start (a walker a little behind the route's first point is at it)
        spread = self._rng.normal(0.0, start_sigma_m or st.start_sigma_m, n)
        self._s = np.clip(start_m + spread, 0.0, route.length_m)
        self._v = self._rng.uniform(0.0, 1.5, n)
        self._headings: list[tuple[float, float]] = []  # (t, degrees) of recent compass
        self._w = np.full(n, 1.0 / n)
        self._t: float | None = None
        self._offset: float | None = None
        self._offset_t = 0.0
        self._off_for = 0.0
        self._first_fix_t: float | None = None
        self._unc = 0.0  # smoothed uncertainty of the fixes (m)
        self.updates = 0
        self.state: RouteState | None = None

    # --- the filter -----------------------------------------------------------------------
    def _advance(self, t: float) -> None:
        if self._t is None:
            self._t = t
            return
        dt = t - self._t
        if dt <= 0:
            return
        st, n = self.settings, len(self._s)
        jitter = self._rng.normal(0.0, st.position_noise * math.sqrt(dt), n)
        self._s = self._s + self._v * dt + jitter
        self._v = np.clip(self._v + self._rng.normal(0.0, st.speed_noise * math.sqrt(dt), n),
                          st.min_speed, st.max_speed)
        change = self._rng.random(n) < 1.0 - math.exp(-dt / st.speed_change_s)
        self._v[change] = self._rng.uniform(0.0, st.max_speed, int(change.sum()))
        self._s = np.clip(self._s, 0.0, self.route.length_m)
        self._t = t

    def on_heading(self, t: float, degrees: float) -> None:
        """The phone's compass heading (degrees from north)."""
        st = self.settings
        self._headings.append((t, degrees))
        while self._headings and t - self._headings[0][0] > st.heading_window_s:
            self._headings.pop(0)
        turn = self._turns.add(t, degrees) if self._corners else None
        if turn is not None:
            self._advance(t)
            like = corner_likelihood(self._s, self._v, t, turn, self._corners,
                                     max(st.turn_near_m, 2.0 * self.radius_m(scale=WINDOW_SCALE)),
                                     st.turn_sigma_m, st.turn_match_deg, st.turn_outlier)
            if like is not None:
                self._weigh(like)
        if st.heading_sigma_deg <= 0 or t - self._heading_t < st.heading_every_s:
            return
        self._heading_t = t
        self._advance(t)
        diff = np.degrees(np.abs((math.radians(degrees) - self._bearing + math.pi)
                                 % (2.0 * math.pi) - math.pi))
        fits = np.exp(-0.5 * (diff / st.heading_sigma_deg) ** 2)
        # a place fits when the route took the compass's direction there or in the metres just
        # before it: the compass tells a walker who turned from one who has yet to reach the
        # corner, but not one who has yet to turn from one who went straight on
        back = max(int(st.heading_behind_m / (self._S[1] - self._S[0])), 0) if len(self._S) > 1 \
            else 0
        fits = maximum_filter1d(fits, size=back + 1, origin=back // 2, mode="nearest")
        like = np.interp(self._s, self._S, fits)
        self._weigh((1.0 - st.heading_outlier) * like + st.heading_outlier)

    def heading_off(self, t: float, by_deg: float | None = None) -> bool:
        """Whether the compass points more than `by_deg` (default `heading_off_deg`) away
        from every direction the route takes near the matched position (False without a
        fresh compass)."""
        st = self.settings
        limit = st.heading_off_deg if by_deg is None else by_deg
        recent = [math.radians(d) for tt, d in self._headings if t - tt <= st.heading_window_s]
        if not recent:
            return False
        facing = math.atan2(sum(math.sin(a) for a in recent), sum(math.cos(a) for a in recent))
        p = self.progress_at(t)
        reach = max(self.radius_m(scale=WINDOW_SCALE), st.heading_reach_m)
        lo, hi = max(p - reach, 0.0), min(p + reach, self.route.length_m - 1.0)
        for s in np.linspace(lo, max(hi, lo), max(int(hi - lo) + 1, 2)):
            bearing = math.radians(self.route.heading_at(float(s), 1.0))
            diff = abs((facing - bearing + math.pi) % (2.0 * math.pi) - math.pi)
            if math.degrees(diff) <= limit:
                return False
        return True

    def _weigh(self, likelihood: np.ndarray) -> None:
        w = self._w * likelihood
        total = float(w.sum())
        if not math.isfinite(total) or total <= 0:
            log.debug("all particles improbable; keeping the prior")
            return
        self._w = w / total
        if 1.0 / float(np.sum(self._w**2)) < len(self._w) / 2:
            self._resample()
        self.updates += 1

    def _resample(self) -> None:
        n = len(self._w)
        positions = (self._rng.random() + np.arange(n)) / n
        idx = np.minimum(np.searchsorted(np.cumsum(self._w), positions), n - 1)
        self._s, self._v = self._s[idx], self._v[idx]
        self._w = np.full(n, 1.0 / n)

    def _points(self) -> tuple[np.ndarray, np.ndarray]:
        return np.interp(self._s, self._S, self._X), np.interp(self._s, self._S, self._Y)

    def _points_back(self, seconds: float) -> tuple[np.ndarray, np.ndarray]:
        """The particles' places `seconds` ago, each walked back at its own speed."""
        s = np.clip(self._s - self._v * seconds, 0.0, self.route.length_m)
        return np.interp(s, self._S, self._X), np.interp(s, self._S, self._Y)

    def _reception(self, t: float) -> None:
        """Once a second: weigh by which known beacons near the particles were heard."""
        px, py = self._points()
        like = self._hearing.second(t, px, py, self._w)
        if like is not None and self.settings.reception:
            self._weigh(like)

    def on_packet(self, t: float, beacon: BeaconInfo, rssi: float, measured_power: float) -> None:
        """One raw packet from a known beacon."""
        self._advance(t)
        px, py = self._points()
        silence = self._hearing.heard(t, beacon, self._points_back,
                                      (float(np.sum(self._w * px)), float(np.sum(self._w * py))))
        if silence is not None and self.settings.reception:
            self._weigh(silence)
        self._reception(t)
        st = self.settings
        px, py = self._points()
        d = np.maximum(np.hypot(px - beacon.x, py - beacon.y), 0.5)
        expected = measured_power - 10.0 * st.path_loss_exponent * np.log10(d)
        z = (rssi - expected) / st.rssi_sigma_db
        heard = np.maximum(ndtr((expected - st.sensitivity_dbm) / st.rssi_sigma_db), 0.05)
        gauss = np.exp(-0.5 * z * z) / heard  # only packets above the sensitivity are seen
        self._weigh((1.0 - st.outlier_share) * gauss + st.outlier_share * 0.05)

    def on_gps(self, t: float, x: float, y: float, radius_m: float) -> None:
        """A GPS fix with its stated (90 %) radius, used as σ: a real phone's GPS errors
        persist for many seconds (multipath in a street canyon), so fixes once a second are
        far from independent, and each is weighed as one of few."""
        self._advance(t)
        self._reception(t)
        px, py = self._points()
        sigma = max(radius_m, 2.0)
        self._weigh(np.exp(-0.5 * ((np.hypot(px - x, py - y)) / sigma) ** 2) + 1e-6)

    def progress_at(self, t: float) -> float:
        """Progress extrapolated to `t` with each particle's speed, within the route: the
        particles' weighted median, not their mean. Particles that drew a new speed drift
        ahead or behind until the packets weed them out, most slowly on GPS alone, and the
        mean follows them; the median does not (on the simulated walks it puts more
        instructions 6 ± 2 m before their points and lowers the on-route error)."""
        dt = 0.0 if self._t is None else max(t - self._t, 0.0)
        s = self._s + self._v * dt
        order = np.argsort(s)
        half = min(int(np.searchsorted(np.cumsum(self._w[order]), 0.5)), len(s) - 1)
        return min(max(float(s[order][half]), 0.0), self.route.length_m)

    @property
    def speed_mps(self) -> float:
        return float(np.sum(self._w * self._v))

    @property
    def spread_m(self) -> float:
        mean = float(np.sum(self._w * self._s))
        return float(math.sqrt(np.sum(self._w * (self._s - mean) ** 2)))

    def radius_m(self, coverage: float = 0.9, scale: float = RADIUS_SCALE) -> float:
        """Metres along the route within which the truth lies with probability `coverage`: the
        particles' radius × `RADIUS_SCALE` (packets share the shadowing of a place, which the
        filter treats as independent, so its particles are too sure), at least 0.5 m."""
        mean = float(np.sum(self._w * self._s))
        dist = np.abs(self._s - mean)
        order = np.argsort(dist)
        mass = np.cumsum(self._w[order])
        k = min(int(np.searchsorted(mass, coverage)), len(dist) - 1)
        return max(scale * float(dist[order][k]), 0.5)

    # --- off route ------------------------------------------------------------------------
    def update_fix(self, fix: PositionFix) -> RouteState:
        """The free 2-D fix: distance from the route, and whether that lasted long enough."""
        t, st = fix.t, self.settings
        _, raw_offset = self.route.project(fix.x, fix.y)
        dt = 0.0
        if self._offset is None:
            self._offset, self._offset_t, self._first_fix_t = raw_offset, t, t
            self._unc = fix.uncertainty_m
        else:
            dt = max(t - self._offset_t, 0.0)
            alpha = 1.0 - math.exp(-dt / st.offset_smoothing_s)
            self._offset += alpha * (raw_offset - self._offset)
            self._unc += alpha * (fix.uncertainty_m - self._unc)
            self._offset_t = t
        settled = self._first_fix_t is not None and t - self._first_fix_t >= st.settle_s
        # the route outside what the fix is sure of: GPS (σ ≈ 6 m) alone must not raise it
        if fix.cloud is not None:
            xs, ys, ps = fix.cloud
            near, _ = self._tree.query(np.c_[xs, ys], distance_upper_bound=st.off_route_m)
            mass = float(ps[np.isfinite(near)].sum()) / float(ps.sum())
            outside = mass < st.off_route_mass or (
                mass < st.heading_mass and self.heading_off(t)) or \
                self.heading_off(t, st.heading_back_deg)
        else:
            outside = self._offset > max(st.off_route_m, st.off_route_scale * self._unc) or (
                self._offset > st.off_route_m and self.heading_off(t))
        if outside and settled:  # one fix is at most a second of evidence, however old the last
            self._off_for += min(dt, 1.0)
        else:
            self._off_for = max(self._off_for - st.off_route_recover * dt, 0.0)
        self.state = RouteState(t, self.progress_at(t), self.speed_mps, round(self._offset, 1),
                                self._off_for >= st.off_route_after_s, self._off_for)
        return self.state
