"""The route request: validate, snap, cost, search, fall back if the detour is too long, describe.

Per-profile cost vectors (and their search matrices) are cached per option set, so a request
without overlays pays only for the Dijkstra search and the description.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from accessibility import messages
from lotse_common import ATTRIBUTION
from lotse_common.geodesy import distance_m
from routing_service.bidirectional import BidirectionalGraph, kernel_available
from routing_service.compiled import WalkNetwork
from routing_service.costs import SPEED_M_S, STEPS_EXTRA_S, CostModel
from routing_service.errors import InvalidRequest, NoRoute
from routing_service.hierarchy import HierarchyGraph
from routing_service.hierarchy import kernel_available as hierarchy_available
from routing_service.leg import build_leg
from routing_service.maneuvers import Describer
from routing_service.options import MAX_DETOUR_FACTOR, PROFILES, RouteOptions
from routing_service.overlays import (
    Overlay,
    OverlayProvider,
    active_overlays,
    apply_overlays,
    overlay_key,
)
from routing_service.pathfind import PairGraph, Path, Weights

if hierarchy_available():  # LOTSE_SEARCH=bidirectional or =scipy chooses a fallback
    SearchGraph: type = HierarchyGraph
elif kernel_available():
    SearchGraph = BidirectionalGraph
else:  # a source checkout without the compiled kernel: scipy's Dijkstra, with a radius
    SearchGraph = PairGraph

log = logging.getLogger(__name__)

LANGS = ("de", "en")
LOCAL_TZ = ZoneInfo("Europe/Berlin")
#: local hours counted as dark for the lit=no rule (a year-round simplification of dusk)
NIGHT_FROM_H, NIGHT_UNTIL_H = 20, 7
#: cost vectors kept per (profile, options, night, set of active overlays)
COST_CACHE_SIZE = 32
#: first search radius, in cost per metre of straight-line distance (+ SEARCH_SLACK_M): the
#: 95th percentile of cost/crow-fly over 1,000 random whole-city pairs. Dijkstra with a limit is
#: exact for everything within it, so a route found inside is optimal; otherwise we search on.
SEARCH_RADIUS = {"walk": 1.5, "blind": 3.3, "low_vision": 2.8}
SEARCH_SLACK_M = 50.0
#: the plain walk is at least the straight line between the snapped points; edge lengths are
#: great-circle, the line is equirectangular: this margin keeps the bound safely below the truth
CROW_BOUND_SHARE, CROW_BOUND_SLACK_M = 0.99, 1.0

#: options are frozen: the default and the detour check's (hard choices only) are made once
DEFAULT_OPTIONS = RouteOptions()
HARD_OPTIONS = {(steps, signals): RouteOptions(avoid_steps=steps, prefer_tactile_paving=False,
                                               signalled_crossings_only=signals)
                for steps in (False, True) for signals in (False, True)}


def _warning(key: str, lang: str, **values: object) -> str:
    """A route warning in the walker's language, from the catalogue (`route.warning.*`)."""
    return messages.text(f"route.warning.{key}", lang, **values)


