"""Re-run a tester log through today's positioning and guidance code.

The recorded advertisements, GPS fixes and compass headings are fed to
``mobile.guidance.pipeline.GuidancePipeline`` at their
recorded time stamps, with a clock the replay moves (no sleeping, no threads), so a two-hour walk
replays in seconds and the same log always gives the same result. What the pipeline logs during
the re-run is caught in a ``MemoryLogger`` and compared with the original log in the report.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tester_log.review.analysis import Truth, route_points, track
from tester_log.review.beacon_check import DEFAULT_MEASURED_POWER
from tester_log.review.inputs import (
    load_area,
    load_plan,
    load_truth_file,
    plan_points,
    street_lines,
)
from tester_log.review.report import ReplayData
from tester_log.schema import LogRead, read_log
from tester_log.writer import MemoryLogger

logger = logging.getLogger(__name__)

#: the pipeline is ticked on this grid of trip time unless app_start says otherwise (s);
#: mobile.app.kivy_app ticks every 0.2 s
TICK_S = 0.2
#: periods a simulated walk may tick at, coarsest first (s)
TICK_CANDIDATES_S = (1.0, 0.5, 0.25, 0.2, 0.1, 0.05)
#: events stamped at a tick of the pipeline
TICKED_TYPES = ("position", "announcement", "truth")
#: fewer tick-made stamps than this cannot tell a grid
MIN_STAMPS_TO_INFER = 20
#: after the last event the re-run keeps ticking this long, so queued speech can finish (s)
DRAIN_S = 10.0
#: the fed event types; everything else in the log is the old code's output
FED_TYPES = ("advert", "gps_fix", "heading")


class ReplayClock:
    """Trip time as the replay sets it: the pipeline's and the speech queue's clock."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def advertisement_from_event(event: dict) -> Any:
    """What the pipeline is fed for one ``advert`` line.

    A line with the raw ``manufacturer_data``/``service_data`` becomes a real bleak
    ``AdvertisementData``, so parsing is re-run too; otherwise the frame is rebuilt from the
    beacon key (and ``measured_power``) with ``mobile.ble.frames``.
    """
    manufacturer = event.get("manufacturer_data") or {}
    service = event.get("service_data") or {}
    if manufacturer or service:
        from bleak.backends.scanner import AdvertisementData

        try:
            return AdvertisementData(
                local_name=None,
                manufacturer_data={int(k): bytes.fromhex(v) for k, v in manufacturer.items()},
                service_data={str(k): bytes.fromhex(v) for k, v in service.items()},
                service_uuids=[str(k) for k in service],
                tx_power=None, rssi=int(event["rssi"]), platform_data=())
        except (ValueError, TypeError) as exc:
            raise ValueError(f"advert at t={event['t']}: bad raw data ({exc})") from None
    return frame_from_key(event["beacon"], event.get("measured_power"))


def frame_from_key(key: str, measured_power: int | None = None) -> Any:
    """Rebuild an iBeacon or Eddystone UID frame from ``beacon_key`` form."""
    from mobile.ble.frames import EDDYSTONE_0M_TO_1M_DB, EddystoneUidFrame, IBeaconFrame

    parts = key.split(":")
    power = DEFAULT_MEASURED_POWER if measured_power is None else int(measured_power)
    try:
        if parts[0] == "ibeacon" and len(parts) == 4:
            return IBeaconFrame(parts[1], int(parts[2]), int(parts[3]), power)
        if parts[0] == "eddystone" and len(parts) == 3:
            return EddystoneUidFrame(parts[1], parts[2], power + EDDYSTONE_0M_TO_1M_DB)
    except ValueError:
        pass
    raise ValueError(f"beacon {key!r} is not an ibeacon:/eddystone: key")


def logged_routes(events: Sequence[dict]) -> list[tuple[float, dict]]:
    """(time, body) of every route the walk received: the first one it set out on, then its
    re-routes, in order."""
    return [(e["t"], e["route"]) for e in events
            if e["type"] == "route_received" and isinstance(e.get("route"), dict)]


