"""What a replay report says, computed from events: tracks, errors, decision points, beacons.

Pure data in, plain data out (no matplotlib, no HTML), so each finding can be tested on its own
and the plots and the page only draw what is decided here. Distances are measured in metres in
ETRS89 / UTM zone 32N (EPSG:25832), the projection Kaiserslautern's own surveyors use.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import LineString, Point

from lotse_common.geodesy import to_xy, to_xy_many
from lotse_common.stats import distribution
from tester_log.review.chaining import chained_points

logger = logging.getLogger(__name__)

#: a walker passing within this distance of a decision point has reached it (m)
REACHED_RADIUS_M = 8.0
#: a planned beacon this close to the route should be heard on the walk (m): real phones hear
#: almost nothing of a beacon beyond ~16 m (docs/RADIO.md), so a farther one is not missed
EXPECTED_BEACON_RADIUS_M = 10.0
#: maneuvers of two routes this close, of the same type, are the same decision point (m)
SAME_POINT_M = 8.0
#: an instruction this long after the walker reached the point came late (s)
LATE_AFTER_S = 2.0
#: an instruction this long before the walker reached the point came early (s; ~12 m walked)
EARLY_BEFORE_S = 10.0


def project(lat: Sequence[float] | float, lon: Sequence[float] | float) -> tuple:
    """(lat, lon) in degrees → (x, y) in metres (arrays in, arrays out)."""
    if isinstance(lat, float | int):
        return to_xy(float(lat), float(lon))
    return to_xy_many(lat, lon)


@dataclass(frozen=True)
class Fix:
    """One point of a track: time, place and (for estimates) the stated uncertainty."""

    t: float
    lat: float
    lon: float
    uncertainty_m: float | None = None


def track(events: Iterable[dict], kind: str = "position") -> list[Fix]:
    """The fixes of one event type (position, gps_fix or truth) in time order."""
    fixes = [
        Fix(e["t"], e["lat"], e["lon"], e.get("uncertainty_m", e.get("accuracy_m")))
        for e in events
        if e["type"] == kind
    ]
    return sorted(fixes, key=lambda f: f.t)


@dataclass
class Truth:
    """Where the walker really was: a timed track (simulated walks) or only a line (--truth)."""

    timed: list[Fix] = field(default_factory=list)
    line: list[tuple[float, float]] = field(default_factory=list)  # (lat, lon)

    @property
    def known(self) -> bool:
        return bool(self.timed or self.line)

    def points(self) -> list[tuple[float, float]]:
        return [(f.lat, f.lon) for f in self.timed] or list(self.line)

    def error_m(self, fix: Fix) -> float | None:
        """Distance from an estimate to the truth at its time (or to the true line)."""
        if len(self.timed) >= 2:
            times = np.array([f.t for f in self.timed])
            if not times[0] <= fix.t <= times[-1]:
                return None
            lat = float(np.interp(fix.t, times, [f.lat for f in self.timed]))
            lon = float(np.interp(fix.t, times, [f.lon for f in self.timed]))
            (x0, y0), (x1, y1) = project(lat, lon), project(fix.lat, fix.lon)
            return float(np.hypot(x1 - x0, y1 - y0))
        line = _metric_line(self.points())
        if line is None:
            return None
        return float(line.distance(Point(project(fix.lat, fix.lon))))


def _metric_line(points: Sequence[tuple[float, float]]) -> LineString | None:
    if len(points) < 2:
        return None
    xs, ys = project([p[0] for p in points], [p[1] for p in points])
    return LineString(list(zip(xs, ys, strict=True)))


def route_points(route: dict | None) -> list[tuple[float, float]]:
    """The route's LineString as (lat, lon) pairs ([] without a route)."""
    if not route:
        return []
    coords = (route.get("geometry") or {}).get("coordinates") or []
    return [(float(lat), float(lon)) for lon, lat, *_ in coords]


