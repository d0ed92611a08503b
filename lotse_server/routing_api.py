"""The routing HTTP API: routes, destination search, the compiled graph for offline phones.

Pure routing errors map to clear 4xx answers (bad input 422, outside the service area 422,
no route 404); request validation errors are flattened into one readable ``detail`` line.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import MISSING, fields
from datetime import UTC, datetime
from typing import Any, Literal, get_type_hints

import orjson
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, create_model
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from accessibility import messages
from accessibility.facts import ManeuverFacts
from lotse_common import ATTRIBUTION, NO_TELEMETRY
from routing_service.compiled import WalkNetwork
from routing_service.errors import LotseRoutingError, NoRoute
from routing_service.options import RouteOptions
from routing_service.overlays import OverlayProvider
from routing_service.router import Router

log = logging.getLogger(__name__)


class LatLon(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)


class RouteRequest(BaseModel):
    """Body of POST /v1/routes."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    origin: LatLon = Field(alias="from")
    to: LatLon
    profile: Literal["walk", "blind", "low_vision"] = "blind"
    options: RouteOptions = Field(default_factory=RouteOptions)
    lang: Literal["de", "en"] = "de"
    #: the moment to route for (closures, darkness); default now
    when: AwareDatetime | None = None


class Location(BaseModel):
    lat: float
    lon: float


def _maneuver_fields() -> dict[str, Any]:
    """`ManeuverFacts`' fields as pydantic definitions, then what a route adds or makes required.

    Derived rather than written out again, so the documented schema cannot drift from the facts.
    """
    hints = get_type_hints(ManeuverFacts)
    facts = {f.name: (hints[f.name], ... if f.default is MISSING else f.default)
             for f in fields(ManeuverFacts)}
    return facts | {
        "text": (str, ...),
        "distance_m": (float, ...),
        "at_m": (float, ...),
        "bearing_deg": (float, ...),
        "location": (Location, ...),
        "geometry_index": (int, ...),
    }


Maneuver = create_model(
    "Maneuver",
    __doc__="One maneuver: the ManeuverFacts fields plus where and what to say (documentation).",
    **_maneuver_fields(),
)


class LineString(BaseModel):
    type: Literal["LineString"]
    coordinates: list[list[float]]


class RouteBody(BaseModel):
    """Body of a route answer (documentation; the router builds it as plain JSON)."""

    distance_m: float
    duration_s: float
    geometry: LineString
    maneuvers: list[Maneuver]
    warnings: list[str]
    attribution: str
    profile: str
    lang: str


class ErrorBody(BaseModel):
    detail: str
    message: dict[str, str] | None = None
    error: str | None = None


def _error(status: int, exc: LotseRoutingError, lang: str) -> JSONResponse:
    return JSONResponse(status_code=status,
                        content={"detail": exc.message(lang), "message": exc.messages,
                                 "error": type(exc).__name__})


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            # pydantic's loc here is a character offset, which reads like a field name
            offset = next((p for p in err.get("loc", ()) if isinstance(p, int)), None)
            where = f" at character {offset}" if offset is not None else ""
            parts.append(f"request body: malformed JSON{where}")
            continue
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
        msg = err.get("msg", "invalid")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


def _invalid_body(exc: ValidationError | orjson.JSONDecodeError) -> JSONResponse:
    if isinstance(exc, orjson.JSONDecodeError):
        if "depth limit" in str(exc):
            return JSONResponse(status_code=400,
                                content={"detail": "request body: JSON nested too deeply",
                                         "field": "body"})
        detail = f"request body: malformed JSON at character {exc.pos}"
    else:
        detail = _validation_detail(RequestValidationError(exc.errors()))
    return JSONResponse(status_code=422, content={"detail": detail})


#: the request body as documented: the handler reads the bytes itself (orjson, no thread pool);
#: the models it refers to go into the document's components (``_document_route_body``)
_ROUTE_SCHEMA = RouteRequest.model_json_schema(by_alias=True,
                                               ref_template="#/components/schemas/{model}")
_ROUTE_DEFS = _ROUTE_SCHEMA.pop("$defs", {})
_ROUTE_BODY_DOC = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": _ROUTE_SCHEMA}}}}


