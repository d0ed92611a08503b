"""Several uvicorn workers forked from one process that has already loaded the router.

Workers started by uvicorn's own ``workers=N`` are fresh interpreters: each imports FastAPI,
SQLAlchemy, numpy and shapely again and builds its own router, so every worker costs as much
memory as the first. Forking after that work instead lets the workers share those pages
copy-on-write (the graph arrays are memory-mapped files anyway); ``gc.freeze()`` keeps the
collector from touching, and so copying, the objects created before the fork. Each worker then
opens its own database connections and serves the one listening socket.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

log = logging.getLogger(__name__)


def listening_socket(host: str, port: int, backlog: int = 4096) -> socket.socket:
    """The workers' shared socket, made with its protocol named (IPPROTO_TCP) and TCP_NODELAY.

    asyncio's loop turns Nagle's algorithm off only on accepted sockets whose protocol is TCP,
    and ``socket.create_server`` leaves the protocol 0: every answer written in two parts (head,
    then body) would then wait for the client's delayed ACK, 40 ms on Linux. Accepted sockets
    inherit both from this one.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def run_workers(make_app: Callable[[], FastAPI], host: str, port: int, workers: int,
                options: dict[str, Any] | None = None) -> int:
    """Fork ``workers`` processes that each serve ``make_app()`` on one shared socket; wait
    for them, passing SIGTERM/SIGINT on. ``options``: uvicorn's settings for each worker.
    Returns 0 when all exited cleanly, else 1."""
    import uvicorn

    sock = listening_socket(host, port)
    gc.freeze()
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the worker: its own app (database engine, event loop), the shared socket
            code = 0
            try:
                config = uvicorn.Config(make_app(), **(options or {"log_level": "info",
                                                                   "server_header": False}))
                uvicorn.Server(config).run(sockets=[sock])
            except BaseException:  # noqa: BLE001 - a worker must never return into the master
                log.exception("worker failed")
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    sock.close()
    log.info("started %d workers on http://%s:%d: %s", workers, host, port, children)

    def pass_on(signum: int, _frame: object) -> None:
        for child in children:
            try:
                os.kill(child, signum)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGINT, pass_on)
    failed = 0
    for child in children:
        _, status = os.waitpid(child, 0)
        # uvicorn re-raises the stop signal after its graceful shutdown: that is a clean end
        failed += os.waitstatus_to_exitcode(status) not in (0, -signal.SIGTERM, -signal.SIGINT)
    return 1 if failed else 0
