"""`GET /v1/bundle`: the offline area bundle with an ETag; 304 when the phone has it already."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from beacon_registry.api.deps import ContextDep

router = APIRouter(prefix="/v1", tags=["public"])


#: the ETag of the gzipped body: the plain one with this before its closing quote (a strong
#: ETag names one set of bytes), and an If-None-Match with either form names the same content
GZIP_TAG = "-gzip"


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip().removeprefix("W/").replace(GZIP_TAG + '"', '"') for t in header.split(",")]
    return "*" in tags or etag in tags


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header lets us send gzip: named (or `*`) with a weight above
    zero; a weight we cannot read counts as zero."""
    for item in (header or "").split(","):
        coding, *params = (part.strip().lower() for part in item.split(";"))
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        weight = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    weight = float(param[2:])
                except ValueError:
                    weight = 0.0
        if weight > 0:
            return True
    return False


@router.get("/bundle")
async def get_bundle(request: Request, ctx: ContextDep) -> Response:
    # from the in-memory snapshot on the event loop: no database, no thread
    built = ctx.bundle_cache.built(await ctx.snapshots.current(), ctx.area, ctx.now())
    zipped = accepts_gzip(request.headers.get("accept-encoding"))
    etag = built.etag[:-1] + GZIP_TAG + '"' if zipped else built.etag
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if _matches(request.headers.get("if-none-match"), built.etag):
        return Response(status_code=304, headers=headers)
    if zipped:
        return Response(built.gzipped, media_type="application/json",
                        headers=headers | {"Content-Encoding": "gzip"})
    return Response(built.body, media_type="application/json", headers=headers)