def errors(fixes: Sequence[Fix], truth: Truth) -> list[tuple[float, float]]:
    """(t, error in metres) for every estimate the truth covers."""
    out = []
    for fix in fixes:
        err = truth.error_m(fix)
        if err is not None:
            out.append((fix.t, err))
    return out


@dataclass(frozen=True)
class ErrorStats:
    count: int
    mean_m: float
    median_m: float
    p95_m: float
    max_m: float


def error_stats(errs: Sequence[tuple[float, float]]) -> ErrorStats | None:
    if not errs:
        return None
    dist = distribution(e for _, e in errs)
    return ErrorStats(dist["n"], dist["mean"], dist["median"], dist["p95"], dist["max"])


def time_at_point(fixes: Sequence[Fix], lat: float, lon: float,
                  radius_m: float = REACHED_RADIUS_M) -> float | None:
    """When a track passed a point: the closest moment of its first visit within ``radius_m``
    (None: never came that close). The closest moment, not the first within the radius, so an
    instruction said right at the point does not count as late."""
    if not fixes:
        return None
    xs, ys = project([f.lat for f in fixes], [f.lon for f in fixes])
    px, py = project(lat, lon)
    dist = np.hypot(np.asarray(xs) - px, np.asarray(ys) - py)
    near = np.flatnonzero(dist <= radius_m)
    if not near.size:
        return None
    start = end = int(near[0])
    while end + 1 < len(dist) and dist[end + 1] <= radius_m:
        end += 1
    return fixes[start + int(np.argmin(dist[start:end + 1]))].t


def said_at(ann: dict) -> float:
    """When an announcement began to play (readers see every version with ``started_t``)."""
    return float(ann.get("started_t", ann["t"]))


def _same_point(m: dict, maneuvers: Sequence[dict]) -> int | None:
    """Index of the map route's maneuver of the same type at the same place as ``m``."""
    loc = m.get("location") or {}
    if "lat" not in loc or "lon" not in loc or m.get("type") == "depart":
        return None
    mx, my = project(loc["lat"], loc["lon"])
    best, best_d = None, SAME_POINT_M
    for i, other in enumerate(maneuvers):
        oloc = other.get("location") or {}
        if other.get("type") != m.get("type") or "lat" not in oloc or "lon" not in oloc:
            continue
        ox, oy = project(oloc["lat"], oloc["lon"])
        d = float(np.hypot(ox - mx, oy - my))
        if d <= best_d:
            best, best_d = i, d
    return best


@dataclass(frozen=True)
class RouteMaps:
    """For each route a log followed (1 = the map's route, 2… re-routes): how many maneuvers it
    had and which of them are the map route's decision points (maneuver index → map index)."""

    sizes: dict[int, int]
    to_map: dict[int, dict[int, int]]
    #: each route's own maneuvers
    maneuvers: dict[int, list[dict]]

    @classmethod
    def of(cls, maneuvers: Sequence[dict], events: Sequence[dict], base: int = 1) -> RouteMaps:
        """``maneuvers`` are route ``base``'s (1: the first route; a re-route's for its own
        table); every other route the log received is mapped onto them by place."""
        routes = [e for e in events
                  if e["type"] == "route_received" and isinstance(e.get("route"), dict)]
        sizes, to_map = {base: len(maneuvers)}, {base: {i: i for i in range(len(maneuvers))}}
        own = {base: list(maneuvers)}
        for n, e in enumerate(routes, start=1):
            rid = int(e.get("route_id", n))
            if rid == base:
                continue
            others = e["route"].get("maneuvers") or []
            own[rid] = list(others)
            sizes[rid] = len(others)
            to_map[rid] = {j: i for j, m in enumerate(others)
                           if (i := _same_point(m, maneuvers)) is not None}
        return cls(sizes, to_map, own)

    def on_map(self, route: object, index: object) -> int | None:
        """The map route's maneuver index for maneuver ``index`` of route ``route``."""
        if not isinstance(route, int) or not isinstance(index, int) or route not in self.sizes:
            return None
        return self.to_map[route].get(index)


