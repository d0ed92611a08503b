"""Readiness beside liveness: `/healthz` says the process runs (no database, no thread pool),
`/readyz` says it can serve: the graph is loaded and the database answers.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get(
    "/readyz",
    summary="Ready to serve: the walk graph is loaded and the registry database answers",
    responses={
        200: {"description": "ready", "content": {"application/json": {"example": {
            "status": "ready", "database": "ok", "graph_hash": "3f2a…"}}}},
        503: {"description": "not ready (database unreachable or graph missing)"},
    },
)
def readyz(request: Request) -> Any:
    network = getattr(request.app.state, "network", None)
    registry = getattr(request.app.state, "registry", None)
    database = "missing"
    if registry is not None:
        try:
            with registry.session_factory() as session:
                session.execute(text("SELECT 1"))
            database = "ok"
        except SQLAlchemyError as exc:
            log.warning("readiness: database: %s", str(exc).splitlines()[0])
            database = "unreachable"
    graph = network.graph_hash if network is not None else None
    if database == "ok" and graph:
        return {"status": "ready", "database": database, "graph_hash": graph}
    return JSONResponse(
        {"detail": f"not ready: database {database}, graph {'loaded' if graph else 'missing'}",
         "database": database, "graph_hash": graph},
        status_code=503,
        headers={"Retry-After": "5"},
    )