def first_route(events: Sequence[dict]) -> dict | None:
    """The route the walk was guided on (the first ``route_received`` carrying one)."""
    routes = logged_routes(events)
    return routes[0][1] if routes else None


@dataclass
class RerunSetup:
    """What the re-run needs besides the radio: taken from the log, so it matches the walk."""

    route: dict | None
    later_routes: list[dict]  # re-routes the walk received, served again in order
    lang: str
    verbosity: str
    clock_face: bool
    started_at: datetime | None  # wall clock at the log's first event (opening hours)
    tick_s: float  # the walk's guidance clock period
    #: the walk's PositionSettings and GuidanceTimings as logged (v2 ``setup``); {} = defaults
    positioning: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)


def rerun_setup(events: Sequence[dict], lang: str | None = None) -> RerunSetup:
    """Route, language and verbosity as the walker had them (the last ``settings`` before the
    route, then ``lang`` if given)."""
    routes = [body for _, body in logged_routes(events)]
    settings: dict = {}
    for e in events:
        if e["type"] == "settings" and isinstance(e.get("settings"), dict):
            settings.update(e["settings"])
    start = next((e for e in events if e["type"] == "app_start"), {})
    setup = next((e for e in events if e["type"] == "setup"), {})
    timings = setup.get("timings") or {}
    started = start.get("started_at")
    try:
        started_at = datetime.fromisoformat(started) if started else None
    except ValueError:
        logger.warning("app_start started_at %r is not ISO 8601; using now", started)
        started_at = None
    return RerunSetup(routes[0] if routes else None, routes[1:],
                      lang or str(settings.get("lang", "de")),
                      str(settings.get("verbosity", "normal")),
                      bool(settings.get("clock_face", False)), started_at,
                      float(start.get("tick_s") or timings.get("tick_s") or infer_tick_s(events)),
                      dict(setup.get("positioning") or {}), dict(timings))


def settings_from(cls: type, data: dict) -> Any:
    """A frozen settings dataclass from its logged ``asdict`` form: nested settings rebuilt,
    fields the log lacks left at their defaults, fields this code no longer has ignored."""
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        if is_dataclass(default) and isinstance(value, dict):
            value = settings_from(type(default), value)
        kwargs[f.name] = value
    unknown = set(data) - {f.name for f in fields(cls)}
    if unknown:
        logger.warning("%s: logged settings %s unknown to this code, ignored", cls.__name__,
                       ", ".join(sorted(unknown)))
    return cls(**kwargs)


def infer_tick_s(events: Sequence[dict]) -> float:
    """The tick grid of a log without ``app_start.tick_s``: the coarsest candidate period that
    every tick-made time stamp (positions, announcement starts, truth) sits on; ``TICK_S``
    when none fits (a real app's clock is not a grid) or there is too little to tell."""
    stamps = [e["started_t"] if e["type"] == "announcement" else e["t"] for e in events
              if e["type"] in TICKED_TYPES]
    if len(stamps) < MIN_STAMPS_TO_INFER:
        return TICK_S
    for step in TICK_CANDIDATES_S:
        if all(abs(t / step - round(t / step)) < 1e-6 for t in stamps):
            return step
    return TICK_S


