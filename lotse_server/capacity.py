"""How much one server process takes on at once, and the knobs that make it so.

Most public answers (routes, beacon lookups, the bundle) are worked out on the event loop
itself; sync endpoints (staff writes, imports, search) run in anyio's thread pool, and every
thread may hold one database connection, so the pool has as many connections as there are
threads (plus a few for probes and renewals) and no request waits for a connection.
In front of all of it, `LoadShedder` lets `concurrency` requests run at once, queues the rest
in order, and answers 503 at once when the expected wait passes `max_wait_s` or the process
holds `max_in_flight` requests. Each value can be set from the environment (LOTSE_THREADS,
LOTSE_CONCURRENCY, LOTSE_STARTS_PER_TURN, LOTSE_MAX_WAIT_S, LOTSE_MAX_IN_FLIGHT) without code
changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import anyio.to_thread

#: threads for sync endpoints per process (anyio's default is 40)
DEFAULT_THREADS = 32
#: requests running at once per process. Routes, lookups, the bundle and search are worked out
#: on the event loop, so more at once adds no throughput there: it only makes each turn of the
#: loop longer (a turn runs every request handed a place in the one before), and a new
#: connection needs about five turns before its first answer. 4 keeps a turn near 5 ms at full
#: load and still overlaps a few staff writes waiting on the database in threads.
DEFAULT_CONCURRENCY = 4
#: requests started per turn of the event loop per process: answers worked out on the loop end
#: in the turn they start, so this is what bounds a turn (and with it how soon a new
#: connection, which needs about five turns, is answered)
DEFAULT_STARTS_PER_TURN = 8
#: longest expected wait for a turn before a request is shed instead (seconds)
DEFAULT_MAX_WAIT_S = 1.0
#: requests a process holds at once (running and waiting) before shedding regardless
DEFAULT_MAX_IN_FLIGHT = 1024
#: database connections beyond the threads: the readiness probe and the auth check's session
POOL_MARGIN = 4


@dataclass(frozen=True)
class Capacity:
    threads: int = DEFAULT_THREADS
    concurrency: int = DEFAULT_CONCURRENCY
    starts_per_turn: int = DEFAULT_STARTS_PER_TURN
    max_wait_s: float = DEFAULT_MAX_WAIT_S
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT

    @property
    def pool_size(self) -> int:
        return self.threads + POOL_MARGIN

    @classmethod
    def from_env(cls) -> Capacity:
        env = os.environ.get
        return cls(
            threads=int(env("LOTSE_THREADS", DEFAULT_THREADS)),
            concurrency=int(env("LOTSE_CONCURRENCY", DEFAULT_CONCURRENCY)),
            starts_per_turn=int(env("LOTSE_STARTS_PER_TURN", DEFAULT_STARTS_PER_TURN)),
            max_wait_s=float(env("LOTSE_MAX_WAIT_S", DEFAULT_MAX_WAIT_S)),
            max_in_flight=int(env("LOTSE_MAX_IN_FLIGHT", DEFAULT_MAX_IN_FLIGHT)),
        )


def size_thread_pool(threads: int) -> None:
    """Set the thread pool's size; it can only be set inside the event loop, so this runs in
    the app's lifespan, at startup (``serve.build_app``)."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads
