"""Every error the service gives is JSON with a `detail`, a 500 included.

Translated here, at the boundary: a request body over its limit (413 with the limit), a body
that is not parseable JSON (400 from FastAPI, with a reason), no database connection free in
time (503 with Retry-After: the request waited for the pool, nothing was written), and anything
unexpected (500, logged with its traceback, never shown to the client).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from beacon_registry.errors import field_and_message

log = logging.getLogger(__name__)

#: seconds a client should wait before retrying after a 503
RETRY_AFTER_S = 2


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    if exc.status_code == 413:
        limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY)
        detail = (f"request body exceeds the limit of {limit} bytes"
                  if exc.detail == "Content Too Large" and limit else exc.detail)
        return JSONResponse({"detail": detail, "field": "body"}, status_code=413)
    if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
        return JSONResponse({"detail": "request body: not parseable JSON (malformed or nested "
                                       "too deeply)", "field": "body"}, status_code=400)
    return await http_exception_handler(request, exc)


def _explain(err: dict) -> tuple[str | None, str]:
    """(field, sentence) of one pydantic error; the sentence names the field once."""
    if err.get("type") == "json_invalid":
        # pydantic's loc here is a character offset, which reads like a field name
        offset = next((p for p in err.get("loc", ()) if isinstance(p, int)), None)
        where = f" at character {offset}" if offset is not None else ""
        return "body", f"request body: malformed JSON{where}"
    loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
    field, msg = field_and_message(loc, str(err.get("msg", "invalid")))
    named = field is None or msg.startswith(f"{field} ")  # "uuid is required …" names it
    return field, msg if named else f"{field}: {msg}"


async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 as {"detail", "field"}: every problem in one line, the first one's field."""
    explained = [_explain(err) for err in exc.errors()] or [(None, "invalid request")]
    return JSONResponse({"detail": "; ".join(text for _, text in explained),
                         "field": explained[0][0]}, status_code=422)


def _pool_timeout(_request: Request, exc: PoolTimeout) -> JSONResponse:
    log.warning("no database connection free in time: %s", str(exc).splitlines()[0])
    return JSONResponse(
        {"detail": "the service is busy; try again shortly", "retry_after": RETRY_AFTER_S},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal server error; the problem has been logged"},
                        status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(PoolTimeout, _pool_timeout)
    app.add_exception_handler(Exception, _unexpected)
