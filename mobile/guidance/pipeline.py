"""The radio-to-speech chain: frames → RSSI filter → position → route match → guidance → speech.

Driven by time stamps only, no threads: the app calls it from its clock, the simulated walk and
`lotse replay` call it with their own times, and all three get the same behaviour. Every step goes
to the tester logger (a `NullLogger` unless the tester opted in).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from accessibility.haptics import Haptics, Pattern
from accessibility.places import UNCERTAIN_FROM_M
from accessibility.speech import Message, Priority, SpeechQueue
from mobile.ble.frames import EddystoneUidFrame, IBeaconFrame, parse_advertisement
from mobile.ble.scanner import Sighting
from mobile.guidance.active_route import ActiveRoute
from mobile.guidance.callouts import Callout, GuidanceContext, GuidanceLoop, SpeechPreferences
from mobile.guidance.talk import signed_angle
from mobile.guidance.texts import say
from mobile.guidance.timings import GuidanceTimings
from mobile.positioning.beacons import BeaconInfo, BeaconPositioner, PositionFix, PositionSettings
from mobile.positioning.route_match import MatchSettings, RouteMatcher, RouteState

log = logging.getLogger(__name__)

#: position events are logged at most this often (s)
POSITION_LOG_EVERY_S = 1.0
#: a new route's progress is looked for this far from its start (m)
START_WINDOW_M = 30.0
#: a position this uncertain is "ungenau" (the walker is told so when asking where they are)
#: and is logged as such; it is good again below UNCERTAIN_CLEAR_M (m)
UNCERTAIN_CLEAR_M = 10.0
#: callouts remembered to describe messages once they start (kind, maneuver, haptic)
MAX_REMEMBERED_CALLOUTS = 2000
#: the walking direction is taken over this many seconds of fixes …
TRACK_S = 6.0
#: … when they span at least this many metres
TRACK_MIN_M = 3.0

Rerouter = Callable[[float, float], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Announcement:
    """A message that actually started playing."""

    t: float
    text: str
    priority: str
    kind: str
    maneuver: int | None
    chained: tuple[int, ...]
    lat: float | None
    lon: float | None
    progress_m: float | None
    route_id: int


class _NullLog:
    def event(self, type: str, **fields: Any) -> None:  # noqa: A002 - logger interface
        return None


class GuidancePipeline:
    """One walker's chain. Feed `on_advertisement` / `on_gps`, call `tick` often."""

    def __init__(
        self,
        speech: SpeechQueue,
        beacons: Iterable[BeaconInfo] = (),
        *,
        voice: SpeechPreferences | None = None,
        timings: GuidanceTimings | None = None,
        position_settings: PositionSettings | None = None,
        places: Sequence[dict[str, Any]] = (),
        rerouter: Rerouter | None = None,
        logger: Any = None,
        wall_clock: Callable[[], datetime] | None = None,
        haptics: Haptics | None = None,
    ) -> None:
        self.speech = speech
        self._voice = voice or SpeechPreferences()
        self.timings = timings or GuidanceTimings()
        self.positioner = BeaconPositioner(beacons, position_settings)
        self.places = list(places)
        self.rerouter = rerouter
        self.logger = logger or _NullLog()
        self.wall_clock = wall_clock or (lambda: datetime.now().astimezone())
        #: vibration patterns; None = this phone does not vibrate (tests, replays)
        self.haptics = haptics
        self.now = 0.0
        self.route: ActiveRoute | None = None
        self.route_id = 0
        self.matcher: RouteMatcher | None = None
        self.loop: GuidanceLoop | None = None
        self.fix: PositionFix | None = None
        self.state: RouteState | None = None
        self.paused = False
        self.announcements: list[Announcement] = []
        self.reroutes = 0
        self._callouts: dict[str, Callout] = {}
        #: when each waiting message was accepted by the queue, and on which route
        self._queued: dict[str, tuple[float, int]] = {}
        self._setup_logged = False
        self._uncertain_said = False
        self._heard = 0
        self._fed = 0
        self._history_seen = 0
        self._last_position_log = -1e9
        self._last_fix_t: float | None = None
        self._lost_said = False
        self._pending_said = 0  # route id for which "Position wird bestimmt" was said
        self._last_reroute_t = -1e9
        self._arrival_logged = 0
        self._route_t: float | None = None
        #: the way the walker faces, from the phone's compass (degrees from north); None = unknown
        self.compass_deg: float | None = None
        self.destination_name: str | None = None
        self._last_voice_t = 0.0
        self._track: list[tuple[float, float, float]] = []  # (t, x, y) of recent fixes
        self._poor_since: float | None = None
        self._poor_said = False

    # --- the voice ------------------------------------------------------------------------
    @property
    def voice(self) -> SpeechPreferences:
        return self._voice

    @voice.setter
    def voice(self, voice: SpeechPreferences) -> None:
        """A new language or verbosity applies at once: the route is phrased again, what waits
        in the old wording is dropped, and the next step is said in the new wording."""
        old, self._voice = self._voice, voice
        if self.route is None or (old.lang, old.verbosity) == (voice.lang, voice.verbosity):
            return
        self.route.rephrase(voice.lang, voice.verbosity)
        self.speech.drop_pending(lambda m: m.priority < Priority.SAFETY)
        if self.loop is not None and not self.loop.arrived:
            text = self.loop.next_step_text(voice, self.progress_m)
            if text:
                self._say(self.now, text, Priority.GUIDANCE, f"rephrased-{voice.lang}-{self.now}",
                          "rephrased")
    # --- inputs ---------------------------------------------------------------------------
    def on_advertisement(self, t: float, adv: Any, rssi: float | None = None) -> int:
        """A bleak AdvertisementData, a parsed frame or a `Sighting`; returns frames used."""
        if isinstance(adv, Sighting):
            frames, rssi = [adv.frame], adv.rssi if rssi is None else rssi
        elif isinstance(adv, IBeaconFrame | EddystoneUidFrame):
            frames = [adv]
        else:
            frames = parse_advertisement(adv)
            rssi = getattr(adv, "rssi", None) if rssi is None else rssi
        used = 0
        for frame in frames:
            if not isinstance(frame, IBeaconFrame | EddystoneUidFrame) or rssi is None:
                continue
            self.logger.event("advert", t=t, beacon=frame.key, rssi=float(rssi),
                              measured_power=int(frame.measured_power))
            if self.positioner.on_sighting(t, frame.key, float(rssi), frame.measured_power):
                used += 1
                if self.matcher is not None:
                    b = self.positioner.beacons[frame.key]
                    power = self.positioner.power_dbm(frame.key)
                    power = frame.measured_power if power is None else power
                    offset = self.positioner.calibration.offset_db
                    self.matcher.on_packet(t, b, float(rssi) - offset, float(power))
        self._heard += used
        return used

    def on_gps(self, t: float, lat: float, lon: float, accuracy_m: float) -> None:
        self.logger.event("gps_fix", t=t, lat=lat, lon=lon, accuracy_m=float(accuracy_m))
        self.positioner.on_gps(t, lat, lon, accuracy_m)
        self._heard += 1
        if self.matcher is not None and not self.positioner.near_beacon_heard(t):
            gps = self.positioner.gps
            assert gps is not None
            self.matcher.on_gps(t, gps.x, gps.y, gps.uncertainty_m)

    def on_bluetooth_unavailable(self, t: float, reason: str) -> None:
        """Said aloud once, then guidance carries on with GPS."""
        self.logger.event("error", t=t, message=f"bluetooth unavailable: {reason}", where="ble")
        self._say(t, say("ble.missing", self.voice.lang), Priority.SAFETY, "ble-missing", "system")

    def say_system(self, t: float, text: str, priority: Priority = Priority.GUIDANCE,
                   key: str | None = None) -> None:
        """Mode, pause, search results…: through the same queue, so nothing talks over a warning."""
        self._say(t, text, priority, key, "system")

    # --- the route ------------------------------------------------------------------------
    def set_route(
        self, t: float, body: dict[str, Any], announce_depart: bool = True,
        destination_name: str | None = None,
    ) -> ActiveRoute:
        """Follow `body`; `destination_name` (what the walker chose) is named at the arrival
        and kept for re-routes to the same destination."""
        name = destination_name if destination_name is not None else (
            self.destination_name if not announce_depart else None)
        route = ActiveRoute(body, name)  # raises RouteFormatError before anything changes
        if self._voice.lang != body.get("lang", self._voice.lang):
            route.rephrase(self._voice.lang, self._voice.verbosity)
        self.destination_name = name
        if not self._setup_logged:
            self.log_setup(t)
        self.logger.event("route_received", t=t, route=body, distance_m=float(route.length_m),
                          route_id=self.route_id + 1)
        self.route_id += 1
        self.route = route
        start_m, sigma = 0.0, None
        if self.fix is not None and t - self.fix.t < self.timings.position_lost_s:
            # the walker may already be a few metres along (a route previewed, then begun)
            start_m, _ = route.line.project_window(self.fix.x, self.fix.y, 0.0, START_WINDOW_M)
            start_m = start_m if start_m > self.fix.uncertainty_m else 0.0
            sigma = max(self.fix.uncertainty_m, 4.0)
        self.matcher = RouteMatcher(route.line, MatchSettings(
            off_route_m=self.timings.off_route_m, off_route_after_s=self.timings.off_route_s,
            path_loss_exponent=self.positioner.settings.path_loss_exponent), start_m, sigma)
        self.loop = GuidanceLoop(route, self.timings, self.places, announce_depart=announce_depart)
        self.state = None
        self._fed = 0
        self._route_t = t
        self._last_voice_t = t
        return route

    def log_setup(self, t: float, radio: dict[str, Any] | None = None,
                  seed: int | None = None) -> None:
        """Log the positioning settings and guidance timings (and a simulated walk's radio) once,
        so a replay runs with the settings the walk had."""
        fields: dict[str, Any] = {"positioning": asdict(self.positioner.settings),
                                  "timings": asdict(self.timings)}
        if radio is not None:
            fields["radio"] = radio
        if seed is not None:
            fields["seed"] = seed
        self._setup_logged = True
        self.logger.event("setup", t=t, **fields)

    def clear_route(self) -> None:
        self.route = self.matcher = self.loop = None
        self.state = None

    @property
    def arrived(self) -> bool:
        return bool(self.loop and self.loop.arrived)

    @property
    def progress_m(self) -> float | None:
        return self.matcher.progress_at(self.now) if self.matcher else None

    # --- the clock ------------------------------------------------------------------------
    def tick(self, t: float) -> list[Announcement]:
        """Advance to `t`: position, route match, guidance, speech. Returns what started now."""
        self.now = t
        self._update_position(t)
        if self.route is not None and not self.paused:
            self._guide(t)
        self.speech.tick()
        return self._collect_started()

    def _update_position(self, t: float) -> None:
        fix = self.positioner.estimate(t)
        self.fix = fix
        if fix is None:
            self._no_fix(t)
            return
        if self._lost_said:
            self._lost_said = False
            self.logger.event("position_uncertain", t=t, active=False, reason="lost",
                              uncertainty_m=fix.uncertainty_m, lat=fix.lat, lon=fix.lon)
            self._say(t, say("position.back", self.voice.lang), Priority.GUIDANCE,
                      "position-back", "position")
        self._last_fix_t = t
        self._log_uncertainty(t, fix)
        self._remember_track(t, fix.x, fix.y)
        if t - self._last_position_log >= POSITION_LOG_EVERY_S:
            self._last_position_log = t
            self.logger.event("position", t=t, lat=fix.lat, lon=fix.lon,
                              uncertainty_m=fix.uncertainty_m, source=fix.source)
        if self.matcher is not None and self._heard != self._fed:
            self._fed = self._heard
            self.state = self.matcher.update_fix(fix)

    def _log_uncertainty(self, t: float, fix: PositionFix) -> None:
        """Log when the position becomes uncertain ("Position ungenau": the stated uncertainty
        reaches UNCERTAIN_FROM_M) and when it is good again (below UNCERTAIN_CLEAR_M)."""
        if self._uncertain_said == (fix.uncertainty_m >= UNCERTAIN_FROM_M) or (
                self._uncertain_said and fix.uncertainty_m >= UNCERTAIN_CLEAR_M):
            return
        self._uncertain_said = not self._uncertain_said
        self.logger.event("position_uncertain", t=t, active=self._uncertain_said,
                          reason="uncertain", uncertainty_m=fix.uncertainty_m, lat=fix.lat,
                          lon=fix.lon)

    def _no_fix(self, t: float) -> None:
        """No position: "lost" only when there was one on this route; before the first fix of
        the route it is still being found ("Position wird bestimmt"), said once."""
        if self.route is None or self.paused or self._lost_said or self._route_t is None:
            return
        had_fix = self._last_fix_t is not None and self._last_fix_t >= self._route_t
        since = self._last_fix_t if had_fix else self._route_t
        assert since is not None
        if had_fix and t - since > self.timings.position_lost_s:
            self._lost_said = True
            self.logger.event("position_uncertain", t=t, active=True, reason="lost")
            self._say(t, say("position.lost", self.voice.lang), Priority.GUIDANCE,
                      "position-lost", "position")
        elif not had_fix and t - since > self.timings.position_pending_s \
                and self._pending_said != self.route_id:
            self._pending_said = self.route_id
            self._say(t, say("position.pending", self.voice.lang), Priority.GUIDANCE,
                      f"position-pending-{self.route_id}", "position")

    def _guide(self, t: float) -> None:
        assert self.route is not None and self.loop is not None and self.matcher is not None
        progress = self.matcher.progress_at(t) if self.fix is not None else None
        if progress is not None:
            self.speech.set_progress(progress)
        if self.state is not None and self.state.off_route and not self.arrived:
            if t - self._last_reroute_t >= self.timings.reroute_cooldown_s:
                self._reroute(t)
                return
        if progress is not None and self._position_poor(t):
            return
        current = self.speech.current
        waiting = self.speech.pending
        if current is not None or waiting:
            self._last_voice_t = t
        ctx = GuidanceContext(
            t=t, progress_m=progress, voice=self.voice,
            safety_active=any(m.priority >= Priority.SAFETY for m in [current, *waiting] if m),
            busy=any(m.priority >= Priority.GUIDANCE for m in [current, *waiting] if m),
            last_callout_m=self.loop.last_callout_m, when=self.wall_clock(),
            speed_mps=self.matcher.speed_mps, silent_s=t - self._last_voice_t,
            heading_deg=self.facing_deg(t),
        )
        for callout in self.loop.tick(ctx):
            self._submit(t, callout)
        if self.loop.arrived and self._arrival_logged != self.route_id:
            self._arrival_logged = self.route_id
            where = {"lat": self.fix.lat, "lon": self.fix.lon} if self.fix is not None else {}
            self.logger.event("arrival", t=t, distance_m=float(self.route.length_m),
                              route_id=self.route_id, **where)

    def _position_poor(self, t: float) -> bool:
        """True while the matched position is too unsure to guide on (said once each time)."""
        assert self.matcher is not None
        tm = self.timings
        radius = self.matcher.radius_m(self.positioner.settings.coverage)
        if radius > tm.position_poor_m:
            self._poor_since = t if self._poor_since is None else self._poor_since
        elif radius < 0.7 * tm.position_poor_m:
            self._poor_since, self._poor_said = None, False
        if self._poor_since is None or t - self._poor_since < tm.position_poor_s:
            return False
        if not self._poor_said:
            self._poor_said = True
            self._say(t, say("position.poor", self.voice.lang), Priority.GUIDANCE,
                      f"position-poor-{self.route_id}-{t:.0f}", "position")
        return True

    def _reroute(self, t: float) -> None:
        assert self.fix is not None and self.state is not None
        self._last_reroute_t = t
        self.logger.event("off_route", t=t, distance_m=float(self.state.offset_m),
                          lat=self.fix.lat, lon=self.fix.lon, route_id=self.route_id)
        lang = self.voice.lang
        self.speech.clear()
        self._submit(t, Callout(say("off_route", lang), Priority.SAFETY, "off_route",
                                f"off-route-{self.route_id}", haptic=Pattern.WARNING))
        if self.rerouter is None:
            self._say(t, say("reroute.failed", lang), Priority.GUIDANCE, None, "reroute")
            return
        try:
            body = self.rerouter(self.fix.lat, self.fix.lon)
            self.set_route(t, body, announce_depart=False)
        except Exception as exc:  # noqa: BLE001 - any failure must be said, never crash guidance
            log.warning("re-route failed: %s", exc)
            self.logger.event("error", t=t, message=f"re-route failed: {exc}", where="reroute")
            self._say(t, say("reroute.failed", lang), Priority.GUIDANCE, None, "reroute")
            self.clear_route()
            return
        self.reroutes += 1
        self.logger.event("reroute", t=t, reason="off_route", route=body,
                          route_id=self.route_id)
        assert self.loop is not None
        text = self.loop.first_text(self.voice, self._facing_first_leg(t), wrap="reroute.done")
        self._say(t, text, Priority.GUIDANCE, f"reroute-{self.route_id}", "reroute")

    # --- which way the walker faces ---------------------------------------------------------
    def _remember_track(self, t: float, x: float, y: float) -> None:
        self._track.append((t, x, y))
        while self._track and t - self._track[0][0] > TRACK_S:
            self._track.pop(0)

    def facing_deg(self, t: float) -> float | None:
        """The phone's compass when it has one, else the direction of the last few seconds'
        walk (at least TRACK_MIN_M), else None."""
        if self.compass_deg is not None:
            return self.compass_deg
        recent = [p for p in self._track if t - p[0] <= TRACK_S]
        if len(recent) < 2:
            return None
        (_, x0, y0), (_, x1, y1) = recent[0], recent[-1]
        if math.hypot(x1 - x0, y1 - y0) < TRACK_MIN_M:
            return None
        return math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360.0

    def _facing_first_leg(self, t: float) -> float | None:
        heading = self.facing_deg(t)
        bearing = self.route.first_bearing_deg if self.route else None
        if heading is None or bearing is None:
            return None
        return signed_angle(bearing, heading)

    def reassure(self, t: float) -> None:
        """On request: where the walker is on the route, in the current wording."""
        if self.loop is None or self.progress_m is None:
            self._say(t, say("guidance.none", self.voice.lang), Priority.GUIDANCE, None, "system")
            return
        text = self.loop.next_step_text(self.voice, self.progress_m) or \
            self.loop.reassurance.text(self.progress_m, self.voice.lang)
        self.speech.submit(Message(text, Priority.GUIDANCE, lang=self.voice.lang), force=True)

    # --- speech ---------------------------------------------------------------------------
    def _submit(self, t: float, c: Callout) -> None:
        key = f"r{self.route_id}-{c.key}" if c.key else None
        self._callouts[key or c.text] = c
        if len(self._callouts) > MAX_REMEMBERED_CALLOUTS:  # a long day: forget the oldest half
            for old in list(self._callouts)[: MAX_REMEMBERED_CALLOUTS // 2]:
                del self._callouts[old]
            for old in list(self._queued)[: len(self._queued) // 2]:
                del self._queued[old]
        if c.kind == "arrival":  # nothing after the arrival: shop talk waiting is dropped
            self.speech.drop_pending(lambda m: m.priority < Priority.GUIDANCE)
        if self.speech.submit(Message(c.text, c.priority, key=key, expires_at_m=c.expires_at_m,
                                      lang=self.voice.lang)):
            self._queued[key or c.text] = (t, self.route_id)

    def _say(self, t: float, text: str, prio: Priority, key: str | None, kind: str) -> None:
        self._submit(t, Callout(text, prio, kind, key))

    def _collect_started(self) -> list[Announcement]:
        started = []
        for t_start, msg in self.speech.history[self._history_seen:]:
            c = self._callouts.get(msg.key or msg.text)
            queued_t, route_id = self._queued.pop(msg.key or msg.text, (None, self.route_id))
            fix = self.fix
            a = Announcement(
                t_start, msg.text, msg.priority.name, c.kind if c else "system",
                c.maneuver if c else None, c.chained if c else (),
                fix.lat if fix else None, fix.lon if fix else None, self.progress_m, self.route_id)
            started.append(a)
            if c is not None and c.haptic is not None and self.haptics is not None:
                self.haptics.play(c.haptic)
            self.logger.event("announcement", t=t_start, text=msg.text,
                              priority=msg.priority.name, queued_t=queued_t, started_t=t_start,
                              kind=c.kind if c else "system",
                              maneuver=c.maneuver if c else None, route=route_id,
                              chained=list(c.chained) if c else [], key=msg.key, lang=msg.lang)
        self._history_seen = len(self.speech.history)
        self.announcements.extend(started)
        return started
