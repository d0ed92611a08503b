"""The web pages of ``lotse serve``: the public route planner and the staff console.

``mount_web(app)`` adds them to the app that already serves routing and the registry; they use
the same router, overlays and registry, so there is no second server to run.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles


def mount_web(app: FastAPI, osm_path: Path | None = None, cache_dir: Path | None = None) -> None:
    """Add the pages, their static files and the console's helper endpoints to ``app``.

    Needs ``app.state.router`` (routing) and ``app.state.registry`` (registry) to be set.
    """
    from beacon_registry.overlays import RegistryOverlays
    from lotse_common.settings import settings
    from lotse_server.web import console_api, pages, privacy

    conf = settings()
    app.state.web_overlays = RegistryOverlays(app.state.registry.session_factory)
    app.state.web_settings = conf.model_copy(update={
        "osm_path": osm_path or conf.osm_path, "cache_dir": cache_dir or conf.cache_dir})
    privacy.install()
    app.include_router(pages.router)
    app.include_router(console_api.router)
    app.mount("/web/static", StaticFiles(directory=pages.STATIC_DIR), name="web-static")
