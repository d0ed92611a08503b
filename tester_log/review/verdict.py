"""The verdict on a walk: what a reviewer must see first, each finding with its time and place.

Did the walker arrive and was arrival said; was each off-route alarm real (the truth was off the
route then) or false; which instructions came late or never; where guidance fell silent for
long; where the position was worst. Each finding carries a label ("1", "2" …) that the map and the
error plot draw at its place and time, so the summary line and the pictures point at each other.
Plain data in, plain data out: ``report`` words it, ``plots`` draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import LineString, Point

from mobile.guidance.active_route import DECISION_TYPES
from tester_log.review.analysis import (
    REACHED_RADIUS_M,
    Fix,
    Truth,
    errors,
    project,
    route_points,
    said_at,
    time_at_point,
    track,
)
from tester_log.review.chaining import chained_points

#: an instruction started this long after the walker reached its point came late (s)
LATE_AFTER_S = 2.0
#: guidance silent longer than this, while on a route, is a finding (s)
SILENT_S = 30.0
#: the truth this far off the active route means the walker really was off it (m); the
#: guidance's own off-route distance (GuidanceTimings.off_route_m) when the log names it
OFF_ROUTE_M = 6.0
#: a departure the phone never called: truth off the route this long without an alarm (s)
MISSED_DEPARTURE_S = 30.0
#: a worst position error above this is a problem, below it only information (m)
WORST_ERROR_BAD_M = 10.0
#: maneuvers that need an instruction (hazards are warned, not instructed)
INSTRUCTED_TYPES = DECISION_TYPES - {"hazard"}


@dataclass(frozen=True)
class Finding:
    """One line of the summary. ``kind`` names its text in the report catalogue
    (``report.finding.<kind>``); ``values`` fill it; ``bad`` findings are problems."""

    kind: str
    bad: bool
    t: float | None
    lat: float | None = None
    lon: float | None = None
    values: dict = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class Verdict:
    findings: list[Finding]
    arrived: bool
    arrival_said: bool
    false_alarms: int
    real_alarms: int
    unchecked_alarms: int
    late: int
    missing: int
    silent: int
    worst_error_m: float | None

    @property
    def ok(self) -> bool:
        return not any(f.bad for f in self.findings)


@dataclass(frozen=True)
class _Route:
    route_id: int
    t_from: float
    t_to: float
    body: dict
    line: LineString | None


def _routes(events: Sequence[dict], t_end: float) -> list[_Route]:
    received = [e for e in events if e["type"] == "route_received" and isinstance(
        e.get("route"), dict)]
    out = []
    for n, e in enumerate(received):
        t_to = received[n + 1]["t"] if n + 1 < len(received) else t_end
        pts = route_points(e["route"])
        line = None
        if len(pts) >= 2:
            xs, ys = project([p[0] for p in pts], [p[1] for p in pts])
            line = LineString(list(zip(xs, ys, strict=True)))
        out.append(_Route(int(e.get("route_id", n + 1)), e["t"], t_to, e["route"], line))
    return out


def _active(routes: Sequence[_Route], t: float) -> _Route | None:
    now = [r for r in routes if r.t_from <= t]
    return now[-1] if now else None


def truth_at(truth: Truth, t: float) -> tuple[float, float] | None:
    if len(truth.timed) < 2:
        return None
    times = [f.t for f in truth.timed]
    if not times[0] <= t <= times[-1]:
        return None
    return (float(np.interp(t, times, [f.lat for f in truth.timed])),
            float(np.interp(t, times, [f.lon for f in truth.timed])))


def _offset(route: _Route, lat: float, lon: float) -> float | None:
    return None if route.line is None else float(route.line.distance(Point(project(lat, lon))))


def _place(fixes: Sequence[Fix], t: float) -> tuple[float | None, float | None]:
    if not fixes:
        return None, None
    nearest = min(fixes, key=lambda f: abs(f.t - t))
    return nearest.lat, nearest.lon


def _off_route_m(events: Sequence[dict]) -> float:
    setup = next((e for e in events if e["type"] == "setup"), {})
    return float((setup.get("timings") or {}).get("off_route_m", OFF_ROUTE_M))


def _arrival(events, announcements, walked, t_end) -> tuple[list[Finding], bool, bool]:
    arrivals = [e for e in events if e["type"] == "arrival"]
    said = [a for a in announcements if a.get("kind") == "arrival"]
    if arrivals and said:
        a = said[0]
        return [Finding("arrived_said", False, said_at(a), *_place(walked, said_at(a)),
                        {"text": a["text"]})], True, True
    if arrivals:
        e = arrivals[0]
        lat, lon = (e["lat"], e["lon"]) if "lat" in e else _place(walked, e["t"])
        return [Finding("arrival_unsaid", True, e["t"], lat, lon)], True, False
    return [Finding("not_arrived", True, t_end, *_place(walked, t_end))], False, bool(said)


def _alarms(events, routes, truth, walked, limit) -> tuple[list[Finding], int, int, int]:
    found, false, real, unchecked = [], 0, 0, 0
    for e in (e for e in events if e["type"] == "off_route"):
        route = _active(routes, e["t"] - 1e-6)
        where = truth_at(truth, e["t"])
        offset = _offset(route, *where) if route and where else None
        lat, lon = (e["lat"], e["lon"]) if "lat" in e else _place(walked, e["t"])
        values = {"offset": offset, "said_offset": e.get("distance_m")}
        if offset is None:
            unchecked += 1
            found.append(Finding("alarm_unchecked", True, e["t"], lat, lon, values))
        elif offset <= limit:
            false += 1
            found.append(Finding("false_alarm", True, e["t"], lat, lon, values))
        else:
            real += 1
            found.append(Finding("real_alarm", False, e["t"], lat, lon, values))
    alarms = [e["t"] for e in events if e["type"] == "off_route"]
    for start, end, lat, lon in _departures(routes, truth, limit):
        if end - start >= MISSED_DEPARTURE_S and not any(start <= t <= end + 1 for t in alarms):
            found.append(Finding("missed_departure", True, start, lat, lon,
                                 {"seconds": end - start}))
    return found, false, real, unchecked


def _departures(routes, truth, limit) -> list[tuple[float, float, float, float]]:
    """(from, to, lat, lon) of each stretch the true track spent off its active route."""
    runs: list[tuple[float, float, float, float]] = []
    start = None
    for f in truth.timed:
        route = _active(routes, f.t)
        offset = _offset(route, f.lat, f.lon) if route else None
        if offset is not None and offset > limit:
            if start is None:
                start = f
            continue
        if start is not None:
            runs.append((start.t, f.t, start.lat, start.lon))
            start = None
    if start is not None:
        runs.append((start.t, truth.timed[-1].t, start.lat, start.lon))
    return runs


def _instructions(routes, announcements, walked) -> tuple[list[Finding], int, int]:
    found, late, missing = [], 0, 0
    for route in routes:
        window = [f for f in walked if route.t_from <= f.t < route.t_to]
        maneuvers = route.body.get("maneuvers") or []
        for i, m in enumerate(maneuvers):
            loc = m.get("location") or {}
            if m.get("type") not in INSTRUCTED_TYPES or "lat" not in loc or i == 0:
                continue
            reached = time_at_point(window, loc["lat"], loc["lon"], REACHED_RADIUS_M)
            if reached is None:
                continue
            said = [a for a in announcements if a.get("route") == route.route_id
                    and a.get("kind") in ("instruction", "depart")
                    and (a.get("maneuver") == i or i in chained_points(a, maneuvers))]
            values = {"index": i, "route": route.route_id, "text": m.get("text", "")}
            if not said:
                missing += 1
                found.append(Finding("missing", True, reached, loc["lat"], loc["lon"], values))
                continue
            first = min(said, key=said_at)
            delay = said_at(first) - reached
            if delay > LATE_AFTER_S:
                late += 1
                queued = first.get("queued_t")
                wait = None if queued is None else said_at(first) - queued
                found.append(Finding("late", True, said_at(first), loc["lat"], loc["lon"],
                                     {**values, "delay": delay, "wait": wait}))
    return found, late, missing


def _silences(routes, announcements, walked, t_end) -> list[Finding]:
    if not routes:
        return []
    times = sorted(said_at(a) for a in announcements if said_at(a) >= routes[0].t_from)
    marks = [routes[0].t_from, *times, t_end]
    found = []
    for a, b in zip(marks, marks[1:], strict=False):
        if b - a > SILENT_S:
            found.append(Finding("silent", True, a, *_place(walked, (a + b) / 2),
                                 {"seconds": b - a}))
    return found


def _worst(estimates: Sequence[Fix], truth: Truth) -> tuple[list[Finding], float | None]:
    errs = errors(estimates, truth)
    if not errs:
        return [], None
    t, worst = max(errs, key=lambda te: te[1])
    lat, lon = _place(estimates, t)
    return [Finding("worst_error", worst > WORST_ERROR_BAD_M, t, lat, lon,
                    {"metres": worst})], worst


def verdict(events: Sequence[dict], truth: Truth) -> Verdict:
    """Everything the summary box says about one walk's log (``events`` as read, upgraded)."""
    t_end = max((e["t"] for e in events), default=0.0)
    announcements = [e for e in events if e["type"] == "announcement"]
    estimates = track(events)
    walked = truth.timed or estimates
    routes = _routes(events, t_end + 1.0)
    arrival, arrived, said = _arrival(events, announcements, walked, t_end)
    alarms, false, real, unchecked = _alarms(events, routes, truth, walked,
                                             _off_route_m(events))
    instructions, late, missing = _instructions(routes, announcements, walked)
    arrived_t = next((e["t"] for e in events if e["type"] == "arrival"), t_end)
    silences = _silences(routes, announcements, walked, arrived_t)
    worst, worst_m = _worst(estimates, truth)
    findings = [*arrival, *sorted([*alarms, *instructions, *silences], key=lambda f: f.t or 0.0),
                *worst]
    labelled = [Finding(f.kind, f.bad, f.t, f.lat, f.lon, f.values, str(n))
                for n, f in enumerate(findings, start=1)]
    return Verdict(labelled, arrived, said, false, real, unchecked, late, missing,
                   len(silences), worst_m)