#: announcement kinds that say a maneuver: kind -> form in the decision table
_FORMS = {"depart": "at", "instruction": "at", "arrival": "at", "prep": "prep"}


def match_announcements(maneuvers: Sequence[dict], events: Sequence[dict], base: int = 1
                        ) -> dict[tuple[str, int], tuple[float, bool]]:
    """(form, maneuver index on the map route) → (when the first such announcement was heard,
    whether it was said chained to an earlier point's instruction).

    Each announcement names its kind, its maneuver and its route (v2; a v1 log's callout key
    gives the same through ``tester_log.schema.upgrade``); maneuvers of a re-route are the map
    route's when they are of the same type at the same place, so a walk that was re-routed still
    fills the table. An instruction that also says the next decision points (``chained``,
    "… Danach: …") counts for them too (``chaining``). A re-route's "depart" is no decision
    point.
    """
    maps = RouteMaps.of(maneuvers, events, base)
    first: dict[tuple[str, int], tuple[float, bool]] = {}
    announcements = [e for e in events if e["type"] == "announcement"]
    for ann in sorted(announcements, key=said_at):
        form = _FORMS.get(ann.get("kind", ""))
        route = ann.get("route")
        if form is None or not isinstance(route, int) or route not in maps.sizes:
            continue
        if ann["kind"] == "depart" and route != 1:
            continue
        own = maps.sizes[route] - 1 if ann["kind"] == "arrival" else ann.get("maneuver")
        chained = chained_points(ann, maps.maneuvers[route]) if form == "at" else []
        for index in [own, *chained]:
            mapped = maps.on_map(route, index)
            if mapped is not None:
                first.setdefault((form, mapped), (said_at(ann), index != own))
    return first


@dataclass(frozen=True)
class DecisionRow:
    """One decision point: when it was reached, when its hint and instruction came (log, re-run)."""

    index: int
    type: str
    text: str
    at_m: float | None
    reached_t: float | None
    log_t: float | None
    rerun_t: float | None
    log_prep_t: float | None = None
    rerun_prep_t: float | None = None
    #: the instruction was said chained to an earlier point's ("… Danach: …"): early by design
    log_chained: bool = False
    rerun_chained: bool = False

    @property
    def shift_s(self) -> float | None:
        """How much later (+) or earlier (-) the re-run gave the instruction than the log."""
        if self.log_t is None or self.rerun_t is None:
            return None
        return self.rerun_t - self.log_t

    def timing(self, which: str) -> str | None:
        """"late" when the instruction ("log" or "rerun") came more than LATE_AFTER_S after
        the walker reached the point, "early" when more than EARLY_BEFORE_S before it (the
        action belongs at the decision point), else None. Never for "depart"."""
        said = self.log_t if which == "log" else self.rerun_t
        if self.type == "depart" or self.reached_t is None or said is None:
            return None
        if said - self.reached_t > LATE_AFTER_S:
            return "late"
        chained = self.log_chained if which == "log" else self.rerun_chained
        if self.reached_t - said > EARLY_BEFORE_S and not chained:
            return "early"
        return None

    def late(self, which: str) -> bool:
        return self.timing(which) == "late"


