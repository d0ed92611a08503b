"""Running a simulated walk through the real pipeline, and measuring how well it went.

The driver ticks the pipeline on a fixed grid of simulated time (as the app's clock does), feeds
each packet and GPS fix at its own time stamp, and records the truth beside what was said, so the
result can say how far off the position was and how many metres before each decision point its
instruction started.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lotse_common.stats import distribution
from mobile.guidance.pipeline import Announcement, GuidancePipeline
from mobile.positioning.geo import RouteLine
from mobile.simulation.compass import SimulatedCompass
from mobile.simulation.model import SimulatedWalk

log = logging.getLogger(__name__)

#: after the walker's path ends, keep ticking this long so arrival can be said (s)
DRAIN_S = 20.0
#: position error is sampled this often (s)
ERROR_SAMPLE_S = 1.0
#: a walker this far from the route (m) is truly off it, not on its far pavement
OFF_ROUTE_M = 4.0
#: an instruction should start this many metres before its decision point (Wayfindr: 6 ± 2)
ANNOUNCE_WINDOW_M = (4.0, 8.0)


class SimClock:
    """Simulated time: the pipeline's, the speech queue's and the voice's clock."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class WalkResult:
    announcements: list[dict[str, Any]] = field(default_factory=list)
    decision_points: list[dict[str, Any]] = field(default_factory=list)
    #: the pipeline's position (matched to the route while following one) vs the truth
    errors_m: list[float] = field(default_factory=list)
    #: the free beacon/GPS fix (no route knowledge) vs the truth
    fix_errors_m: list[float] = field(default_factory=list)
    #: the uncertainty the free fix stated, beside each of `fix_errors_m`
    fix_uncertainty_m: list[float] = field(default_factory=list)
    arrived: bool = False
    duration_s: float = 0.0
    reroutes: int = 0
    packets: int = 0

    def error_stats(self, free_fix: bool = False) -> dict[str, float | None]:
        errors = self.fix_errors_m if free_fix else self.errors_m
        if not errors:
            return {"median": None, "p95": None}
        dist = distribution(errors)
        return {"median": round(dist["median"], 2), "p95": round(dist["p95"], 2)}

    @property
    def coverage(self) -> float | None:
        """Share of fixes whose stated uncertainty covered the true position."""
        if not self.fix_errors_m:
            return None
        return round(float(np.mean(np.array(self.fix_uncertainty_m)
                                   >= np.array(self.fix_errors_m))), 3)

    def to_json(self) -> dict[str, Any]:
        return {"announcements": self.announcements, "decision_points": self.decision_points,
                "uncertainty_coverage": self.coverage,
                "position_error_m": self.error_stats(),
                "fix_error_m": self.error_stats(free_fix=True), "arrived": self.arrived,
                "duration_s": round(self.duration_s, 1), "reroutes": self.reroutes,
                "packets": self.packets}


def run_walk(pipeline: GuidancePipeline, walk: SimulatedWalk, clock: SimClock, *,
             tick_s: float = 0.25, on_tick: Callable[[float], None] | None = None,
             logger: Any = None, max_s: float | None = None,
             start_t: float = 0.0, compass: SimulatedCompass | None = None) -> WalkResult:
    """Walk to the end of the path (plus time to arrive), feeding and ticking the pipeline
    (and the phone's compass, when given)."""
    result = WalkResult()
    route = pipeline.route
    first_route_id = pipeline.route_id
    end = walk.duration_s + DRAIN_S if max_s is None else max_s
    next_sample = start_t
    k = round(start_t / tick_s)
    while True:
        k += 1
        t = k * tick_s
        for pkt in walk.packets_until(t):
            clock.now = pkt.t
            pipeline.on_advertisement(pkt.t, pkt.advert)
            result.packets += 1
        for ft, lat, lon, acc in walk.gps_until(t):
            clock.now = ft
            pipeline.on_gps(ft, lat, lon, acc)
        if compass is not None:
            for ct, deg in compass.readings_until(t):
                pipeline.on_compass(ct, deg)
        clock.now = t
        started = pipeline.tick(t)
        if logger is not None and t >= next_sample:
            lat, lon = walk.latlon_at(t)
            logger.event("truth", t=t, lat=lat, lon=lon)
        for a in started:
            result.announcements.append(_announcement(a, walk))
        if t >= next_sample:
            next_sample = t + ERROR_SAMPLE_S
            fix = pipeline.fix
            if fix is not None and walk.progress_at(t) < walk.path.length_m:
                tx, ty = walk.xy_at(t)
                result.fix_errors_m.append(float(math.hypot(fix.x - tx, fix.y - ty)))
                result.fix_uncertainty_m.append(fix.uncertainty_m)
                ex, ey = fix.x, fix.y
                if pipeline.route is not None and pipeline.progress_m is not None:
                    ex, ey = pipeline.route.line.xy_at(pipeline.progress_m)
                result.errors_m.append(float(math.hypot(ex - tx, ey - ty)))
        if on_tick is not None:
            on_tick(t)
        if pipeline.arrived and pipeline.speech.current is None and not pipeline.speech.pending:
            break
        if t >= end:
            break
    result.duration_s = t
    result.arrived = pipeline.arrived
    result.reroutes = pipeline.reroutes
    if route is not None:
        result.decision_points = _decision_points(route, result.announcements, first_route_id)
    return result


