"""HTTP load on ``POST /v1/routes`` for bench_routing.py: the Python clients and wrk.

The Python clients (httpx) show what one real client sees, including its own cost; wrk sends the
same bodies from C, so on the shared two cores the server, not the client, sets the figure. The
same wrk run on ``GET /healthz`` is the in-run baseline: what one bare HTTP exchange costs here.
"""

from __future__ import annotations

import asyncio
import time

import wrk_driver
from wrk_driver import Request, WrkResult


def route_body(a, b, profile: str = "blind") -> dict:
    return {"from": {"lat": a[0], "lon": a[1]}, "to": {"lat": b[0], "lon": b[1]},
            "profile": profile}


def http_sequential(url: str, pairs, profile: str = "blind") -> tuple[list[float], int]:
    import httpx

    times, errors = [], 0
    with httpx.Client(base_url=url, timeout=10) as client:
        for a, b in pairs:
            body = route_body(a, b, profile)
            t = time.perf_counter()
            errors += client.post("/v1/routes", json=body).status_code != 200
            times.append((time.perf_counter() - t) * 1000)
    return times, errors


async def _clients(url: str, pairs, clients: int, total: int) -> tuple[list[float], float, int]:
    import httpx

    times: list[float] = []
    errors = 0
    todo = iter(range(total))

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for k in todo:
            a, b = pairs[k % len(pairs)]
            body = route_body(a, b)
            t = time.perf_counter()
            try:
                r = await client.post("/v1/routes", json=body)
            except httpx.TransportError:  # e.g. a keep-alive connection closed under us
                errors += 1
                continue
            times.append((time.perf_counter() - t) * 1000)
            errors += r.status_code != 200

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        t = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        return times, time.perf_counter() - t, errors


def python_clients(url: str, pairs, clients: int, total: int) -> tuple[list[float], float, int]:
    """``clients`` httpx connections sending ``total`` routes; (latencies ms, wall s, errors)."""
    return asyncio.run(_clients(url, pairs, clients, total))


def wrk_routes(url: str, pairs, connections: int, seconds: float) -> tuple[WrkResult, WrkResult]:
    """(routes, /healthz baseline) measured by wrk with ``connections`` connections each."""
    routes = wrk_driver.run(url, [Request("POST", "/v1/routes", route_body(a, b))
                                  for a, b in pairs], connections=connections, seconds=seconds)
    floor = wrk_driver.run(url, [Request("GET", "/healthz")], connections=connections,
                           seconds=max(3.0, seconds / 3))
    return routes, floor


def wrk_line(r: WrkResult) -> str:
    bad = sum(n for code, n in r.statuses.items() if code != 200)
    return (f"{r.per_second:.0f}/s; median {r.median_ms:.2f}  p95 {r.p95_ms:.2f}  "
            f"p99 {r.p99_ms:.2f}  max {r.max_ms:.2f} ms (n={r.requests}); non-200: {bad}; "
            f"socket errors: {sum(r.errors[k] for k in ('connect', 'read', 'write', 'timeout'))}")