def decision_points(route: dict | None, logged: Sequence[dict], rerun: Sequence[dict],
                    walked: Sequence[Fix], base: int = 1) -> list[DecisionRow]:
    """The table of decision points; ``walked`` is the best track known (truth, else estimate)."""
    maneuvers = list((route or {}).get("maneuvers") or [])
    said_log = match_announcements(maneuvers, logged, base)
    said_rerun = match_announcements(maneuvers, rerun, base)
    rows = []
    for i, m in enumerate(maneuvers):
        loc = m.get("location") or {}
        reached = (time_at_point(walked, loc["lat"], loc["lon"])
                   if "lat" in loc and "lon" in loc else None)
        log_at, rerun_at = said_log.get(("at", i)), said_rerun.get(("at", i))
        log_prep, rerun_prep = said_log.get(("prep", i)), said_rerun.get(("prep", i))
        rows.append(DecisionRow(
            i, str(m.get("type", "")), str(m.get("text", "")), m.get("at_m"), reached,
            log_at and log_at[0], rerun_at and rerun_at[0], log_prep and log_prep[0],
            rerun_prep and rerun_prep[0], bool(log_at and log_at[1]),
            bool(rerun_at and rerun_at[1])))
    return rows


@dataclass(frozen=True)
class SpeechDiff:
    """One announcement that differs between log and re-run: said only in one, or at another
    time (``kind`` "only_log", "only_rerun" or "moved")."""

    kind: str
    text: str
    log_t: float | None
    rerun_t: float | None


def speech_diff(logged: Sequence[dict], rerun: Sequence[dict],
                same_within_s: float = 0.01) -> tuple[int, list[SpeechDiff]]:
    """(announcements said alike, the differences) between the log and the re-run, aligned on
    their texts in order (``difflib``), so one added warning does not misalign the rest."""
    a = [e for e in logged if e["type"] == "announcement"]
    b = [e for e in rerun if e["type"] == "announcement"]
    matcher = difflib.SequenceMatcher(a=[e["text"] for e in a], b=[e["text"] for e in b],
                                      autojunk=False)
    alike, diffs = 0, []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
                if abs(said_at(x) - said_at(y)) <= same_within_s:
                    alike += 1
                else:
                    diffs.append(SpeechDiff("moved", x["text"], said_at(x), said_at(y)))
            continue
        diffs += [SpeechDiff("only_log", x["text"], said_at(x), None) for x in a[i1:i2]]
        diffs += [SpeechDiff("only_rerun", y["text"], None, said_at(y)) for y in b[j1:j2]]
    diffs.sort(key=lambda d: d.log_t if d.log_t is not None else d.rerun_t)
    return alike, diffs


@dataclass(frozen=True)
class BeaconRow:
    """One beacon: planned or heard or both; ``flag`` when staff should go and look."""

    key: str
    placement: str
    lat: float | None
    lon: float | None
    expected: bool
    heard: int
    best_rssi: float | None
    #: median (implied − true) distance of its close readings (m); None: unknown
    residual_m: float | None = None

    @property
    def flag(self) -> bool:
        return self.expected and self.heard == 0


def beacon_coverage(adverts: Sequence[dict], plan: Sequence[dict],
                    along: Sequence[tuple[float, float]],
                    radius_m: float = EXPECTED_BEACON_RADIUS_M) -> list[BeaconRow]:
    """Beacons heard vs. expected: a planned beacon within ``radius_m`` of the walked line
    that never appears in the log is flagged (flat battery, moved, stolen, mis-configured).

    ``plan`` entries: {"key", "lat", "lon", "placement"}; ``along`` the route or true line.
    """
    heard: dict[str, list[float]] = {}
    for e in adverts:
        heard.setdefault(e["beacon"], []).append(float(e["rssi"]))
    line = _metric_line(along)
    rows = []
    for b in plan:
        expected = line is not None and line.distance(
            Point(project(b["lat"], b["lon"]))) <= radius_m
        rssis = heard.pop(b["key"], [])
        if expected or rssis:
            rows.append(BeaconRow(b["key"], b.get("placement", ""), b["lat"], b["lon"],
                                  expected, len(rssis), max(rssis) if rssis else None))
    for key, rssis in heard.items():  # heard but not in the plan: unknown or foreign beacons
        rows.append(BeaconRow(key, "", None, None, False, len(rssis), max(rssis)))
    return sorted(rows, key=lambda r: (not r.flag, not r.expected, r.key))
