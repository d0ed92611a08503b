"""Where routes come from: the server (online) or the routing core on the phone (offline).

Asking the server is optional (`prefer_server`): with a downloaded bundle the phone routes itself
and the server never sees the trip. When the server is asked and cannot answer, the phone falls
back to its own router and says so — the mode is part of every answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx

log = logging.getLogger(__name__)

TIMEOUT_S = 10.0


class RoutingUnavailable(RuntimeError):
    """Neither the server nor a local network can route; one readable line."""


class RoutePlanner:
    """Routes and place search, online or offline."""

    def __init__(self, *, server_url: str | None = None, network: Any = None,
                 obstacles: Sequence[dict[str, Any]] = (), prefer_server: bool = True,
                 http: httpx.Client | None = None) -> None:
        self.server_url = server_url.rstrip("/") if server_url else None
        self.network = network
        self.prefer_server = prefer_server and bool(server_url)
        self._http = http
        self._router = None
        self._overlays = _overlays(obstacles)

    @property
    def http(self) -> httpx.Client:
        """One client for all requests (kept connections); created when first needed."""
        if self._http is None:
            self._http = httpx.Client(timeout=TIMEOUT_S)
        return self._http

    @http.setter
    def http(self, client: httpx.Client) -> None:
        self._http = client

    @property
    def router(self) -> Any:
        if self._router is None and self.network is not None:
            from routing_service.router import Router

            self._router = Router(self.network)
        return self._router

    def route(self, origin: tuple[float, float], destination: tuple[float, float], *,
              profile: str = "blind", options: dict[str, Any] | None = None, lang: str = "de",
              when: datetime | None = None) -> tuple[dict[str, Any], str]:
        """(route body, "online" or "offline"). Routing errors (no route, outside) propagate."""
        options = options or {}
        if self.prefer_server:
            try:
                return self._route_online(origin, destination, profile, options, lang), "online"
            except (httpx.HTTPError, RoutingUnavailable) as exc:
                if self.router is None:
                    raise RoutingUnavailable(f"server not reachable and no offline map: {exc}") \
                        from None
                log.warning("server routing failed (%s); routing on the phone", exc)
        if self.router is None:
            raise RoutingUnavailable("no offline map on the phone and server routing is off")
        from routing_service.options import RouteOptions

        route = self.router.route(origin, destination, profile=profile,
                                  options=RouteOptions(**options), lang=lang,
                                  overlays=self._overlays, when=when)
        return route.to_dict(), "offline"

    def _route_online(self, origin: tuple[float, float], destination: tuple[float, float],
                      profile: str, options: dict[str, Any], lang: str) -> dict[str, Any]:
        http = self.http
        body = {"from": {"lat": origin[0], "lon": origin[1]},
                "to": {"lat": destination[0], "lon": destination[1]},
                "profile": profile, "options": options, "lang": lang}
        resp = http.post(f"{self.server_url}/v1/routes", json=body)
        if 400 <= resp.status_code < 500:
            from routing_service.errors import InvalidRequest

            raise InvalidRequest(_detail(resp))
        if resp.status_code != 200:
            raise RoutingUnavailable(f"server answered HTTP {resp.status_code}")
        return resp.json()

    def search(self, q: str, limit: int = 10) -> list[dict[str, Any]]:
        """Place search on the phone's map (no query leaves the phone) or on the server."""
        if self.network is not None:
            return list(self.network.search_places(q, limit=limit))
        if not self.server_url:
            raise RoutingUnavailable("no map on the phone and no server")
        resp = self.http.get(f"{self.server_url}/v1/places/search", params={"q": q, "limit": limit})
        resp.raise_for_status()
        data = resp.json()
        return list(data.get("results", data) if isinstance(data, dict) else data)


def _detail(resp: httpx.Response) -> str:
    try:
        data = resp.json()
        return str(data.get("detail") or data.get("error") or data)
    except ValueError:
        return f"HTTP {resp.status_code}"


def _overlays(obstacles: Sequence[dict[str, Any]]) -> list[Any]:
    if not obstacles:
        return []
    from routing_service.overlays import overlay_from_geojson

    out = []
    for ob in obstacles:
        try:
            out.append(overlay_from_geojson(ob))
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("ignoring unusable obstacle %s: %s", ob.get("id"), exc)
    return out
