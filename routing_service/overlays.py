"""Things OSM does not know, laid over the graph: closures, obstacles, guidance strips.

The registry fills this interface from its database; the core only needs ``overlays(when)``.
An overlay finds its edges through the network's spatial index (every edge within ``radius_m``
of its geometry) and turns their cost off (block), up (penalty) or down (bonus).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from routing_service.compiled import WalkNetwork
from routing_service.errors import InvalidRequest

log = logging.getLogger(__name__)

Effect = Literal["block", "penalty", "bonus"]
#: factors used when an overlay does not say: a penalty triples the cost (as bad as a detour of
#: twice the length), a bonus costs a third (HULOP's tactile paving weight)
DEFAULT_FACTOR: dict[str, float] = {"block": 1.0, "penalty": 3.0, "bonus": 1 / 3}
#: a point obstacle affects the ways within this distance (metres): pavement plus a little
DEFAULT_RADIUS_M = 8.0


@dataclass(frozen=True)
class Overlay:
    """One closure, obstacle or guidance strip (geometry in lon/lat)."""

    id: str
    kind: str
    geometry: BaseGeometry
    effect: Effect
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    factor: float | None = None
    radius_m: float = DEFAULT_RADIUS_M
    description: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.effect not in DEFAULT_FACTOR:
            raise InvalidRequest(f"overlay {self.id}: unknown effect {self.effect!r}")
        if not self.radius_m >= 0:
            raise InvalidRequest(f"overlay {self.id}: radius_m must be 0 or more")
        f = self.cost_factor
        if self.effect == "penalty" and not f > 1 or self.effect == "bonus" and not 0 < f < 1:
            raise InvalidRequest(f"overlay {self.id}: factor {f} does not fit effect "
                                 f"{self.effect!r}")

    @property
    def cost_factor(self) -> float:
        return DEFAULT_FACTOR[self.effect] if self.factor is None else float(self.factor)

    @cached_property
    def wkb(self) -> bytes:
        """The geometry as WKB, made once: the overlay never changes, and every route keys its
        cost patch on it (~10 µs per overlay when made afresh)."""
        return self.geometry.wkb

    @cached_property
    def key(self) -> tuple:
        """What makes this overlay patch costs and name hazards as it does."""
        return (self.id, self.kind, self.effect, self.cost_factor, self.radius_m, self.wkb,
                tuple(sorted(self.description.items())))

    def valid_at(self, when: datetime) -> bool:
        return (self.valid_from is None or _aware(self.valid_from) <= when) and \
            (self.valid_to is None or when < _aware(self.valid_to))


@runtime_checkable
class OverlayProvider(Protocol):
    """Anything that can say which overlays hold at a moment (the registry implements this)."""

    def overlays(self, when: datetime) -> Sequence[Overlay]: ...


class StaticOverlays:
    """A fixed list of overlays: tests, offline bundles, a phone without a server."""

    def __init__(self, overlays: Iterable[Overlay] = ()) -> None:
        self._overlays = list(overlays)

    def overlays(self, when: datetime) -> Sequence[Overlay]:
        return [o for o in self._overlays if o.valid_at(when)]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_time(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return _aware(value)
    try:
        return _aware(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError as exc:
        raise InvalidRequest(f"overlay {name}: not an ISO time: {value!r}") from exc


def overlay_from_geojson(data: dict[str, Any]) -> Overlay:
    """An overlay from the bundle/registry JSON form of an obstacle.

    Accepts a bare geometry in ``geometry`` or a GeoJSON Feature (properties merged in).
    """
    if data.get("type") == "Feature":
        data = {**data.get("properties", {}), "geometry": data.get("geometry"),
                "id": data.get("id", data.get("properties", {}).get("id"))}
    try:
        geometry = shape(data["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidRequest(f"overlay {data.get('id')}: bad or missing geometry") from exc
    description = {lang: data[f"description_{lang}"] for lang in ("de", "en")
                   if data.get(f"description_{lang}")}
    return Overlay(
        id=str(data.get("id")), kind=str(data.get("kind") or "obstacle"), geometry=geometry,
        effect=data.get("effect", "block"),
        valid_from=_parse_time(data.get("valid_from"), "valid_from"),
        valid_to=_parse_time(data.get("valid_to"), "valid_to"),
        factor=data.get("factor"), radius_m=float(data.get("radius_m") or DEFAULT_RADIUS_M),
        description=description)


def active_overlays(source: OverlayProvider | Iterable[Overlay] | None,
                    when: datetime) -> list[Overlay]:
    """Overlays valid at ``when``, whether given as a provider or a plain list."""
    if source is None:
        return []
    # duck-typed rather than isinstance(source, OverlayProvider): a runtime protocol check
    # costs tens of microseconds per route
    provide = getattr(source, "overlays", None)
    items = provide(when) if callable(provide) else source
    return [o for o in items if o.valid_at(when)]


def overlay_key(overlays: Sequence[Overlay]) -> tuple:
    """What makes a set of overlays patch costs and name hazards as it does: two sets with equal
    keys give the same cost vector and the same hazard texts (validity is checked per route)."""
    return tuple(sorted(o.key for o in overlays))


#: edges found per overlay geometry, kept between requests (a spatial query each otherwise)
_EDGES_CACHE_SIZE = 512


def _edges_of(net: WalkNetwork, overlay: Overlay) -> np.ndarray:
    cache = net._extra.setdefault("overlay_edges", {})
    key = (overlay.wkb, overlay.radius_m, overlay.effect == "bonus")
    edges = cache.get(key)
    if edges is None:
        if len(cache) >= _EDGES_CACHE_SIZE:
            cache.pop(next(iter(cache)))
        edges = cache[key] = net.index.edges_near(overlay.geometry, overlay.radius_m,
                                                  along=overlay.effect == "bonus")
    return edges


def apply_overlays(net: WalkNetwork, cost: np.ndarray, overlays: Sequence[Overlay]
                   ) -> tuple[np.ndarray, dict[int, list[Overlay]]]:
    """New cost vector with the overlays applied, and which overlays touch which edges.

    Only the touched edges change; the copy is made once per set of overlays (the router keeps
    it for as long as the same set is active).
    """
    if not overlays:
        return cost, {}
    cost = cost.copy()
    touched: dict[int, list[Overlay]] = {}
    for overlay in overlays:
        edges = _edges_of(net, overlay)
        if overlay.effect == "block":
            cost[edges] = np.inf
        else:
            cost[edges] *= overlay.cost_factor
        for e in edges.tolist():
            touched.setdefault(e, []).append(overlay)
    return cost, touched