@dataclass
class Route:
    """A described route; ``to_dict()`` is exactly the body of POST /v1/routes."""

    profile: str
    lang: str
    distance_m: float
    duration_s: float
    coords: np.ndarray
    maneuvers: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    #: directed edges walked, in order (for tests, map matching and re-routing; not in the body)
    edges: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "distance_m": round(self.distance_m, 1),
            "duration_s": round(self.duration_s, 1),
            "geometry": {"type": "LineString",
                         "coordinates": np.round(self.coords, 7).tolist()},
            "maneuvers": self.maneuvers,
            "warnings": self.warnings,
            "attribution": ATTRIBUTION,
            "profile": self.profile,
            "lang": self.lang,
        }


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Straight-line distance in metres between two (lat, lon) points."""
    return distance_m(a, b)


def check_point(name: str, point: tuple[float, float]) -> tuple[float, float]:
    try:
        lat, lon = float(point[0]), float(point[1])
    except (TypeError, ValueError, IndexError) as exc:
        raise InvalidRequest(f"{name}: expected (lat, lon)") from exc
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidRequest(f"{name}: latitude must be within ±90 and longitude within ±180",
                             f"{name}: Breite muss zwischen ±90, Länge zwischen ±180 liegen")
    return lat, lon


class Router:
    """Routes over one network; safe to share between requests (caches only grow to a bound)."""

    def __init__(self, network: WalkNetwork) -> None:
        self.net = network
        self.model = CostModel(network)
        self.graph = SearchGraph(network)
        self.bounded_search = isinstance(self.graph, PairGraph)
        # ways meeting at each node (parallel ways count: each is a choice for the walker)
        degree = np.bincount(network.edge_u, minlength=network.n_nodes)
        self.describer = Describer(network, self.model.features, degree)
        self._cache: OrderedDict[tuple, tuple[Weights, dict[int, list[Overlay]]]] = \
            OrderedDict()
        self._lock = threading.Lock()  # callers may route from several threads

    def route(self, origin: tuple[float, float], destination: tuple[float, float],
              profile: str = "blind", options: RouteOptions | None = None, lang: str = "de",
              overlays: OverlayProvider | Iterable[Overlay] | None = None,
              when: datetime | None = None) -> Route:
        if profile not in PROFILES:
            raise InvalidRequest(f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}")
        if lang not in LANGS:
            raise InvalidRequest(f"unknown language {lang!r}; use de or en")
        origin, destination = check_point("from", origin), check_point("to", destination)
        options = options or DEFAULT_OPTIONS
        when = when or datetime.now(UTC)
        if when.tzinfo is None:
            raise InvalidRequest("'when' must carry a time zone")
        warnings: list[str] = []
        factor, out_of_range = MAX_DETOUR_FACTOR.resolve(options.max_detour_factor)
        if out_of_range:
            warnings.append(_warning("option_range", lang, value=factor))

        o_snap = self.net.snap(*origin)
        d_snap = self.net.snap(*destination)
        local_hour = when.astimezone(LOCAL_TZ).hour
        night = local_hour >= NIGHT_FROM_H or local_hour < NIGHT_UNTIL_H
        active = active_overlays(overlays, when)
        weights, touched = self._costs(profile, options, night, active)
        if self.bounded_search:  # scipy searches the whole graph unless told where to stop
            crow = _metres(origin, destination) + SEARCH_SLACK_M
            path = self.graph.shortest(weights, o_snap, d_snap,
                                       limit=SEARCH_RADIUS[profile] * crow) \
                or self.graph.shortest(weights, o_snap, d_snap)
        else:  # the bidirectional search stops where its two halves meet
            path = self.graph.shortest(weights, o_snap, d_snap)
        if path is None:
            raise NoRoute("no route between these points with the chosen options",
                          "Kein Weg zwischen diesen Punkten mit den gewählten Einstellungen")
        if profile != "walk":
            plain = self._plain_within(options, active, o_snap, d_snap, path, factor)
            if plain is not None:
                path = plain
                warnings.append(_warning("detour", lang))
        leg = build_leg(self.net, path)
        maneuvers = self.describer.describe(leg, lang, touched, destination)
        distance = float(sum(leg.lengths))
        edges = leg.edges.tolist()
        steps = int(np.count_nonzero(self.model.features.steps[leg.edges]))
        if steps:
            warnings.append(_warning("steps", lang))
        if any(m.get("crossing") == "unmarked" for m in maneuvers):
            warnings.append(_warning("unmarked", lang))
        duration = distance / SPEED_M_S[profile] + steps * STEPS_EXTRA_S
        return Route(profile, lang, distance, duration, leg.coords, maneuvers, warnings, edges)

    def prepare(self) -> None:
        """Make the search weights of every profile's default options (by day) now: forked
        workers then share them, and their search bounds, instead of each building its own.
        (The detour check's plain walk is the walk profile's default.) The spatial index's
        STRtree, which obstacles are found with, is made now for the same reason."""
        self.net.index.tree  # noqa: B018 - made at first use otherwise
        for profile in PROFILES:
            self._costs(profile, RouteOptions(), False, [])

    def _costs(self, profile: str, options: RouteOptions, night: bool,
               active: list[Overlay]) -> tuple[Weights, dict[int, list[Overlay]]]:
        """Search weights for the request: the profile's cached vector, or a patched copy of it
        cached per set of active overlays (so a standing closure costs nothing per route)."""
        key = (profile, options.avoid_steps, options.signalled_crossings_only,
               options.tactile_for(profile), night)
        if active:
            key = (*key, overlay_key(active))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        if active:
            base, _ = self._costs(profile, options, night, [])
            cost, touched = apply_overlays(self.net, base.cost, active)
            entry = (self._weights(cost, base), touched)
        else:
            # night, no steps, signalled crossings only, no tactile preference: usually dearer
            # than the profile's default by day, whose search bounds then still hold
            plain = DEFAULT_OPTIONS
            base = None if key == (profile, plain.avoid_steps, plain.signalled_crossings_only,
                                   plain.tactile_for(profile), False) \
                else self._costs(profile, plain, False, [])[0]
            entry = (self._weights(self.model.costs(profile, options, night), base), {})
        with self._lock:
            entry = self._cache.setdefault(key, entry)  # one matrix per key, one lock
            if len(self._cache) > COST_CACHE_SIZE:
                self._cache.popitem(last=False)
        return entry

    def _weights(self, cost: np.ndarray, base: Weights | None = None) -> Weights:
        """Search weights of a cost vector. A vector equal to one already cached shares its
        weights (options a profile ignores, darkness where no way is unlit: 20 distinct vectors
        of the whole city's 48 option sets), so a worker keeps each customization once. The
        compiled A* reuses the landmark tables of ``base`` (the same profile without overlays,
        or with default options by day) when ``cost`` is nowhere cheaper (it checks)."""
        digest = hashlib.blake2b(np.ascontiguousarray(cost).data, digest_size=16).digest()
        with self._lock:
            for weights, _ in self._cache.values():
                if weights.digest == digest:
                    return weights
        if self.bounded_search:
            made = self.graph.weights(cost)
        else:
            made = self.graph.weights(cost, lower=base)
        made.digest = digest
        return made

    def _plain_within(self, options: RouteOptions, active: list[Overlay], o_snap, d_snap,
                      path: Path, factor: float) -> Path | None:
        """The plain walk path if the accessible one is more than ``factor`` times longer.

        The plain path keeps the user's hard choices (no steps, signalled crossings only) and
        closures; only preferences are dropped. The search stops at length/factor, so the usual
        case (no long detour) costs a small fraction of a full search; when even the straight
        line between the snapped points is longer than that, no search is needed at all.
        """
        edges, share = path.arrays()
        length = float(np.dot(self.net.edge_length[edges], share))
        crow = _metres((o_snap.lat, o_snap.lon), (d_snap.lat, d_snap.lon))
        if crow * CROW_BOUND_SHARE - CROW_BOUND_SLACK_M > length / factor:
            return None
        hard = HARD_OPTIONS[options.avoid_steps, options.signalled_crossings_only]
        blocks = [o for o in active if o.effect == "block"]
        weights, _ = self._costs("walk", hard, False, blocks)
        return self.graph.shortest(weights, o_snap, d_snap, limit=length / factor)
