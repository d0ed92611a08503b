"""Answers that depend only on the request target and on data fixed for the life of the process
(the walk network and its place index), kept in memory and given again without routing,
validation or a worker thread.

A place search asks the same names again and again ("Stiftsplatz", "Rathaus"); its answer
comes from the memory-mapped network, which a process never changes (a new extract means a new
process). Only complete 200 answers to GET are kept, at most `max_entries` of them, the least
recently used dropped first.
"""

from __future__ import annotations

from collections import OrderedDict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: answers kept per process (a search answer is a few kB)
MAX_ENTRIES = 2048


class AnswerCache:
    def __init__(self, app: ASGIApp, paths: tuple[str, ...], max_entries: int = MAX_ENTRIES):
        self.app, self.paths, self.max_entries = app, frozenset(paths), max_entries
        self._answers: OrderedDict[bytes, tuple[int, list, bytes]] = OrderedDict()
        #: answers given from memory (tests and the bench read it)
        self.hits = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        key = scope["path"].encode() + b"?" + scope.get("query_string", b"")
        kept = self._answers.get(key)
        if kept is not None:
            self._answers.move_to_end(key)
            self.hits += 1
            status, headers, body = kept
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def keeping(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, list(start.get("headers", [])), b"".join(chunks))
            await send(message)

        await self.app(scope, receive, keeping)

    def _keep(self, key: bytes, headers: list, body: bytes) -> None:
        self._answers[key] = (200, headers, body)
        while len(self._answers) > self.max_entries:
            self._answers.popitem(last=False)
