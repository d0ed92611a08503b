"""``lotse serve``: one HTTP service over the default (or given) OSM extract.

The routing API is the core; the registry mounts its routers and overlay provider here too.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from fastapi import FastAPI

log = logging.getLogger(__name__)


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"lotse serve: {message}\n")


def build_app(osm_path: Path | None = None, cache_dir: Path | None = None,
              database_url: str | None = None, network=None) -> FastAPI:
    """The whole service as one FastAPI app (raises OsmLoadError for a bad extract).

    The registry serves the network's own area (bbox and graph hash come from the loaded
    network) and feeds its obstacles to the router on every request (no stale cache); the web
    pages (planner at /, console at /console) sit on the same router and registry.
    """
    from beacon_registry.app import mount, open_registry
    from beacon_registry.area import ServiceArea
    from beacon_registry.overlays import RegistryOverlays
    from lotse_common.settings import settings
    from lotse_server.routing_api import create_app
    from lotse_server.web import mount_web
    from routing_service.ingest import load_network

    conf = settings()
    if network is None:
        network = load_network(osm_path or conf.osm_path, cache_dir=cache_dir or conf.cache_dir)
    registry = open_registry(database_url or conf.database_url, ServiceArea.from_network(network))
    app = create_app(network, overlay_provider=RegistryOverlays(registry.session_factory))
    mount(app, registry)
    mount_web(app, osm_path, cache_dir)
    return app


def main(argv: list[str] | None = None) -> int:
    parser = _OneLineParser(prog="lotse serve", description="Run the Lotse HTTP service.")
    parser.add_argument("--osm", type=Path, help="OSM extract; default: the inner-city extract")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # alembic announces each of its plugins at INFO on import: noise before our own first line
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from sqlalchemy.exc import SQLAlchemyError

    from routing_service.errors import LotseRoutingError

    try:
        app = build_app(args.osm)
    except LotseRoutingError as exc:
        print(f"lotse serve: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"lotse serve: registry database: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    import uvicorn

    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
