"""What the screens call: one facade over settings, radio, routing, pipeline and speech queue.

The UI holds no logic (docs/CONTRACTS.md, "Phone engine"). Radio and GPS callbacks arrive on other
threads and only append to queues; everything else happens in `tick(now)`, called by the app's
clock, so the pipeline stays single-threaded. Failures a walker must know about are spoken; calls
that cannot be done raise `ControllerError` with one sentence in the user's language, which the
UI says aloud.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from accessibility.haptics import Haptics
from accessibility.speech import Message, Priority, SpeechQueue
from accessibility.voices.base import DEFAULT_RATE_WPM, MAX_RATE_WPM, MIN_RATE_WPM
from lotse_common.geodesy import distance_m
from mobile.app import route_text
from mobile.app.errors import ControllerError
from mobile.app.favourites import FavouriteEditing
from mobile.app.heading import Compass, HeadingTracker
from mobile.app.questions import Asking, Questions
from mobile.app.settings import AppSettings, Favourite, load_settings, save_settings
from mobile.app.surroundings import Surroundings
from mobile.ble.plan import beacon_infos, load_plan
from mobile.ble.scanner import BeaconScanner, BluetoothUnavailable, Reading, Sighting
from mobile.guidance.callouts import SpeechPreferences
from mobile.guidance.pipeline import GuidancePipeline
from mobile.guidance.route_source import RoutePlanner
from mobile.guidance.texts import say
from mobile.guidance.timings import GuidanceTimings
from mobile.positioning.gps import GpsSource
from mobile.simulation.compass import SimulatedCompass
from mobile.simulation.model import RadioModel, SimulatedWalk, sim_beacons
from tester_log.schema import PRIVATE_SETTINGS

log = logging.getLogger(__name__)

SAME_ORIGIN_M = 15.0  # m: a previewed route is reused when the walker is still this close


class GuideController(Asking, FavouriteEditing):
    def __init__(
        self,
        voice: Any,
        *,
        settings_path: Path | None = None,
        network: Any = None,
        beacons: list[dict[str, Any]] | None = None,
        places: list[dict[str, Any]] | None = None,
        obstacles: list[dict[str, Any]] | None = None,
        scanner: BeaconScanner | None = None,
        gps: GpsSource | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
        logger_factory: Callable[[], Any] | None = None,
        timings: GuidanceTimings | None = None,
        bundle_fresh: bool = False,
        haptics: Haptics | None = None,
        compass: Compass | None = None,
    ) -> None:
        self.settings_path = settings_path
        self.settings = load_settings(settings_path) if settings_path else AppSettings()
        self.clock = clock
        self.wall_clock = wall_clock or (lambda: datetime.now().astimezone())
        self.speech = SpeechQueue(voice, clock=clock)
        self._apply_rate()
        self.network = network
        self.beacon_records = beacons if beacons is not None else load_plan()
        self.places = list(places or []) + list(getattr(network, "places", []) or [])
        self.planner = RoutePlanner(server_url=self.settings.server_url, network=network,
                                    obstacles=obstacles or (),
                                    prefer_server=self.settings.route_on_server)
        self.mode = "online" if bundle_fresh and self.settings.route_on_server else "offline"
        self._logger_factory = logger_factory
        self.timings = timings or GuidanceTimings()
        self.logger = self._new_logger()
        self.pipeline = GuidancePipeline(
            self.speech, beacon_infos(self.beacon_records), voice=self._voice(),
            timings=self.timings, places=self.places, rerouter=self._reroute, logger=self.logger,
            wall_clock=self.wall_clock, haptics=haptics or Haptics(clock=clock))
        self.scanner, self.gps = scanner, gps
        self._readings: deque[Reading] = deque()
        self._fixes: deque[tuple[float, float, float, float]] = deque()
        self._destination: tuple[float, float] | None = None
        self._preview: tuple[tuple[float, float], tuple[float, float], dict, str] | None = None
        self._active_body: dict[str, Any] | None = None
        self._sim: tuple[SimulatedWalk, float, SimulatedCompass] | None = None
        self._truth_t = -1e9
        #: what the radio tells about each beacon heard: rssi, seen_t, battery_mv, temperature_c
        self.beacon_health: dict[str, dict[str, Any]] = {}
        self.bluetooth_ok: bool | None = None
        self._heading = HeadingTracker(compass)
        self._fix_t = -1e9
        self.ask = Questions(Surroundings(network, self.places), self._heading,
                             lambda: self.pipeline.fix, lambda: self.settings.lang, clock,
                             lambda: self.pipeline, self.wall_clock)

    # --- set-up -----------------------------------------------------------------------------
    def _voice(self) -> SpeechPreferences:
        s = self.settings
        return SpeechPreferences(lang=s.lang, verbosity=s.verbosity, clock_face=s.clock_face)

    def _apply_rate(self) -> None:
        """The speech-rate setting, on voices that take a rate (all of accessibility's do)."""
        if hasattr(self.speech.voice, "rate_wpm"):
            wpm = round(DEFAULT_RATE_WPM * self.settings.speech_rate)
            self.speech.voice.rate_wpm = min(max(wpm, MIN_RATE_WPM), MAX_RATE_WPM)

    def _new_logger(self) -> Any:
        from tester_log.writer import NullLogger

        if self.settings.logging_enabled and self._logger_factory is not None:
            logger = self._logger_factory()
            # replay: opening hours as on the walk, ticks on the same grid (tester_log.schema)
            logger.event("app_start", t=self.clock(), lang=self.settings.lang,
                         started_at=self.wall_clock().isoformat(), tick_s=self.tick_s)
            return logger
        return NullLogger()

    def start_radio(self, ble: bool = True, gps: bool = True) -> None:
        """Start beacon scanning and GPS (each unless its permission was refused); without
        Bluetooth say so once and carry on with GPS."""
        now = self.clock()
        if not ble:
            self.bluetooth_ok = False
        elif self.scanner is not None:
            try:
                self.scanner.start(self._readings.append)
                self.bluetooth_ok = True
            except BluetoothUnavailable as exc:
                self.bluetooth_ok = False
                self.pipeline.on_bluetooth_unavailable(now, str(exc))
        if self.gps is not None and gps:
            self.gps.start(self._on_fix, self._on_gps_status)
        self.speech.tick()

    def _say(self, text: str, priority: Priority = Priority.GUIDANCE,
             key: str | None = None) -> None:
        """Through the pipeline's queue (nothing talks over a warning), started at once."""
        self.pipeline.say_system(self.clock(), text, priority, key)
        self.speech.tick()

    def _on_fix(self, lat: float, lon: float, accuracy_m: float) -> None:
        self._fixes.append((self.clock(), lat, lon, accuracy_m))

    def _on_gps_status(self, reason: str) -> None:
        log.info("GPS: %s", reason)
        if self.bluetooth_ok is False or self.scanner is None:
            self._say(say("gps.missing", self.settings.lang), key="gps-missing")

    def shutdown(self) -> None:
        for source in (self.scanner, self.gps):
            if source is not None:
                source.stop()
        self.logger.close()

    # --- settings ---------------------------------------------------------------------------
    def update_settings(self, **changes: Any) -> AppSettings:
        new = self.settings.changed(**changes)
        if self.settings_path is not None:
            save_settings(new, self.settings_path)
        logging_changed = new.logging_enabled != self.settings.logging_enabled
        self.settings = new
        self.pipeline.voice = self._voice()
        self._apply_rate()
        self.planner.server_url = new.server_url.rstrip("/")
        self.planner.prefer_server = new.route_on_server and bool(new.server_url)
        if logging_changed:
            self.logger.close()
            self.logger = self.pipeline.logger = self._new_logger()
        # saved places ("Zuhause") tell where the tester lives: never sent to the log
        self.logger.event("settings", t=self.clock(), settings=new.model_dump(
            mode="json", exclude=set(PRIVATE_SETTINGS)))
        return new

    @property
    def tick_s(self) -> float:  # s between calls of `tick`, as the app schedules them
        return self.timings.tick_s

    # --- routes -----------------------------------------------------------------------------
    def _resolve(self, place: Any) -> tuple[float, float]:
        if isinstance(place, dict) and "lat" in place and "lon" in place:
            return float(place["lat"]), float(place["lon"])
        if isinstance(place, tuple | list) and len(place) == 2:
            return float(place[0]), float(place[1])
        if isinstance(place, Favourite):
            return place.lat, place.lon
        text = str(place).strip()
        parts = text.split(",")
        if len(parts) == 2:
            try:
                return float(parts[0]), float(parts[1])
            except ValueError:
                pass
        hits = self.search(text)
        if not hits:
            raise ControllerError(say("search.none", self.settings.lang, q=text))
        return float(hits[0]["lat"]), float(hits[0]["lon"])

    def _origin(self) -> tuple[float, float]:
        fix = self.pipeline.fix
        if fix is None:
            raise ControllerError(say("start.no_position", self.settings.lang))
        return fix.lat, fix.lon

    def _route(self, origin: tuple[float, float], dest: tuple[float, float]) -> tuple[dict, str]:
        s = self.settings
        try:
            return self.planner.route(origin, dest, profile=s.profile, options=s.route_options(),
                                      lang=s.lang, when=self.wall_clock())
        except Exception as exc:  # noqa: BLE001 - routing errors carry a readable message
            message = getattr(exc, "message", None)
            text = message(s.lang) if callable(message) else _first_line(exc)
            raise ControllerError(text) from None

    def _reroute(self, lat: float, lon: float) -> dict[str, Any]:
        if self._destination is None:
            raise LookupError("no destination")
        body, mode = self._route((lat, lon), self._destination)
        self.mode = "simulated" if self._sim else mode
        return body

    def preview(self, destination: Any) -> list[str]:
        """The whole route as a list of sentences, read before leaving (Wayfindr)."""
        origin, dest = self._origin(), self._resolve(destination)
        body, mode = self._route(origin, dest)
        self._preview = (origin, dest, body, mode)
        lang = self.settings.lang
        return [say(f"mode.{mode}", lang), *route_text.steps(body, lang, self.settings.clock_face)]

    def start_guidance(self, destination: Any) -> dict[str, Any]:
        origin, dest = self._origin(), self._resolve(destination)
        pre = self._preview
        if pre is not None and pre[1] == dest and distance_m(pre[0], origin) <= SAME_ORIGIN_M:
            body, mode = pre[2], pre[3]
        else:
            body, mode = self._route(origin, dest)
        self._begin(body, dest, mode, _place_name(destination))
        return self.status()

    def _begin(self, body: dict[str, Any], dest: tuple[float, float], mode: str,
               name: str | None = None) -> None:
        now = self.clock()
        self.logger.event("route_requested", t=now, profile=self.settings.profile)
        self.pipeline.set_route(now, body, destination_name=name)  # the arrival names it
        self._active_body = body
        self.pipeline.paused = False
        self._destination, self.mode = dest, mode
        self._say(say(f"mode.{mode}", self.settings.lang), key=f"mode-{self.pipeline.route_id}")

    def start_simulation(self, origin: Any, destination: Any, seed: int = 0,
                         radio: RadioModel | None = None, speed: float = 1.2) -> dict[str, Any]:
        """A virtual walk along the route, feeding this controller's real pipeline (testers)."""
        o, dest = self._resolve(origin), self._resolve(destination)
        body, _ = self._route(o, dest)
        self._begin(body, dest, "simulated")
        assert self.pipeline.route is not None
        walk = SimulatedWalk(self.pipeline.route.line, sim_beacons(self.beacon_records),
                             radio or RadioModel(), speed=speed, seed=seed)
        self._sim = (walk, self.clock(), SimulatedCompass(walk))
        return self.status()

    # --- during guidance ----------------------------------------------------------------------
    def pause(self) -> None:
        self.pipeline.paused = True
        self.speech.clear()
        self._say(say("guidance.paused", self.settings.lang))

    def resume(self) -> None:
        self.pipeline.paused = False
        self._say(say("guidance.resumed", self.settings.lang))

    def stop(self) -> None:
        self.pipeline.clear_route()
        self._destination, self._sim = None, None
        self.speech.clear()
        self._say(say("guidance.stopped", self.settings.lang))

    def repeat(self) -> bool:
        """Say the last guidance message again (the route's, never a button's label)."""
        last = self.last_guidance()
        if last is None:
            self._say(say("repeat.none", self.settings.lang))
            return False
        self.speech.submit(Message(last, Priority.GUIDANCE, lang=self.settings.lang), force=True)
        self.speech.tick()
        return True

    def last_guidance(self) -> str | None:
        """The route's last message as it was said (what "repeat" says and the screen shows)."""
        return next((a.text for a in reversed(self.pipeline.announcements)
                     if a.kind != "system"), None)

    def route_text(self) -> str:
        """The previewed or active route as plain text, for a companion or a printed sheet."""
        body = self._preview[2] if self._preview is not None else None
        if self.pipeline.route is not None and self._active_body is not None:
            body = self._active_body
        if body is None:
            raise ControllerError(say("share.no_route", self.settings.lang))
        return route_text.as_text(body, self.settings.lang, self.settings.clock_face)

    def share_route(self) -> str:
        """To Android's share sheet ("") or, on a desktop, a text file (its path)."""
        from mobile.app.share import share_text

        folder = self.settings_path.parent / "routes" if self.settings_path else None
        return share_text(self.route_text(), folder, self.wall_clock())

    def mark_problem(self) -> None:
        fix = self.pipeline.fix
        where = {"lat": fix.lat, "lon": fix.lon} if fix else {}
        self.logger.event("marker", t=self.clock(), note="user marked a problem", **where)
        self._say(say("marker.set", self.settings.lang), Priority.INFO)

    def status(self) -> dict[str, Any]:
        p, fix = self.pipeline, self.pipeline.fix
        progress = p.progress_m
        nxt = p.route.next_decision(progress) if p.route is not None and progress is not None \
            else None
        arrival = p.route.arrival if p.route is not None else None
        target = nxt or arrival
        return {
            "mode": self.mode,
            "guiding": p.route is not None and not p.arrived,
            "paused": p.paused,
            "arrived": p.arrived,
            "next": target.text if target else "",
            "distance_m": round(target.at_m - progress, 1) if target and progress is not None
            else None,
            "position_quality": fix.quality if fix else 0.0,
            "position_source": fix.source if fix else None,
            "uncertainty_m": fix.uncertainty_m if fix else None,
            "progress_m": None if progress is None else round(progress, 1),
            "last_guidance": self.last_guidance() or "",
        }

    def tick(self, now: float | None = None) -> None:
        """Drain radio and GPS queues, advance a simulation, run the pipeline."""
        now = self.clock() if now is None else now
        while self._readings:
            r = self._readings.popleft()
            if isinstance(r, Sighting):
                self.pipeline.on_advertisement(r.t, r)
                self.beacon_health.setdefault(r.key, {}).update(rssi=r.rssi, seen_t=r.t)
            elif r.key is not None:  # Eddystone TLM: battery and temperature, for testers
                self.beacon_health.setdefault(r.key, {}).update(
                    battery_mv=r.frame.battery_mv, temperature_c=r.frame.temperature_c)
        while self._fixes:
            t, lat, lon, acc = self._fixes.popleft()
            self.pipeline.on_gps(t, lat, lon, acc)
        if self._sim is not None:
            walk, started, compass = self._sim
            for pkt in walk.packets_until(now - started):
                self.pipeline.on_advertisement(started + pkt.t, pkt.advert)
            for t, degrees in compass.readings_until(now - started):
                self.pipeline.on_compass(started + t, degrees)
            if now - self._truth_t >= 1.0:  # testers' logs get the simulator's truth
                self._truth_t = now
                lat, lon = walk.latlon_at(now - started)
                self.logger.event("truth", t=now, lat=lat, lon=lon)
        elif self._heading.compass is not None:  # the device's own sensor, where it has one
            degrees = self._heading.compass()
            if degrees is not None:
                self.pipeline.on_compass(now, degrees)
        self.pipeline.tick(now)
        fix = self.pipeline.fix
        if fix is not None and fix.t != self._fix_t:  # the walking direction comes from fixes
            self._fix_t = fix.t
            self._heading.add_fix(fix.t, fix.lat, fix.lon)


def _place_name(place: Any) -> str | None:
    """The name the walker chose ("Eisenbahnstraße", a favourite), None for bare coordinates."""
    if isinstance(place, Favourite):
        return place.name
    if isinstance(place, dict):
        return str(place["name"]) if place.get("name") else None
    if isinstance(place, str) and place.strip():
        parts = place.split(",")
        try:
            [float(p) for p in parts]
        except ValueError:
            return place.strip()
    return None


def controller_for_this_device(voice: Any = None, settings_path: Path | None = None,
                               data_dir: Path | None = None) -> GuideController:
    """The app's controller, wired for this phone or desktop (see `mobile.app.platform`)."""
    from mobile.app.platform import device_controller

    return device_controller(voice, settings_path, data_dir)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]

