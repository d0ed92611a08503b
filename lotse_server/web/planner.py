"""The public planner's logic: read the form (or a shared link), find the two places, route.

The page works without JavaScript: the form posts here, the step list comes back as HTML. The
same query string reopens a route, so a companion can be sent the link or print the page.
A place is given by coordinates (the search box fills them) or by name (the first search hit,
as the phone's search would pick it).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from routing_service.compiled import WalkNetwork
from routing_service.errors import LotseRoutingError, NoRoute
from routing_service.options import PROFILES, RouteOptions
from routing_service.overlays import OverlayProvider
from routing_service.router import Router

log = logging.getLogger(__name__)

_LATLON = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
#: the route options the form offers (checkboxes); the names are RouteOptions' fields
OPTION_NAMES = ("avoid_steps", "signalled_crossings_only", "prefer_tactile_paving")
MAX_NAME = 200


class PlannerInputError(ValueError):
    """A form value the planner cannot use; ``key`` names the catalogue message to show."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass
class Endpoint:
    text: str
    lat: float | None = None
    lon: float | None = None

    @property
    def given(self) -> bool:
        return bool(self.text.strip()) or self.lat is not None


@dataclass
class PlanQuery:
    """What the form (or a shared link) asks for."""

    origin: Endpoint
    destination: Endpoint
    profile: str = "blind"
    options: dict[str, bool] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.origin.given and self.destination.given


def _coordinate(value: str | None) -> float | None:
    if value is None or not str(value).strip():
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if -180 <= number <= 180 else None


def read_query(values: dict[str, str]) -> PlanQuery:
    """A PlanQuery from form fields or query parameters (unknown values fall back quietly)."""

    def endpoint(name: str) -> Endpoint:
        text = (values.get(name) or "")[:MAX_NAME]
        lat, lon = _coordinate(values.get(f"{name}_lat")), _coordinate(values.get(f"{name}_lon"))
        if lat is None or lon is None:
            lat = lon = None
        return Endpoint(text, lat, lon)

    profile = values.get("profile") or "blind"
    if profile not in PROFILES:
        profile = "blind"
    options = {name: values.get(name) in ("1", "on", "true") for name in OPTION_NAMES}
    return PlanQuery(endpoint("from"), endpoint("to"), profile, options)


def permalink(query: PlanQuery, lang: str, resolved: tuple[Endpoint, Endpoint]) -> str:
    """The link that reopens this route (names and coordinates, profile, options, language)."""
    params: dict[str, str] = {"lang": lang, "profile": query.profile}
    for name, point in zip(("from", "to"), resolved, strict=True):
        params[name] = point.text
        params[f"{name}_lat"], params[f"{name}_lon"] = f"{point.lat:.6f}", f"{point.lon:.6f}"
    params.update({k: "1" for k, v in query.options.items() if v})
    return "/?" + urlencode(params)


def resolve(net: WalkNetwork, point: Endpoint, which: str) -> Endpoint:
    """Coordinates for an endpoint: given ones, typed "lat, lon", or the first search hit."""
    if point.lat is not None and point.lon is not None:
        return point
    text = point.text.strip()
    if not text:
        raise PlannerInputError(f"planner.error.missing_{which}")
    match = _LATLON.match(text)
    if match:
        return Endpoint(text, float(match.group(1)), float(match.group(2)))
    hits = net.search_places(text, limit=1)
    if not hits:
        raise PlannerInputError("planner.error.not_found", name=text)
    hit = hits[0]
    return Endpoint(hit["name"], float(hit["lat"]), float(hit["lon"]))


@dataclass
class PlanResult:
    origin: Endpoint
    destination: Endpoint
    route: dict[str, Any]
    link: str


def plan(router: Router, provider: OverlayProvider | None, query: PlanQuery, lang: str,
         when: datetime | None = None) -> PlanResult:
    """Resolve both places and route between them (PlannerInputError for what the user can fix)."""
    origin = resolve(router.net, query.origin, "from")
    destination = resolve(router.net, query.destination, "to")
    when = when or datetime.now(UTC)
    overlays = []
    if provider is not None:
        try:
            overlays = list(provider.overlays(when))
        except Exception:  # a broken registry must not stop a plan; the route says less
            log.exception("overlay provider failed")
    options = RouteOptions(**{k: v for k, v in query.options.items() if v})
    try:
        route = router.route((origin.lat, origin.lon), (destination.lat, destination.lon),
                             profile=query.profile, options=options, lang=lang,
                             overlays=overlays, when=when)
    except NoRoute as exc:
        raise PlannerInputError("planner.error.no_route") from exc
    except LotseRoutingError as exc:
        raise PlannerInputError("planner.error.routing", reason=exc.message(lang)) from exc
    return PlanResult(origin, destination, route.to_dict(),
                      permalink(query, lang, (origin, destination)))
