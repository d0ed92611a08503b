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

logger = logging.getLogger(__name__)

#: order matters: fixed paths (/beacons/export, /beacons/health) before /beacons/{id}
ROUTERS = (
    public.router,
    bundle.router,
    bulk.router,
    health.router,
    logs.tester,
    logs.staff,
    staff.beacons,
    staff.places,
    staff.notices,
    staff.obstacles,
)


def open_registry(
    database_url: str | None = None, area: ServiceArea | None = None, migrate: bool = True
) -> RegistryContext:
    """Engine, schema (upgraded when behind) and session factory for one database."""
    if database_url is None:
        from lotse.paths import settings

        database_url = settings().database_url
    ensure_sqlite_dir(database_url)
    engine = make_engine(database_url)
    if migrate:
        ensure_schema(engine)
    return RegistryContext(make_session_factory(engine), area or default_area())


def mount(app: FastAPI, ctx: RegistryContext) -> None:
    """Add the registry's public and staff routers and error handlers to an existing app."""
    app.state.registry = ctx
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)


def create_app(
    database_url: str | None = None,
    area: ServiceArea | None = None,
    context: RegistryContext | None = None,
) -> FastAPI:
    app = FastAPI(title="Lotse beacon registry", version="1")
    mount(app, context or open_registry(database_url, area))

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
