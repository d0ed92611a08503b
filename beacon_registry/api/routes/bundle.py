"""`GET /v1/bundle`: the offline area bundle with an ETag; 304 when the phone has it already."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from beacon_registry.api.deps import ContextDep

router = APIRouter(prefix="/v1", tags=["public"])


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


@router.get("/bundle")
async def get_bundle(request: Request, ctx: ContextDep) -> Response:
    # from the in-memory snapshot on the event loop: no database, no thread
    body, etag = ctx.bundle_cache.get(await ctx.snapshots.current(), ctx.area, ctx.now())
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
