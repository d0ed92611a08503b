"""Turn the registry's exceptions and request validation errors into one-line JSON answers."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from beacon_registry.errors import ImportRejected, RegistryError, field_and_message

logger = logging.getLogger(__name__)


def _registry_error(_request: Request, exc: RegistryError) -> JSONResponse:
    body = {"detail": str(exc), "field": exc.field}
    if isinstance(exc, ImportRejected):
        body["report"] = exc.report
    return JSONResponse(body, status_code=exc.status)


def _database_unavailable(_request: Request, exc: OperationalError) -> JSONResponse:
    """A locked SQLite file or a lost PostgreSQL connection: nothing was written, try again."""
    logger.error("registry database unavailable: %s", str(exc).splitlines()[0])
    return JSONResponse(
        {"detail": "the registry database is busy or unreachable; try again", "field": None},
        status_code=503,
        headers={"Retry-After": "5"},
    )


def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    err = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    loc = [str(p) for p in err["loc"] if p not in ("body", "query", "path")]
    field, msg = field_and_message(loc, str(err["msg"]))
    named = field is None or msg.startswith(f"{field} ")  # "uuid is required …" names it already
    detail = msg if named else f"{field}: {msg}"
    return JSONResponse({"detail": detail, "field": field}, status_code=422)


def install(app: FastAPI) -> None:
    """Add the registry's handlers; an app that already formats validation errors keeps its own."""
    app.add_exception_handler(RegistryError, _registry_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    current = app.exception_handlers.get(RequestValidationError)
    if current in (None, request_validation_exception_handler):
        app.add_exception_handler(RequestValidationError, _validation_error)
