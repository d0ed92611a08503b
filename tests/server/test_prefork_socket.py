"""The forked workers' shared socket: answers leave at once, not after the client's delayed ACK.

asyncio's loop turns Nagle's algorithm off only on accepted TCP sockets whose protocol is named;
a socket from ``socket.create_server`` has protocol 0, so every answer written in two parts (head,
body) waited 40 ms for the client's delayed ACK (measured: /healthz with 2 workers at 32
connections 729/s, median 44 ms; with this socket 5,400/s, median 5.7 ms).
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from lotse_server.prefork import listening_socket


def test_listening_socket_names_tcp_and_turns_nagle_off():
    sock = listening_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        sock.close()


def test_connections_accepted_by_asyncio_have_nagle_off():
    async def accepted_nodelay() -> int:
        sock = listening_socket("127.0.0.1", 0)
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = writer.get_extra_info("socket")
            seen.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(handle, sock=sock)
        try:
            _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            value = await asyncio.wait_for(seen, 5)
            writer.close()
            return value
        finally:
            server.close()
            await server.wait_closed()

    assert asyncio.run(accepted_nodelay()) != 0


def test_workers_sockets_share_the_port_and_the_kernel_spreads_connections():
    """Each forked worker listens with a socket of its own (SO_REUSEPORT): new connections go to
    all of them, where one shared socket let the first worker to wake take a whole burst."""
    first = listening_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = listening_socket("127.0.0.1", port)
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(64)]
    try:
        counts = []
        for sock in (first, second):
            sock.setblocking(False)
            n = 0
            while True:
                try:
                    conn, _ = sock.accept()
                except BlockingIOError:
                    break
                conn.close()
                n += 1
            counts.append(n)
        assert sum(counts) == 64 and min(counts) >= 8, counts
    finally:
        for c in clients:
            c.close()
        first.close()
        second.close()


def test_a_port_held_by_another_server_is_refused_not_shared():
    from lotse_server.prefork import _hold_port

    other = listening_socket("127.0.0.1", 0)  # another server's workers, with SO_REUSEPORT
    try:
        with pytest.raises(OSError):
            _hold_port("127.0.0.1", other.getsockname()[1])
    finally:
        other.close()