def rerun(read: LogRead, plan: Sequence[dict], lang: str | None = None,
          tick_s: float | None = None, timings: list[float] | None = None,
          places: Sequence[dict] = ()) -> list[dict]:
    """Feed the log's route, adverts and GPS fixes to a fresh pipeline; return what it logged.

    ``timings``, when given, receives the wall time (s) each fed event took, ticks included
    (the replay benchmark reads it).
    """
    setup = rerun_setup(read.events, lang)
    tick_s = tick_s or setup.tick_s
    routes = logged_routes(read.events)
    first_route_t = routes[0][0] if routes else None
    fed = sorted((e for e in read.events if e["type"] in FED_TYPES), key=lambda e: e["t"])
    if not fed:
        raise ValueError("the log has no advertisements or GPS fixes to re-run")
    t_start = min(fed[0]["t"], first_route_t if first_route_t is not None else fed[0]["t"])
    clock = ReplayClock(t_start)
    capture = MemoryLogger(clock=clock, session="replay-" + read.sessions[0][:16])
    pipeline = _build_pipeline(setup, plan, capture, clock, t_start, places)
    ticker = _Ticker(pipeline, clock, tick_s)
    route_pending = setup.route is not None
    skipped = 0
    for event in fed:
        started = time.perf_counter()
        if route_pending and first_route_t <= event["t"]:
            ticker.before(first_route_t)
            _set_route(pipeline, first_route_t, setup.route)
            route_pending = False
        ticker.before(event["t"])
        if event["type"] == "advert":
            try:
                advert = advertisement_from_event(event)
            except ValueError as exc:  # one unreadable packet is not worth the whole re-run
                skipped += 1
                logger.debug("advert skipped: %s", exc)
                continue
            pipeline.on_advertisement(event["t"], advert, event["rssi"])
        elif event["type"] == "heading":
            pipeline.on_compass(event["t"], event["degrees"])
        else:
            pipeline.on_gps(event["t"], event["lat"], event["lon"], event["accuracy_m"])
        if timings is not None:
            timings.append(time.perf_counter() - started)
    ticker.before(fed[-1]["t"] + DRAIN_S + tick_s / 2)
    capture.close()
    if skipped:
        logger.warning("%d adverts could not be rebuilt and were left out of the re-run", skipped)
    return capture.events


def _set_route(pipeline: Any, t: float, body: dict) -> None:
    from mobile.guidance.active_route import RouteFormatError

    try:
        pipeline.set_route(t, body)
    except RouteFormatError as exc:
        raise ValueError(f"the logged route cannot be followed: {exc}") from None


def _build_pipeline(setup: RerunSetup, plan: Sequence[dict], capture: MemoryLogger,
                    clock: ReplayClock, t_start: float, places: Sequence[dict]) -> Any:
    """A fresh ``GuidancePipeline`` with a recording voice, logging into ``capture``.

    Re-routes are answered with the routes the walk received, in order, so a re-run that goes
    off route where the walk did follows the same new route; when they run out, re-routing
    fails aloud, as it would without a network. A walk that received no new route had no way to
    re-route (offline, simulated), and the re-run has none either.
    """
    from accessibility.speech import SpeechQueue
    from accessibility.voices import RecorderVoice
    from mobile.ble.plan import beacon_infos
    from mobile.guidance.callouts import SpeechPreferences
    from mobile.guidance.pipeline import GuidancePipeline
    from mobile.guidance.timings import GuidanceTimings
    from mobile.positioning.beacons import PositionSettings

    queue = list(setup.later_routes)

    def rerouter(lat: float, lon: float) -> dict:
        if not queue:
            raise LookupError("no further route in the log")
        return queue.pop(0)

    fixed_now = datetime.now().astimezone()

    def wall_clock() -> datetime:
        """The walk's wall time when the log says when it started; else now, standing still
        (as in ``lotse walk``): opening hours are then those of the replay's moment."""
        if setup.started_at is None:
            return fixed_now
        return setup.started_at + timedelta(seconds=clock.now - t_start)

    speech = SpeechQueue(RecorderVoice(clock=clock), clock=clock)
    voice = SpeechPreferences(lang=setup.lang, verbosity=setup.verbosity,
                              clock_face=setup.clock_face)
    return GuidancePipeline(speech, beacon_infos(list(plan)), voice=voice, logger=capture,
                            places=places, rerouter=rerouter if queue else None,
                            wall_clock=wall_clock,
                            timings=settings_from(GuidanceTimings, setup.timings),
                            position_settings=settings_from(PositionSettings,
                                                            setup.positioning))


