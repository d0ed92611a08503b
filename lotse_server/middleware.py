"""Pure ASGI middleware around the whole service: security headers, query guard, body limit,
the busiest endpoints' short way in (admission and load shedding: `admission.py`).

Pure ASGI (not BaseHTTPMiddleware) so each costs a few microseconds and never buffers a body.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from beacon_registry.input_rules import unsafe_char

log = logging.getLogger(__name__)

#: for HTML pages: scripts, styles and images from this origin only, never framed
HTML_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
#: for everything else (JSON, CSV, files): nothing may be loaded or run
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
#: FastAPI's interactive docs load Swagger UI from a CDN; they keep working without a CSP
DOCS_PATHS = ("/docs", "/redoc")
#: probes answer however busy the service is
PROBE_PATHS = ("/healthz", "/readyz")
#: the pages' scripts and styles: files read from disk, never held or shed, because a page
#: that loaded without one of its scripts is broken in a way its user cannot tell
ASSET_PREFIX = "/web/static/"


async def send_json(send: Send, status: int, body: dict, headers: dict[str, str] | None = None):
    """A complete JSON response straight from middleware (the app is not called)."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    head += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": raw})


class SecurityHeaders:
    """nosniff, no framing, no referrer, a CSP by content type; the server names nothing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(DOCS_PATHS)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"server"]
                ctype = next((v for k, v in headers if k == b"content-type"), b"")
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                own = any(k == b"content-security-policy" for k, _ in headers)
                if not docs and not own:  # a page that sets its own policy knows what it needs
                    csp = HTML_CSP if ctype.startswith(b"text/html") else DATA_CSP
                    headers.append((b"content-security-policy", csp.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes its limit; answered as JSON 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body exceeds the limit of {limit} bytes")


class BodyLimit:
    """Every request body is bounded: `default` bytes, or the limit of the first pattern that
    matches the path (file uploads). Refused by Content-Length before reading, and again while
    streaming, so a 200 MB body is never held in memory.
    """

    def __init__(self, app: ASGIApp, default: int, uploads: dict[str, int]) -> None:
        self.app, self.default = app, default
        self.uploads = [(re.compile(pattern), limit) for pattern, limit in uploads.items()]

    def limit_for(self, path: str) -> int:
        return next((lim for pattern, lim in self.uploads if pattern.fullmatch(path)),
                    self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_json(send, 413, {"detail": BodyTooLarge(limit).detail, "field": "body"})
            return
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, bounded, send)


class QueryTextGuard:
    """Refuse a path or query parameter holding control, bidi or zero-width characters (422).

    Bodies are checked by their schemas; this covers every parameter of every endpoint at once.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = _query_problem(scope)
            if problem is not None:
                field, detail = problem
                await send_json(send, 422, {"detail": f"{field}: {detail}", "field": field})
                return
        await self.app(scope, receive, send)


class HotPaths:
    """The busiest endpoints, by (method, path), straight to their own ASGI apps: past the
    framework's exception wrappers, routing and per-request objects, which cost about a fifth
    of a route's time. Installed inside the other middleware, so admission, limits, query
    checks and headers hold for them as for every request; an error they raise still reaches
    the app's outermost handler (JSON 500)."""

    def __init__(self, app: ASGIApp, paths: dict[tuple[str, str], ASGIApp]) -> None:
        self.app, self.paths = app, paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            hot = self.paths.get((scope["method"], scope["path"]))
            if hot is not None:
                await hot(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _query_problem(scope: Scope) -> tuple[str, str] | None:
    bad = unsafe_char(scope["path"])
    if bad:
        return "path", f"contains a control, bidi or zero-width character ({bad})"
    raw = scope.get("query_string", b"")
    if not raw:
        return None
    try:
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return "query", "the query string is not valid UTF-8"
    for name, value in pairs:
        bad = unsafe_char(name) or unsafe_char(value)
        if bad:
            return name if not unsafe_char(name) else "query", (
                f"contains a control, bidi or zero-width character ({bad})"
            )
    return None
