"""Admission in front of the whole app: the first thing a request meets, and the only place
where it may wait.

At most `concurrency` requests run at once, and at most `per_turn` start in one turn of the
event loop; the others wait in arrival order (FIFO), each suspended at no cost to the loop.
Most answers are worked out on the event loop itself without ever suspending, so a request
that starts also ends in the same turn and `concurrency` alone would never hold one back:
every request read from the sockets in one turn would then be answered in the next, all of
them, and with 1,000 connections the clients fall into step, each turn answering all 1,000
(a third of a second) while a new connection, which needs about five turns, waits for all of
it. Starting a few per turn keeps every turn short: a probe or a newly arrived request is looked
at within milliseconds, and waiting requests are served fairly, which keeps the slowest answers
close to the typical one.

A request is answered 503 + Retry-After (JSON) at once, before any work, when its expected
wait is over `max_wait_s` (requests ahead of it / the rate at which places came free over the
last second all places were taken: Little's law with the departure rate actually seen, over a
window long enough that one pause of the process does not shed a burst), when every place is
taken and none has come free for `max_wait_s` (the running requests are stuck, e.g. on a
database that does not answer), or when the process already holds `limit` requests. One that
was let in to wait and still has no turn after twice `max_wait_s` is answered the same way then.
A client is better told to come back than left waiting for an answer it will give up on. The
probes and the pages' static files are never held or shed (a page whose script was shed is
broken without saying so; a page or API answer that is shed says so in its 503).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send

from lotse_server.middleware import ASSET_PREFIX, PROBE_PATHS, send_json


class LoadShedder:
    #: seconds of departures the rate is measured over
    WINDOW_S = 1.0
    #: below this long full, the rate is not known yet and a request may wait (seconds)
    MIN_OBSERVED_S = 0.05

    def __init__(self, app: ASGIApp, concurrency: int, max_wait_s: float, limit: int,
                 retry_after_s: int = 1, clock=time.monotonic, per_turn: int = 8) -> None:
        self.app, self.concurrency, self.max_wait_s = app, concurrency, max_wait_s
        self.limit, self.retry_after_s, self._clock = limit, retry_after_s, clock
        self.per_turn = per_turn
        self.running = 0
        #: requests started in this turn of the loop, and whether the next turn is looked out for
        self._started = 0
        self._turn_watched = False
        self._waiting: deque[asyncio.Future] = deque()
        #: when a place last came free or was taken without waiting
        self._moved_at = clock()
        #: since when every place is taken (None: one is free), and the departures since then
        self._full_since: float | None = None
        self._departures: deque[float] = deque()
        self.shed = 0

    @property
    def in_flight(self) -> int:
        return self.running + len(self._waiting)

    def _full(self) -> bool:
        if self.in_flight >= self.limit:
            return True
        if self.running < self.concurrency and not self._waiting:
            return False  # at most a turn's wait when this turn's starts are used up
        now = self._clock()
        if now - self._moved_at > self.max_wait_s:
            return True  # nothing has finished for a while: the queue is not moving
        return self.expected_wait_s(now) > self.max_wait_s

    def expected_wait_s(self, now: float) -> float:
        """How long a request arriving now would wait: the requests ahead of it over the rate
        at which places came free lately (0 while that rate is not known yet)."""
        if self._full_since is None:
            return 0.0
        observed = min(self.WINDOW_S, now - self._full_since)
        if observed < self.MIN_OBSERVED_S:
            return 0.0
        while self._departures and self._departures[0] < now - observed:
            self._departures.popleft()
        if not self._departures:
            return float("inf")
        return (len(self._waiting) + 1) * observed / len(self._departures)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PROBE_PATHS \
                or scope["path"].startswith(ASSET_PREFIX):
            await self.app(scope, receive, send)
            return
        if self._full() or not await self._admit():
            self.shed += 1
            await send_json(send, 503, {"detail": "the service is busy; try again shortly",
                                        "retry_after": self.retry_after_s},
                            {"Retry-After": str(self.retry_after_s)})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._release()

    async def _admit(self) -> bool:
        """Take a place, waiting for one in turn; False when none came in time."""
        if self.running < self.concurrency and not self._waiting \
                and self._started < self.per_turn:
            self._start()
            self._moved_at = self._clock()
            return True
        if self._full_since is None:
            self._full_since = self._clock()
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            async with asyncio.timeout(2 * self.max_wait_s):
                await turn
            return True
        except (TimeoutError, asyncio.CancelledError):
            if turn.done() and not turn.cancelled():
                self._release()  # the place was handed over just now: pass it on
            elif turn in self._waiting:
                self._waiting.remove(turn)
            if asyncio.current_task().cancelling():
                raise
            return False

    def _start(self) -> None:
        """Count a request as running and as started in this turn; the first start of a turn
        asks the loop to call `_next_turn` at the next one."""
        self.running += 1
        self._started += 1
        if self.running == self.concurrency and self._full_since is None:
            self._full_since = self._clock()  # every place taken: a busy spell begins
        if not self._turn_watched:
            self._turn_watched = True
            asyncio.get_running_loop().call_soon(self._next_turn)

    def _next_turn(self) -> None:
        self._turn_watched = False
        self._started = 0
        self._wake()

    def _wake(self) -> None:
        """Hand free places to the longest waiting requests, as far as this turn allows."""
        while self._waiting and self.running < self.concurrency \
                and self._started < self.per_turn:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                self._start()

    def _release(self) -> None:
        """Give the finished request's place up, to the longest waiting one if this turn
        allows, else at the next turn."""
        now = self._clock()
        self._moved_at = now
        if self._full_since is not None:
            self._departures.append(now)
        self.running -= 1
        if self._waiting:
            self._wake()  # the busy spell goes on: its departures keep counting
        else:
            self._full_since = None  # nobody waits: the next busy spell is measured afresh
            self._departures.clear()
