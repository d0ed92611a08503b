"""Re-run a tester log through today's positioning and guidance code.

The recorded advertisements and GPS fixes are fed to ``mobile.pipeline.GuidancePipeline`` at their
recorded time stamps, with a clock the replay moves (no sleeping, no threads), so a two-hour walk
replays in seconds and the same log always gives the same result. What the pipeline logs during
the re-run is caught in a ``MemoryLogger`` and compared with the original log in the report.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bleak.backends.scanner import AdvertisementData

from lotse.triplog import LogRead, read_log
from mobile.logbook import MemoryLogger
from mobile.report import ReplayData
from mobile.report_analysis import Truth, track

logger = logging.getLogger(__name__)

#: the pipeline is ticked at least this often between recorded events (s of trip time)
TICK_S = 0.25
#: after the last event the re-run keeps ticking this long, so queued speech can finish (s)
DRAIN_S = 10.0
#: iBeacon measured power assumed when neither the log nor the plan says (dBm at 1 m)
DEFAULT_MEASURED_POWER = -59
#: the fed event types; everything else in the log is the old code's output
FED_TYPES = ("advert", "gps_fix")


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


def first_route(events: Sequence[dict]) -> dict | None:
    """The route the walk was guided on (the first ``route_received`` carrying one)."""
    for e in events:
        if e["type"] == "route_received" and isinstance(e.get("route"), dict):
            return e["route"]
    return None


def load_truth_file(path: Path) -> list[tuple[float, float]]:
    """(lat, lon) points of a true route: a GeoJSON LineString (bare, Feature or first in a
    FeatureCollection) or a route JSON (``POST /v1/routes`` body). ``ValueError`` otherwise."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read truth file {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"truth file {path} is not JSON: {exc.msg} (line {exc.lineno})") from None
    candidates = [doc]
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        candidates = [f.get("geometry") for f in doc.get("features") or [] if isinstance(f, dict)]
    for c in candidates:
        if isinstance(c, dict) and c.get("type") == "Feature" or (
                isinstance(c, dict) and "maneuvers" in c):
            c = c.get("geometry")
        if isinstance(c, dict) and c.get("type") == "LineString":
            try:
                points = [(float(lat), float(lon)) for lon, lat, *_ in c["coordinates"]]
            except (KeyError, TypeError, ValueError):
                break
            if len(points) >= 2:
                return points
    raise ValueError(f"truth file {path} holds no GeoJSON LineString or route with 2+ points")


def load_plan(path: Path) -> list[dict]:
    """Planned beacons from a beacon-plan GeoJSON: {"key","lat","lon","placement",
    "measured_power"}. Features that are not beacon points are skipped with a warning."""
    from mobile.ble.frames import beacon_key

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        features = doc["features"]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"beacon plan {path} is not a GeoJSON FeatureCollection ({exc})") from None
    plan = []
    for n, feature in enumerate(features):
        try:
            props = feature["properties"]
            lon, lat = feature["geometry"]["coordinates"][:2]
            key = beacon_key(props["kind"], **props)
        except (KeyError, TypeError, ValueError) as exc:
            logger.warning("beacon plan feature %d skipped: %s", n, exc)
            continue
        plan.append({"key": key, "lat": float(lat), "lon": float(lon),
                     "placement": props.get("placement_de") or "",
                     "measured_power": props.get("measured_power")})
    return plan


def rerun(read: LogRead, route: dict | None, plan: Sequence[dict], lang: str = "de",
          tick_s: float = TICK_S) -> list[dict]:
    """Feed the log's adverts and GPS fixes to a fresh pipeline; return what it logged."""
    fed = sorted((e for e in read.events if e["type"] in FED_TYPES), key=lambda e: e["t"])
    if not fed:
        raise ValueError("the log has no advertisements or GPS fixes to re-run")
    clock = ReplayClock(fed[0]["t"])
    capture = MemoryLogger(clock=clock, session="replay-" + read.sessions[0][:16])
    pipeline = _build_pipeline(route, plan, capture, clock, lang)
    for event in fed:
        _tick_until(pipeline, clock, event["t"], tick_s)
        if event["type"] == "advert":
            pipeline.on_advertisement(event["t"], advertisement_from_event(event), event["rssi"])
        else:
            pipeline.on_gps(event["t"], event["lat"], event["lon"], event["accuracy_m"])
    _tick_until(pipeline, clock, fed[-1]["t"] + DRAIN_S, tick_s)
    capture.close()
    return capture.events


def _build_pipeline(route: dict | None, plan: Sequence[dict], capture: MemoryLogger,
                    clock: ReplayClock, lang: str) -> Any:
    """A fresh ``GuidancePipeline`` on the logged route, logging into ``capture``."""
    try:
        from mobile.pipeline import GuidancePipeline
    except ImportError as exc:
        raise ValueError(f"the guidance pipeline is not available ({exc})") from None
    return GuidancePipeline(route=route, beacons=plan, logger=capture, clock=clock, lang=lang)


def _tick_until(pipeline: Any, clock: ReplayClock, until: float, step: float) -> None:
    """Advance trip time to ``until`` in steps of at most ``step``, ticking at each."""
    while clock.now + step < until:
        clock.now += step
        pipeline.tick(clock.now)
    clock.now = max(clock.now, until)
    pipeline.tick(clock.now)


def replay(log_path: Path, *, truth_path: Path | None = None, plan_path: Path | None = None,
           lang: str = "de", do_rerun: bool = True) -> ReplayData:
    """Read a log (with its rotated parts), re-run it, and gather what the report needs.

    A re-run that cannot be made (no adverts, no route, the pipeline failing on this log) is
    reported on the page, not raised: the log's own content is still worth a report.
    """
    read = read_log(log_path, include_rotated=True)
    if not read.events:
        raise ValueError(f"{log_path}: no valid events ({len(read.problems)} corrupt lines)")
    route = first_route(read.events)
    plan = load_plan(plan_path) if plan_path else []
    truth = Truth(timed=track(read.events, "truth"))
    if truth_path is not None:
        truth.line = load_truth_file(truth_path)
    events, note = None, "nicht verlangt"
    if do_rerun:
        try:
            events = rerun(read, route, plan, lang)
            note = f"mit dem aktuellen Code, {len(events)} Ereignisse"
        except ValueError as exc:
            note = f"nicht möglich: {exc}"
            logger.warning("re-run not possible: %s", exc)
    return ReplayData(source=str(log_path), read=read, rerun=events, rerun_note=note,
                      route=route, truth=truth, plan=plan)