def _document_route_body(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schema.setdefault("components", {}).setdefault("schemas", {}).update(_ROUTE_DEFS)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


RouteAnswer = Callable[[bytes], Awaitable[Response]]


def route_answerer(router: Router, provider: OverlayProvider | None) -> RouteAnswer:
    """The answer to a POST /v1/routes body (the raw bytes): parsed by orjson, routed on the
    event loop itself (a route takes about a millisecond of compiled search and numpy, so a
    thread pool hop, and its fight for the GIL, would cost more than it saves)."""

    async def answer(raw: bytes) -> Response:
        try:
            body = RouteRequest.model_validate(orjson.loads(raw))
        except (ValidationError, orjson.JSONDecodeError) as exc:
            return _invalid_body(exc)
        when = body.when or datetime.now(UTC)
        warnings: list[str] = []
        overlays = []
        if provider is not None:
            try:
                from_memory = getattr(provider, "overlays_now", None)
                if from_memory is not None:
                    overlays = list(await from_memory(when))
                else:  # a provider that may read a database: never on the event loop
                    overlays = list(await run_in_threadpool(provider.overlays, when))
            except Exception:  # a broken registry must not stop guidance; say so instead
                log.exception("overlay provider failed")
                warnings.append(messages.text("route.warning.obstacles_unavailable", body.lang))
        try:
            route = router.route((body.origin.lat, body.origin.lon), (body.to.lat, body.to.lon),
                                 profile=body.profile, options=body.options, lang=body.lang,
                                 overlays=overlays, when=when)
        except NoRoute as exc:
            return _error(404, exc, body.lang)
        except LotseRoutingError as exc:
            return _error(422, exc, body.lang)
        data = route.to_dict()
        data["warnings"] = warnings + data["warnings"]
        # serialised once, by orjson, straight from numpy (no .tolist() of the geometry)
        return Response(orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY),
                        media_type="application/json")

    return answer


def route_endpoint(answer: RouteAnswer) -> ASGIApp:
    """POST /v1/routes as a bare ASGI app, for a server to call past the framework's routing
    and per-request wrappers (``lotse_server.middleware.HotPaths``): they cost about a fifth
    of a route's time. A body over its limit (raised while reading) is answered here, as the
    framework's handler would."""

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        chunks, more = [], True
        try:
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
        except HTTPException as exc:
            response: Response = JSONResponse({"detail": exc.detail, "field": "body"},
                                              status_code=exc.status_code)
        else:
            response = await answer(b"".join(chunks))
        await response(scope, receive, send)

    return endpoint


def routes_router(answer: RouteAnswer) -> APIRouter:
    api = APIRouter(prefix="/v1/routes", tags=["routes"])

    @api.post("", summary="An accessible walking route with spoken-ready maneuvers",
              response_class=JSONResponse, openapi_extra=_ROUTE_BODY_DOC,
              responses={200: {"model": RouteBody}, 404: {"model": ErrorBody},
                         422: {"model": ErrorBody}})
    async def post_route(request: Request) -> Response:
        return await answer(await request.body())

    return api


def places_router(net: WalkNetwork) -> APIRouter:
    api = APIRouter(prefix="/v1/places", tags=["places"])

    @api.get("/search", summary="Destinations by name, tolerant of typos and umlaut spellings")
    def search(q: str = Query(min_length=1, max_length=200),
               limit: int = Query(10, ge=1, le=50)) -> dict[str, Any]:
        return {"query": q, "results": net.search_places(q, limit=limit),
                "attribution": ATTRIBUTION}

    return api


def graph_router(net: WalkNetwork) -> APIRouter:
    api = APIRouter(prefix="/v1/graph", tags=["graph"])
    cache: dict[str, bytes] = {}

    @api.get("/{graph_hash}", summary="The compiled walk graph (.npz, no pickle) for offline use",
             response_class=Response)
    def graph(graph_hash: str, request: Request) -> Response:
        if graph_hash != net.graph_hash:
            return JSONResponse(status_code=404, content={
                "detail": f"unknown graph {graph_hash!r}; this service has {net.graph_hash}"})
        etag = f'"{net.graph_hash}"'
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag})
        if "body" not in cache:
            path = net.compiled_path
            cache["body"] = path.read_bytes() if path and path.is_file() else net.to_bytes()
        return Response(cache["body"], media_type="application/octet-stream",
                        headers={"ETag": etag, "Cache-Control": "public, max-age=86400",
                                 "Content-Disposition":
                                     f'attachment; filename="lotse-graph-{net.graph_hash}.npz"'})

    return api


def create_app(network: WalkNetwork, overlay_provider: OverlayProvider | None = None,
               router: Router | None = None) -> FastAPI:
    """The routing API over one network (and its router, if one is already built: forked
    workers share it); ``lotse serve`` mounts the registry beside it."""
    app = FastAPI(title="Lotse routing", version="0.1.0", telemetry=NO_TELEMETRY,
                  description=f"Accessible pedestrian routing. Map data {ATTRIBUTION}.")
    router = router or Router(network)
    app.state.network, app.state.router = network, router

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": _validation_detail(exc)})

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "graph_hash": network.graph_hash, "nodes": network.n_nodes,
                "edges": network.n_edges, "bbox": list(network.bbox), "attribution": ATTRIBUTION}

    answer = route_answerer(router, overlay_provider)
    app.include_router(routes_router(answer))
    #: endpoints a server may call directly (method, path): the same answers, fewer layers
    app.state.hot_paths = {("POST", "/v1/routes"): route_endpoint(answer)}
    _document_route_body(app)
    app.include_router(places_router(network))
    app.include_router(graph_router(network))
    return app
