"""How much one server process takes on at once, and the knobs that make it so.

Sync endpoints run in anyio's thread pool; every thread may hold one database connection, so
the pool has as many connections as there are threads (plus a few for probes and overlays) and
no request ever waits for a connection. Requests beyond `max_in_flight` are shed with 503
instead of queueing until clients time out. Each value can be set from the environment
(LOTSE_THREADS, LOTSE_MAX_IN_FLIGHT) without code changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

#: threads for sync endpoints per process (anyio's default is 40)
DEFAULT_THREADS = 32
#: requests a process serves at once before shedding; 200 connections fit in one process
DEFAULT_MAX_IN_FLIGHT = 256
#: database connections beyond the threads: the readiness probe and the auth check's session
POOL_MARGIN = 4


@dataclass(frozen=True)
class Capacity:
    threads: int = DEFAULT_THREADS
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT

    @property
    def pool_size(self) -> int:
        return self.threads + POOL_MARGIN

    @classmethod
    def from_env(cls) -> Capacity:
        return cls(
            threads=int(os.environ.get("LOTSE_THREADS", DEFAULT_THREADS)),
            max_in_flight=int(os.environ.get("LOTSE_MAX_IN_FLIGHT", DEFAULT_MAX_IN_FLIGHT)),
        )


class ThreadPoolSize:
    """Sets the thread pool's size when the app starts (it can only be set inside the loop)."""

    def __init__(self, app: ASGIApp, threads: int) -> None:
        self.app, self.threads = app, threads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            anyio.to_thread.current_default_thread_limiter().total_tokens = self.threads
        await self.app(scope, receive, send)
