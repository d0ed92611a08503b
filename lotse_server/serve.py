"""``lotse serve``: one HTTP service over the default (or given) OSM extract.

The routing API is the core; the registry mounts its routers and overlay provider here too.
Around both sit the service-wide guards: body limit, security headers, load shedding, query
guard, JSON errors. With ``--workers N`` uvicorn runs N processes on one port; they share
nothing but the database (rate limits and sighting counters live there, ETags come from content).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from fastapi import FastAPI

log = logging.getLogger(__name__)

#: body limit of every endpoint that sets none of its own (routes, probes, search)
MAX_BODY_BYTES = 64_000


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"lotse serve: {message}\n")


def build_app(osm_path: Path | None = None, cache_dir: Path | None = None,
              database_url: str | None = None, network=None, capacity=None) -> FastAPI:
    """The whole service as one FastAPI app (raises OsmLoadError for a bad extract).

    The registry serves the network's own area (bbox and graph hash come from the loaded
    network) and feeds its obstacles to the router on every request (no stale cache).
    """
    from beacon_registry.api.routes.bulk import MAX_UPLOAD_BYTES
    from beacon_registry.app import mount, open_registry
    from beacon_registry.area import ServiceArea
    from beacon_registry.overlays import RegistryOverlays
    from beacon_registry.testerlogs import MAX_LOG_BYTES
    from lotse_common.settings import settings
    from lotse_server import errors, openapi, probes
    from lotse_server.capacity import Capacity, ThreadPoolSize
    from lotse_server.middleware import BodyLimit, LoadShedder, QueryTextGuard, SecurityHeaders
    from lotse_server.routing_api import create_app
    from routing_service.ingest import load_network

    conf = settings()
    capacity = capacity or Capacity.from_env()
    if network is None:
        network = load_network(osm_path or conf.osm_path, cache_dir=cache_dir or conf.cache_dir)
    registry = open_registry(database_url or conf.database_url, ServiceArea.from_network(network),
                             pool_size=capacity.pool_size)
    app = create_app(network, overlay_provider=RegistryOverlays(registry.session_factory))
    mount(app, registry)
    app.include_router(probes.router)
    errors.install(app)
    openapi.install(app)
    # added innermost first: the shedder sees a request before anything parses it
    app.add_middleware(BodyLimit, default=MAX_BODY_BYTES, uploads={
        r"/v1/staff/(beacons|places)/import": MAX_UPLOAD_BYTES,
        r"/v1/tester/logs": MAX_LOG_BYTES,
    })
    app.add_middleware(QueryTextGuard)
    app.add_middleware(LoadShedder, limit=capacity.max_in_flight)
    app.add_middleware(ThreadPoolSize, threads=capacity.threads)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_env() -> FastAPI:
    """Factory each worker process calls (uvicorn --workers): settings come from the environment."""
    _quiet_logging()
    return build_app()


def _quiet_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # alembic announces each of its plugins at INFO on import: noise before our own first line
    logging.getLogger("alembic").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = _OneLineParser(prog="lotse serve", description="Run the Lotse HTTP service.")
    parser.add_argument("--osm", type=Path, help="OSM extract; default: the inner-city extract")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1,
                        help="processes serving the port (share one PostgreSQL or SQLite file)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    _quiet_logging()
    from sqlalchemy.exc import SQLAlchemyError

    from routing_service.errors import LotseRoutingError

    if args.osm is not None:
        os.environ["LOTSE_OSM_PATH"] = str(args.osm)  # the workers read their settings from here
    try:
        # built once here even with several workers: it compiles the graph and migrates the
        # database before any worker starts, so workers never race on either
        app = build_app(args.osm)
    except LotseRoutingError as exc:
        print(f"lotse serve: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"lotse serve: registry database: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    import uvicorn

    common = {"host": args.host, "port": args.port, "log_level": "info",
              "server_header": False, "backlog": 4096}
    if args.workers == 1:
        uvicorn.run(app, **common)
    else:
        app.state.registry.session_factory.kw["bind"].dispose()
        uvicorn.run("lotse_server.serve:app_from_env", factory=True, workers=args.workers,
                    **common)
    return 0
