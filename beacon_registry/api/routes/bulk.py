"""Bulk import and export of beacons and places as CSV or GeoJSON, with a per-row report.

Import rule: `on_error=reject_all` (default) writes nothing if any row is bad and answers 422 with
the report; `on_error=skip` writes the good rows and reports the bad ones (200).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from beacon_registry import service
from beacon_registry.api.deps import ContextDep, CurrentToken, SessionDep, auth_first, require_role
from beacon_registry.errors import InvalidField, PayloadTooLarge
from beacon_registry.importer import import_rows
from beacon_registry.service import BEACON, PLACE, Entity
from beacon_registry.tabular import parse_csv, parse_geojson, to_csv, to_geojson

router = APIRouter(prefix="/v1/staff", tags=["staff: bulk"], route_class=auth_first("staff"))

MAX_UPLOAD_BYTES = 2_000_000
BULK = {"beacons": BEACON, "places": PLACE}


async def read_upload(request: Request, limit: int) -> bytes:
    """The body, refused early by Content-Length and again while streaming (413)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"upload exceeds {limit} bytes", "file")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"upload exceeds {limit} bytes", "file")
        chunks.append(chunk)
    return b"".join(chunks)


def _format(request: Request, fmt: str | None) -> str:
    if fmt:
        return fmt
    ctype = request.headers.get("content-type", "")
    return "csv" if "csv" in ctype else "geojson"


def _entity(kind: str) -> Entity:
    if kind not in BULK:
        raise InvalidField("bulk import/export exists for beacons and places", "resource")
    return BULK[kind]


@router.post("/{kind}/import", dependencies=[require_role("staff")])
async def import_file(
    kind: Literal["beacons", "places"],
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    token: CurrentToken,
    format: Literal["csv", "geojson"] | None = None,  # noqa: A002 - the query parameter's name
    on_error: Literal["reject_all", "skip"] = "reject_all",
) -> dict[str, Any]:
    entity = _entity(kind)
    raw = await read_upload(request, MAX_UPLOAD_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidField("the file must be UTF-8 text", "file") from exc
    csv_file = _format(request, format) == "csv"
    rows = parse_csv(text) if csv_file else parse_geojson(text)
    return import_rows(session, ctx.area, token.name, entity, rows, on_error, csv_file).as_dict()


@router.get("/{kind}/export", dependencies=[require_role("staff")])
def export_file(
    kind: Literal["beacons", "places"],
    session: SessionDep,
    format: Literal["csv", "geojson"] = Query("geojson"),  # noqa: A002
    include_retired: bool = False,
) -> Response:
    entity = _entity(kind)
    stmt = select(entity.model).order_by(entity.model.id)
    if not include_retired:
        stmt = stmt.where(entity.model.status != "retired")
    records = [service.snapshot(entity, o) for o in session.scalars(stmt)]
    if format == "csv":
        return Response(to_csv(entity, records), media_type="text/csv; charset=utf-8")
    return JSONResponse(to_geojson(entity, records), media_type="application/geo+json")
