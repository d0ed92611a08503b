"""The radio-to-speech chain: frames → RSSI filter → position → route match → guidance → speech.

Driven by time stamps only, no threads: the app calls it from its clock, the simulated walk and
`lotse replay` call it with their own times, and all three get the same behaviour. Every step goes
to the tester logger (a `NullLogger` unless the tester opted in).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from accessibility.haptics import Haptics, Pattern
from accessibility.speech import Message, Priority, SpeechQueue
from mobile.ble.frames import EddystoneUidFrame, IBeaconFrame, parse_advertisement
from mobile.ble.scanner import Sighting
from mobile.guidance.active_route import ActiveRoute
from mobile.guidance.announcer import Announcement, Announcer
from mobile.guidance.callouts import Callout, GuidanceContext, GuidanceLoop, SpeechPreferences
from mobile.guidance.facing import Facing
from mobile.guidance.position_watch import PositionWatch
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

Rerouter = Callable[[float, float], dict[str, Any]]
__all__ = ["Announcement", "GuidancePipeline", "Rerouter"]


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
        self.announcer = Announcer(speech, self.logger, lambda: self.haptics)
        self.reroutes = 0
        self._setup_logged = False
        self._heard = 0
        self._fed = 0
        self._last_position_log = -1e9
        self._last_reroute_t = -1e9
        self._arrival_logged = 0
        self.facing = Facing()
        self.watch = PositionWatch(self.timings, self.logger)
        self.destination_name: str | None = None
        self._last_voice_t = 0.0

    @property
    def logger(self) -> Any:
        """The tester logger; a new one (the tester opted in) applies to every part at once."""
        return self._logger

    @logger.setter
    def logger(self, logger: Any) -> None:
        self._logger = logger
        for part in ("announcer", "watch"):
            if hasattr(self, part):
                getattr(self, part).logger = logger

    @property
    def announcements(self) -> list[Announcement]:
        """Every message that started playing, in order."""
        return self.announcer.announcements

    @property
    def compass_deg(self) -> float | None:
        """The way the phone points (degrees from north, from its compass); None = unknown."""
        return self.facing.compass_deg

    @compass_deg.setter
    def compass_deg(self, degrees: float | None) -> None:
        self.facing.compass_deg = degrees

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

    def on_compass(self, t: float, degrees: float) -> None:
        """The phone's heading (degrees from north): phrases departures and re-routes
        relative to the walker, and tells the route matcher which way they walk. Logged at
        full precision: the matcher weighs its particles with it, so a replay needs the very
        readings to reach the same estimate."""
        self.logger.event("heading", t=t, degrees=degrees % 360.0)
        self.facing.compass_deg = degrees % 360.0
        if self.matcher is not None:
            self.matcher.on_heading(t, degrees)

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
        self.watch.route_started(t)
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
            if self.route is not None and not self.paused:
                self._say_due(t, self.watch.on_no_fix(t, self.route_id))
            return
        self._say_due(t, self.watch.on_fix(t, fix))
        self.facing.remember(t, fix.x, fix.y)
        if t - self._last_position_log >= POSITION_LOG_EVERY_S:
            self._last_position_log = t
            self.logger.event("position", t=t, lat=fix.lat, lon=fix.lon,
                              uncertainty_m=fix.uncertainty_m, source=fix.source)
        if self.matcher is not None and self._heard != self._fed:
            self._fed = self._heard
            self.state = self.matcher.update_fix(fix)

    def _say_due(self, t: float, due: tuple[str, str] | None) -> None:
        if due is not None:
            self._say(t, say(due[0], self.voice.lang), Priority.GUIDANCE, due[1], "position")

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
        radius = self.matcher.radius_m(self.positioner.settings.coverage)
        poor, due = self.watch.too_poor(t, radius, self.route_id)
        self._say_due(t, due)
        return poor

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
    def facing_deg(self, t: float) -> float | None:
        """The phone's compass when it has one, else the direction of the recent walk."""
        return self.facing.degrees(t)

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
        self.announcer.submit(t, c, self.route_id, self.voice.lang)

    def _say(self, t: float, text: str, prio: Priority, key: str | None, kind: str) -> None:
        self._submit(t, Callout(text, prio, kind, key))

    def _collect_started(self) -> list[Announcement]:
        fix = self.fix
        return self.announcer.collect_started(
            self.route_id, (fix.lat, fix.lon) if fix else None, self.progress_m)
