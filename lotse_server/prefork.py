"""Several uvicorn workers forked from one process that has already loaded the router.

Workers started by uvicorn's own ``workers=N`` are fresh interpreters: each imports FastAPI,
SQLAlchemy, numpy and shapely again and builds its own router, so every worker costs as much
memory as the first. Forking after that work instead lets the workers share those pages
copy-on-write (the graph arrays are memory-mapped files anyway); ``gc.freeze()`` keeps the
collector from touching, and so copying, the objects created before the fork. Each worker then
opens its own database connections and listens on the port with a socket of its own
(SO_REUSEPORT), so the kernel spreads new connections over the workers: on one shared socket,
asyncio's loop accepts every waiting connection at each wake-up, and the first worker to wake
took nearly all of a burst while the other idled (2 workers served fewer routes per second than
one).
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


def listening_socket(host: str, port: int, backlog: int = 4096, *,
                     listen: bool = True) -> socket.socket:
    """A socket on ``host:port`` that other workers' sockets may share (SO_REUSEPORT), made with
    its protocol named (IPPROTO_TCP) and TCP_NODELAY; listening unless ``listen`` is False.

    asyncio's loop turns Nagle's algorithm off only on accepted sockets whose protocol is TCP,
    and ``socket.create_server`` leaves the protocol 0: every answer written in two parts (head,
    then body) would then wait for the client's delayed ACK, 40 ms on Linux. Accepted sockets
    inherit both from this one. A socket bound but not listening holds the port for the
    workers and receives no connections.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        if listen:
            sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def _hold_port(host: str, port: int) -> socket.socket:
    """Bind ``host:port`` for the workers, first without SO_REUSEPORT: a port that another
    server already holds (with SO_REUSEPORT or not) is refused then, never silently shared."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))  # OSError (address in use) when taken
        port = probe.getsockname()[1]
    return listening_socket(host, port, listen=False)


def run_workers(make_app: Callable[[], FastAPI], host: str, port: int, workers: int,
                options: dict[str, Any] | None = None) -> int:
    """Fork ``workers`` processes that each serve ``make_app()`` on ``host:port``; wait for
    them, passing SIGTERM/SIGINT on. ``options``: uvicorn's settings for each worker.
    Returns 0 when all exited cleanly, else 1 (OSError at once when the port is taken)."""
    import uvicorn

    held = _hold_port(host, port)
    port = held.getsockname()[1]
    gc.freeze()
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the worker: its own app (database engine, event loop) and socket
            code = 0
            try:
                held.close()
                sock = listening_socket(host, port)
                app = make_app()  # its heap is settled once its server is up
                config = uvicorn.Config(app, **(options or {"log_level": "info",
                                                                   "server_header": False}))
                uvicorn.Server(config).run(sockets=[sock])
            except BaseException:  # noqa: BLE001 - a worker must never return into the master
                log.exception("worker failed")
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
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
    held.close()
    return 1 if failed else 0
