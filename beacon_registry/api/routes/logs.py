"""Tester log upload (role tester) and download for staff."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from beacon_registry.api.deps import CurrentToken, SessionDep, auth_first, require_role
from beacon_registry.api.routes.bulk import read_upload
from beacon_registry.errors import InvalidField, NotFound, NotInstalled
from beacon_registry.input_rules import INT32_MAX
from beacon_registry.models import TesterLog
from beacon_registry.testerlogs import MAX_LOG_BYTES, log_meta, store_log

tester = APIRouter(prefix="/v1/tester", tags=["tester logs"], route_class=auth_first("tester"))
staff = APIRouter(prefix="/v1/staff/logs", tags=["tester logs"], route_class=auth_first("staff"))


@tester.post("/logs", status_code=201, dependencies=[require_role("tester")])
async def upload_log(request: Request, session: SessionDep, token: CurrentToken) -> dict[str, Any]:
    raw = await read_upload(request, MAX_LOG_BYTES)
    return log_meta(store_log(session, token.name, raw))


@staff.get("", dependencies=[require_role("staff")])
def list_logs(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=INT32_MAX)] = 0,
) -> list[dict[str, Any]]:
    stmt = select(TesterLog).order_by(TesterLog.id.desc()).limit(limit).offset(offset)
    return [log_meta(log) for log in session.scalars(stmt)]


@staff.get("/{log_id}", dependencies=[require_role("staff")])
def download_log(log_id: Annotated[int, Path(ge=1, le=INT32_MAX)], session: SessionDep) -> Response:
    log = session.get(TesterLog, log_id)
    if log is None:
        raise NotFound(f"no log with id {log_id}", "id")
    return Response(
        log.content,
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="triplog-{log.id}.jsonl"'},
    )


@staff.get("/{log_id}/report", dependencies=[require_role("staff")],
           response_class=HTMLResponse)
def log_report(
    log_id: Annotated[int, Path(ge=1, le=INT32_MAX)],
    session: SessionDep,
    lang: Annotated[str, Query(pattern="^(de|en)$")] = "de",
) -> HTMLResponse:
    """The tester report of an uploaded log as one HTML page (pictures inlined)."""
    log = session.get(TesterLog, log_id)
    if log is None:
        raise NotFound(f"no log with id {log_id}", "id")
    # imported here: matplotlib loads only when a report is asked for
    try:
        from tester_log.review.server import report_html
    except ImportError as exc:
        raise NotInstalled(f"tester reports need the report extra (pip install "
                           f"'lotse[server,report]'): {exc}", "report") from None

    try:
        page = report_html(log.content, name=f"triplog-{log.id}.jsonl", lang=lang)
    except ValueError as exc:
        raise InvalidField(f"log {log_id} cannot be reported: {exc}", "id") from None
    return HTMLResponse(page)