def _announcement(a: Announcement, walk: SimulatedWalk) -> dict[str, Any]:
    lat, lon = walk.latlon_at(a.t)
    return {"t_s": round(a.t, 2), "text": a.text, "priority": a.priority, "kind": a.kind,
            "lat": round(lat, 6), "lon": round(lon, 6),
            "true_progress_m": round(walk.progress_at(a.t), 1),
            "est_progress_m": None if a.progress_m is None else round(a.progress_m, 1),
            "est_lat": None if a.lat is None else round(a.lat, 6),
            "est_lon": None if a.lon is None else round(a.lon, 6),
            "maneuver": a.maneuver, "chained": list(a.chained), "route": a.route_id}


def _decision_points(route: Any, announcements: list[dict[str, Any]],
                     route_id: int) -> list[dict[str, Any]]:
    out = []
    for m in route.decisions:
        said = [a for a in announcements if a["route"] == route_id
                and a["kind"] in ("instruction", "depart")
                and (a["maneuver"] == m.index or m.index in a["chained"])]
        before = round(m.at_m - said[0]["true_progress_m"], 1) if said else None
        out.append({"index": m.index, "type": m.facts.type, "at_m": round(m.at_m, 1),
                    "lat": m.lat, "lon": m.lon, "text": m.text, "announced_m_before": before,
                    "announced_t_s": said[0]["t_s"] if said else None,
                    "times_announced": len(said),
                    "chained_with": said[0]["maneuver"] if said and said[0]["maneuver"] != m.index
                    else None})
    return out


def announced_on_time(p: dict[str, Any], points: list[dict[str, Any]],
                      window_m: tuple[float, float] = ANNOUNCE_WINDOW_M) -> bool:
    """Whether decision point `p` (of `WalkResult.decision_points`) was announced 6 ± 2 m
    before it (the walker's true distance when the speech started); a chained point counts
    with its leader's instruction, and one said with the departure is within reach of the
    start."""
    if p["chained_with"] is not None:
        lead = [q for q in points if q["index"] == p["chained_with"]]
        if not lead:
            return True
        p = lead[0]
    before = p["announced_m_before"]
    return before is not None and window_m[0] <= before <= window_m[1]


def left_route_report(announcements: list[dict[str, Any]], walk: SimulatedWalk,
                      detour: Any, route: RouteLine) -> dict[str, Any]:
    """When a walker who turned off (`mobile.simulation.detour`) was told, and the new way:
    seconds from the junction, and from the moment the walker was truly farther than
    `OFF_ROUTE_M` from the route (a street leaving at a shallow angle, or the route walked
    backwards, stays beside it for a while)."""
    t_left = walk.start_delay_s + (detour.junction_m - walk.start_m) / walk.speed
    told = [a for a in announcements if a["kind"] == "off_route" and a["t_s"] >= t_left]
    again = [a for a in announcements if a["kind"] == "reroute"]
    t_off = t_left
    while t_off < walk.duration_s and route.project(*walk.xy_at(t_off))[1] <= OFF_ROUTE_M:
        t_off += 0.25
    return {"at_m": round(detour.junction_m, 1), "t_s": round(t_left, 1),
            "told_after_s": round(told[0]["t_s"] - t_left, 1) if told else None,
            "told_after_off_s": round(max(told[0]["t_s"] - t_off, 0.0), 1) if told else None,
            "false_before": sum(a["kind"] == "off_route" and a["t_s"] < t_left
                                for a in announcements),
            "reroute_text": again[0]["text"] if again else None}

