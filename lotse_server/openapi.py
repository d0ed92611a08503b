"""The OpenAPI document says what the server really answers.

FastAPI documents the success and a 422 in its own array form; the service answers every error
as `{"detail", "field"}` and has statuses FastAPI cannot see (body limit, load shedding,
authentication, conflicts, rate limits, probes). Those are added here from one table, checked
by schemathesis in tests/server, so the document and the server cannot drift apart silently.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "one readable sentence"},
        "field": {"type": ["string", "null"], "description": "the input at fault, if one"},
    },
}
BUSY = {
    "type": "object",
    "required": ["detail", "retry_after"],
    "properties": {"detail": {"type": "string"}, "retry_after": {"type": "integer"}},
}
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                                "schema": {"type": "string"}}}

#: statuses every operation can answer, whatever it does
EVERYWHERE = {
    "413": "the request body is over the endpoint's limit",
    "422": "a parameter or the body is invalid (detail names the field)",
    "500": "unexpected server error (logged; nothing about it is shown)",
    "503": "too busy right now, or the database is unreachable: try again after Retry-After",
}
#: (path pattern, methods, statuses) that only some operations answer
SOME = [
    (r"/v1/(staff|tester)/.*|/console/api/.*", "*", {"401": "no valid bearer token",
                                                      "403": "the token's role is not enough"}),
    (r"/v1/routes|/v1/graph/.*|/v1/beacons/lookup|/v1/sightings|/v1/staff/logs/\{.*\}"
     r"|/v1/staff/logs/\{log_id\}/report|/v1/staff/\w+/\{obj_id\}.*"
     r"|/console/api/logs/\{log_id\}/report|/console/api/route-preview|/console/api/speech", "*",
     {"404": "no such record, graph or route"}),
    (r"/v1/staff/\w+(/\{obj_id\}(/retire)?)?", "post patch",
     {"409": "clashes with an existing record, or changed since you read it (version)"}),
    (r"/v1/sightings", "post", {"429": "too many sightings from this address or range"}),
    (r"/v1/bundle|/v1/graph/.*", "get", {"304": "unchanged since the ETag you sent"}),
    (r"/v1/staff/logs/\{log_id\}/report|/console/api/logs/\{log_id\}/report", "get",
     {"501": "this installation lacks the report extra (matplotlib)"}),
    (r"/console/api/speech", "post", {"503": "no voice can be produced on this server"}),
]
#: request bodies the endpoints read themselves (uploads)
UPLOADS = {
    r"/v1/staff/\{kind\}/import": {
        "text/csv": {"schema": {"type": "string"}},
        "application/geo+json": {"schema": {"type": "object"}},
        "application/json": {"schema": {"type": "object"}},
    },
    r"/v1/tester/logs": {"application/x-ndjson": {"schema": {"type": "string"}}},
}
#: media types of answers that are files rather than JSON
FILES = {
    r"/v1/staff/\{kind\}/export": {
        "text/csv": {"schema": {"type": "string"}},
        "application/geo+json": {"schema": {"type": "object"}},
    },
    r"/v1/staff/logs/\{log_id\}": {"application/x-ndjson": {"schema": {"type": "string"}}},
    r"/v1/graph/\{graph_hash\}": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


def _error(description: str, status: str) -> dict[str, Any]:
    schema = "Busy" if status == "503" else "Error"
    body: dict[str, Any] = {"description": description,
                            "content": {"application/json": {
                                "schema": {"$ref": f"#/components/schemas/{schema}"}}}}
    if status in ("503", "429"):
        body["headers"] = _RETRY_AFTER
    if status == "304":
        body.pop("content")
    return body


def amend(doc: dict[str, Any]) -> dict[str, Any]:
    """Add the real error statuses, bodies and media types to FastAPI's document."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"], schemas["Busy"] = ERROR, BUSY
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            responses = op.setdefault("responses", {})
            statuses = dict(EVERYWHERE)
            if "requestBody" in op:
                statuses["400"] = "the body is not parseable JSON (malformed or nested too deep)"
            for pattern, methods, extra in SOME:
                if re.fullmatch(pattern, path) and (methods == "*" or method in methods.split()):
                    statuses.update(extra)
            for status, description in statuses.items():
                if status not in responses or status == "422":
                    responses[status] = _error(description, status)
            for pattern, content in UPLOADS.items():
                if re.fullmatch(pattern, path):
                    op["requestBody"] = {"required": True, "content": content}
            for pattern, content in FILES.items():
                if re.fullmatch(pattern, path):
                    responses["200"]["content"] = content
    return doc


def install(app: FastAPI) -> None:
    """Serve the amended document at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = amend(get_openapi(
                title=app.title, version=app.version, description=app.description,
                routes=app.routes))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
