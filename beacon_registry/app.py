"""The registry as a FastAPI app of its own, or mounted into `lotse serve` with `mount()`."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from beacon_registry.api import errors
from beacon_registry.api.deps import RegistryContext
from beacon_registry.api.routes import bulk, bundle, health, logs, public, staff
from beacon_registry.area import ServiceArea, default_area
from beacon_registry.db import ensure_sqlite_dir, make_engine, make_session_factory
from beacon_registry.migrate import ensure_schema
from lotse_common import NO_TELEMETRY

logger = logging.getLogger(__name__)

#: largest JSON body a single-record request may have; uploads have their own, larger limits
MAX_JSON_BODY = 64_000
#: (router, body limit); order matters: fixed paths (/beacons/export, /beacons/health) come
#: before /beacons/{id}
ROUTERS = (
    (public.router, MAX_JSON_BODY),
    (bundle.router, MAX_JSON_BODY),
    (bulk.router, bulk.MAX_UPLOAD_BYTES),
    (health.router, MAX_JSON_BODY),
    (logs.tester, logs.MAX_LOG_BYTES),
    (logs.staff, MAX_JSON_BODY),
    (staff.beacons, MAX_JSON_BODY),
    (staff.places, MAX_JSON_BODY),
    (staff.notices, MAX_JSON_BODY),
    (staff.obstacles, MAX_JSON_BODY),
)


def open_registry(
    database_url: str | None = None,
    area: ServiceArea | None = None,
    migrate: bool = True,
    pool_size: int | None = None,
) -> RegistryContext:
    """Engine, schema (upgraded when behind) and session factory for one database.

    `pool_size`: connections kept open; the server sizes it to its worker threads so that no
    thread ever waits for a connection (None: SQLAlchemy's default of 5 plus 10 overflow).
    """
    if database_url is None:
        from lotse_common.settings import settings

        database_url = settings().database_url
    ensure_sqlite_dir(database_url)
    pool = {}
    if pool_size is not None and ":memory:" not in database_url:
        pool = {"pool_size": pool_size, "max_overflow": 4, "pool_timeout": 5}
    engine = make_engine(database_url, **pool)
    if migrate:
        ensure_schema(engine)
    return RegistryContext(make_session_factory(engine), area or default_area())


def mount(app: FastAPI, ctx: RegistryContext) -> None:
    """Add the registry's public and staff routers and error handlers to an existing app."""
    app.state.registry = ctx
    errors.install(app)
    for router, limit in ROUTERS:
        app.include_router(router, max_body_size=limit)


def create_app(
    database_url: str | None = None,
    area: ServiceArea | None = None,
    context: RegistryContext | None = None,
) -> FastAPI:
    app = FastAPI(title="Lotse beacon registry", version="1", telemetry=NO_TELEMETRY)
    mount(app, context or open_registry(database_url, area))

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