class _Ticker:
    """Ticks the pipeline at every grid time ``k * step`` before the next fed event.

    A fixed grid (not a tick at every event) is what the app and the simulated walk do, so a
    re-run of an unchanged pipeline starts each message on the same tick. An event exactly on a
    grid time is fed before that tick, as the walk does.
    """

    def __init__(self, pipeline: Any, clock: ReplayClock, step: float) -> None:
        self.pipeline, self.clock, self.step = pipeline, clock, step
        self.k = math.floor(clock.now / step + 1e-9) + 1  # the next grid time to tick

    def before(self, until: float) -> None:
        """Tick every grid time before ``until`` (not yet ticked), then set the clock to it."""
        while self.k * self.step < until - 1e-9:
            self.clock.now = self.k * self.step
            self.pipeline.tick(self.clock.now)
            self.k += 1
        self.clock.now = max(self.clock.now, until)


def one_session(read: LogRead, session: str | None = None) -> LogRead:
    """Only the events of one session (``session``, else the one with most events): each
    session has its own monotonic clock, so two cannot be re-run as one walk."""
    sessions = read.sessions
    if session is not None and session not in sessions:
        raise ValueError(f"no session {session!r} in the log (it has {', '.join(sessions)})")
    if session is None and len(sessions) <= 1:
        return read
    counts = {s: 0 for s in sessions}
    for e in read.events:
        counts[e["session"]] += 1
    chosen = session or max(sessions, key=lambda s: counts[s])
    if len(sessions) > 1:
        logger.warning("log holds %d sessions; reporting %s (%d events)", len(sessions), chosen,
                       counts[chosen])
    return LogRead([e for e in read.events if e["session"] == chosen], read.problems,
                   read.lines, other_sessions={s: n for s, n in counts.items() if s != chosen})


def replay(log_path: Path, *, truth_path: Path | None = None, plan_path: Path | None = None,
           lang: str | None = None, do_rerun: bool = True, osm_path: Path | None = None,
           cache_dir: Path | None = None, session: str | None = None) -> ReplayData:
    """Read a log (with its rotated parts), re-run it, and gather what the report needs.

    A re-run that cannot be made (no adverts, no route, the pipeline failing on this log) is
    reported on the page, not raised: the log's own content is still worth a report.
    ``lang`` is the re-run's speech language (default: the walk's).
    ``osm_path`` (an extract) gives the re-run the extract's places (as the app and
    ``lotse walk`` have them) and the map the streets around the walk. A file holding several
    sessions (the app appends after a restart) is reported for one: ``session``, else the
    longest.
    """
    read = one_session(read_log(log_path, include_rotated=True), session)
    if not read.events:
        raise ValueError(f"{log_path}: no valid events ({len(read.problems)} corrupt lines)")
    route = first_route(read.events)
    records = load_plan(plan_path) if plan_path else []
    net = load_area(osm_path, cache_dir)
    places = list(getattr(net, "places", None) or [])
    truth = Truth(timed=track(read.events, "truth"))
    if truth_path is not None:
        truth.line = load_truth_file(truth_path)
    events, status, note = None, "not_requested", ""
    if do_rerun:
        try:
            events = rerun(read, records, lang, places=places)
            status, note = "done", str(len(events))
        except ValueError as exc:
            status, note = "impossible", str(exc)
            logger.warning("re-run not possible: %s", exc)
        except Exception as exc:  # noqa: BLE001 - the code under test failed: report it
            status, note = "failed", f"{type(exc).__name__}: {exc}"
            logger.warning("re-run failed: %s", note)
            logger.debug("re-run failure", exc_info=True)
    around = [*route_points(route), *truth.points(),
              *((f.lat, f.lon) for f in track(read.events))]
    return ReplayData(source=str(log_path), read=read, rerun=events, rerun_note=note,
                      route=route, truth=truth, plan=plan_points(records),
                      streets=street_lines(net, around), rerun_status=status)
