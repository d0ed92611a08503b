"""The served process's heap, settled once it is built.

Python's cyclic collector walks every tracked object in a full (oldest-generation) collection.
A built service holds some 150,000 of them (FastAPI's routes and models, the registry, the
router's tables), and a full collection over them held the event loop for 100–230 ms under
load: every request, and the liveness probe, waited behind it. Moving what exists once the app
is built into the permanent generation (``gc.freeze``) leaves the collector only the objects of
requests in flight; those built objects still go when their last reference does. In forked
workers it also keeps the collector from writing to pages shared copy-on-write.

Some of what a served process holds is made only when first asked for: the server's protocol
modules when it starts, anyio's thread backend at the first sync endpoint, the name matcher's
compiled scorers at the first place search, the registry snapshot at the first lookup. Settling
once the server is up and has asked itself a few such requests (`warm_up_and_settle`, run in
the app's lifespan at startup) freezes those too, and spares the first clients the wait.
"""

from __future__ import annotations

import gc
import logging
import time

from starlette.types import ASGIApp, Message, Scope

log = logging.getLogger(__name__)

#: asked of the app itself before settling: what each loads is listed above
WARM_PATHS = ("/readyz", "/v1/bundle", "/v1/places/search?q=Markt")


#: middle-generation collections between two full ones (CPython's default is 10). Under
#: 1,000 connections the requests waiting for their turn hold some 50,000 tracked objects, and
#: a full collection over them every ten seconds or so held the loop for 40-90 ms; the cyclic
#: garbage that reaches the oldest generation stays small (its size did not grow over a minute
#: of such load with full collections left out), so it can wait ten times longer.
FULL_COLLECTION_EVERY = 100
#: allocations of tracked objects, less deallocations, before a young collection (CPython's
#: default is 700). A route's answer builds some thousands of dicts and lists that live until it
#: is sent: at 700 the collector ran several times per route, each time moving the half-built
#: answer a generation up and walking it again (5-7 % of a route's CPU, ~10 % at p99). At 50,000
#: the objects of most requests are gone by reference count before a collection comes; one young
#: collection then walks at most 50,000 objects (a few milliseconds).
YOUNG_COLLECTION_AFTER = 50_000


def settle() -> None:
    """Collect what building the app left over, then freeze the rest out of the collector's
    sight, and make collections rarer; call once the app is built and before serving."""
    gc.collect()
    gc.freeze()
    _, middle, _ = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_AFTER, middle, FULL_COLLECTION_EVERY)


async def ask(app: ASGIApp, target: str, base: Scope) -> int:
    """One GET answered by ``app`` in this process (no socket), in the scope a server would
    give it (with ``base``'s application and state); returns the status."""
    path, _, query = target.partition("?")
    scope: Scope = {k: v for k, v in base.items() if k in ("app", "state")} | {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0),
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def warm_up_and_settle(app: ASGIApp, paths: tuple[str, ...] = WARM_PATHS) -> None:
    """Ask the app `paths`, then settle the heap: for the app's lifespan, once its startup is
    done and before the server takes its first connection."""
    started = time.perf_counter()
    statuses = [await ask(app, path, {"app": app}) for path in paths]
    settle()
    log.info("warmed up (%s) and settled the heap in %.0f ms",
             ", ".join(map(str, statuses)), (time.perf_counter() - started) * 1e3)
