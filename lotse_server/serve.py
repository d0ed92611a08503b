"""``lotse serve``: one HTTP service over the default (or given) OSM extract.

The routing API is the core; the registry mounts its routers here too. Around both sit the
service-wide guards: body limit, security headers, load shedding, query guard, JSON errors.
The graph is memory-mapped from the files ``lotse build-graph`` wrote. With ``--workers N`` the
router is built once and N workers are forked from it (``prefork``); they share nothing else but
the database (rate limits and sighting counters live there, ETags come from content).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

from fastapi import FastAPI

log = logging.getLogger(__name__)

#: body limit of every endpoint that sets none of its own (routes, probes, search)
MAX_BODY_BYTES = 64_000
#: how uvicorn serves: asyncio's loop accepts every waiting connection at once, where uvloop
#: takes one per turn of a busy loop (a burst of 1,000 new connections then waits seconds
#: unanswered); no server banner; room for a burst in the accept queue
UVICORN_OPTIONS = {"loop": "asyncio", "server_header": False, "backlog": 4096}


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"lotse serve: {message}\n")


def _network(osm_path: Path | None, cache_dir: Path | None, build: bool):
    from lotse_common.settings import settings
    from routing_service.graph_files import build_compiled, open_compiled

    conf = settings()
    osm, cache = osm_path or conf.osm_path, cache_dir or conf.cache_dir
    if build:
        build_compiled(osm, cache)
    return open_compiled(osm, cache)


def build_app(osm_path: Path | None = None, cache_dir: Path | None = None,
              database_url: str | None = None, network=None, build: bool = False,
              router=None, capacity=None, settle_heap: bool = False) -> FastAPI:
    """The whole service as one FastAPI app (raises OsmLoadError for a bad extract, and
    GraphNotBuilt when the extract was never compiled and ``build`` is not asked for).

    The registry serves the network's own area (bbox and graph hash come from the loaded
    network); the router reads its obstacles from an in-memory copy that follows every write
    (``overlay_cache``). The web pages (planner at /, console at /console) sit on the same
    router and registry.
    """
    from beacon_registry.api.routes.bulk import MAX_UPLOAD_BYTES
    from beacon_registry.app import mount, open_registry
    from beacon_registry.area import ServiceArea
    from beacon_registry.testerlogs import MAX_LOG_BYTES
    from lotse_common.settings import settings
    from lotse_server import errors, openapi, probes
    from lotse_server.admission import LoadShedder
    from lotse_server.answer_cache import AnswerCache
    from lotse_server.capacity import Capacity
    from lotse_server.middleware import BodyLimit, HotPaths, QueryTextGuard, SecurityHeaders
    from lotse_server.overlay_cache import CachedRegistryOverlays
    from lotse_server.routing_api import create_app
    from lotse_server.web import mount_web

    conf = settings()
    capacity = capacity or Capacity.from_env()
    if network is None:
        network = _network(osm_path, cache_dir, build)
    registry = open_registry(database_url or conf.database_url, ServiceArea.from_network(network),
                             pool_size=capacity.pool_size)
    app = create_app(network, overlay_provider=CachedRegistryOverlays(registry.snapshots),
                     router=router)
    mount(app, registry)
    mount_web(app, osm_path, cache_dir)
    app.include_router(probes.router)
    errors.install(app)
    openapi.install(app)
    # added innermost first: the shedder sees a request before anything parses it
    app.add_middleware(HotPaths, paths=app.state.hot_paths)
    app.add_middleware(BodyLimit, default=MAX_BODY_BYTES, uploads={
        r"/v1/staff/(beacons|places)/import": MAX_UPLOAD_BYTES,
        r"/console/api/(beacons|places)/import-preview": MAX_UPLOAD_BYTES,
        r"/v1/tester/logs": MAX_LOG_BYTES,
    })
    app.add_middleware(AnswerCache, paths=("/v1/places/search",))  # answers fixed per network
    app.add_middleware(QueryTextGuard)
    app.add_middleware(LoadShedder, concurrency=capacity.concurrency,
                       max_wait_s=capacity.max_wait_s, limit=capacity.max_in_flight,
                       per_turn=capacity.starts_per_turn)
    app.add_middleware(SecurityHeaders)
    app.router.lifespan_context = _serving(app.router.lifespan_context, capacity.threads,
                                           settle_heap)
    return app


def _serving(inner, threads: int, settle_heap: bool):
    """The app's lifespan with the server's own startup steps after the app's: the thread
    pool sized and, for a served process, the heap warmed up and settled (``heap``). Steps of
    the lifespan, not middleware, so no request passes through them."""
    from contextlib import asynccontextmanager

    from lotse_server.capacity import size_thread_pool
    from lotse_server.heap import warm_up_and_settle

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with inner(app) as state:
            size_thread_pool(threads)
            if settle_heap:
                await warm_up_and_settle(app)
            yield state

    return lifespan


#: modules a worker imports only once serving (uvicorn's protocol and loop, anyio's backend)
PRELOADED = ("anyio._backends._asyncio", "uvicorn.protocols.http.httptools_impl",
             "uvicorn.lifespan.on", "uvicorn.loops.asyncio")


def check_ready(osm_path: Path | None = None, build: bool = False):
    """What the workers need, made ready once before they are forked: the graph files (built
    if asked), the registry database (migrated), and the router over the mapped graph, which
    the workers then share. Returns the router."""
    import lotse_server.overlay_cache  # noqa: F401 - imported here, shared by the workers
    import lotse_server.routing_api  # noqa: F401
    from beacon_registry.app import open_registry
    from beacon_registry.area import ServiceArea
    from lotse_common.settings import settings
    from routing_service.router import Router

    network = _network(osm_path, None, build)
    registry = open_registry(settings().database_url, ServiceArea.from_network(network))
    registry.session_factory.kw["bind"].dispose()  # workers open their own connections
    router = Router(network)
    network.index  # noqa: B018 - the spatial index, built before the fork to be shared
    router.prepare()  # the profiles' weights and search bounds, shared by the workers too
    # what each worker would otherwise load after the fork, into pages of its own: the name
    # matcher's compiled scorers, the server's protocol modules, anyio's thread backend
    network.search_places("Markt")
    for module in PRELOADED:
        importlib.import_module(module)
    return router


def main(argv: list[str] | None = None) -> int:
    parser = _OneLineParser(prog="lotse serve", description="Run the Lotse HTTP service.")
    parser.add_argument("--osm", type=Path, help="OSM extract; default: the inner-city extract")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (they share the memory-mapped graph and one "
                             "PostgreSQL or SQLite file)")
    parser.add_argument("--build", action="store_true",
                        help="compile the graph first if 'lotse build-graph' has not")
    parser.add_argument("--access-log", action="store_true",
                        help="log every request (off by default: a line per route costs more "
                             "than the route's own JSON)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # alembic announces each of its plugins at INFO on import: noise before our own first line
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from sqlalchemy.exc import SQLAlchemyError

    from routing_service.errors import LotseRoutingError

    try:
        if args.workers == 1:
            app = build_app(args.osm, build=args.build, settle_heap=True)
        else:
            router = check_ready(args.osm, build=args.build)
            # built once, before the fork, so the workers share its pages; each worker then
            # opens database connections of its own (the pool starts empty in every one)
            app = build_app(args.osm, network=router.net, router=router, settle_heap=True)
            app.state.registry.session_factory.kw["bind"].dispose()
    except LotseRoutingError as exc:
        print(f"lotse serve: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"lotse serve: registry database: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    import uvicorn

    if args.workers == 1:
        uvicorn.run(app, host=args.host, port=args.port, **uvicorn_options(args))
        return 0
    from lotse_server.prefork import run_workers

    try:
        return run_workers(lambda: app, args.host, args.port, args.workers,
                           uvicorn_options(args))
    except OSError as exc:
        print(f"lotse serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1


def uvicorn_options(args: argparse.Namespace) -> dict[str, object]:
    """uvicorn's settings for one worker (the single process or each forked one): the compiled
    HTTP parser, no WebSocket protocol (the service has no WebSocket endpoint), the access log
    only when asked for, and ``UVICORN_OPTIONS``."""
    return {**UVICORN_OPTIONS, "log_level": "info", "http": "httptools", "ws": "none",
            "access_log": args.access_log}
