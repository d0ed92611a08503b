"""Load on a real `lotse serve` over 127.0.0.1: req/s and latency at 50, 200 and 1,000 connections,
on SQLite and PostgreSQL, with 1 and 2 worker processes.

Data: the real inner-city network and the shipped 886-beacon plan (imported before the server
starts). The mix is the issue's: 30 % routes between inner-city places (real OSM places), 30 %
beacon lookups (plan beacons), 20 % bundle with If-None-Match (a 304 once current), 20 % place
search (real place names). Each connection is one keep-alive HTTP/1.1 client sending its next
request when the last answer arrived (closed loop), and after a 503 it waits the Retry-After the
server asked for, as the phone app does; a request waits at most `TIMEOUT_S`.
A probe asks /healthz every 0.25 s on its own connection throughout (its worst time is shown).

The load generator runs on the same 2 shared cores as the server (and as other people's work),
so absolute figures are low and noisy; compare rows of one run. Ratio column: throughput
against the 50-connection row of the same database and worker count.

    .venv/bin/python bench/bench_load.py [--duration 10] [--connections 50 200 1000]
        [--workers 1 2] [--pg URL] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "server"))  # the process helper the tests use too

from sqlalchemy import text  # noqa: E402
from stats import summary  # noqa: E402

PLAN = ROOT / "mobile" / "data" / "beacon_plan_cc.geojson"
TIMEOUT_S = 10.0
MIX = (("route", 30), ("lookup", 30), ("bundle", 20), ("search", 20))


def prepare(url: str) -> list[dict]:
    """Fresh registry with the beacon plan; returns the lookup queries of its beacons."""
    from beacon_registry.app import open_registry
    from beacon_registry.importer import import_rows
    from beacon_registry.service import BEACON
    from beacon_registry.tabular import parse_geojson

    if url.startswith("postgresql"):
        from beacon_registry.db import make_engine

        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    from beacon_registry.area import ServiceArea
    from routing_service.ingest import load_network

    network = load_network(settings_osm(), cache_dir=ROOT / "var" / "cache" / "tests")
    ctx = open_registry(url, ServiceArea.from_network(network))
    rows = parse_geojson(PLAN.read_text())
    with ctx.session_factory.begin() as session:
        import_rows(session, ctx.area, "bench", BEACON, rows)
    ctx.session_factory.kw["bind"].dispose()
    return [{k: r[k] for k in ("uuid", "major", "minor")} for r in rows if r.get("uuid")]


def settings_osm() -> Path:
    from lotse_common.settings import settings

    return settings().osm_path


def requests_for(lookups: list[dict], seed: int) -> list[tuple[str, str, bytes]]:
    """A shuffled deck of (method, target, body) in the mix's proportions."""
    from urllib.parse import urlencode

    from routing_service.ingest import load_network

    rng = random.Random(seed)
    places = load_network(settings_osm(), cache_dir=ROOT / "var" / "cache" / "tests").places
    named = [p for p in places if p.get("name")]
    deck: list[tuple[str, str, bytes]] = []
    for kind, share in MIX:
        for _ in range(share * 20):
            if kind == "route":
                a, b = rng.sample(named, 2)
                body = json.dumps({"from": {"lat": a["lat"], "lon": a["lon"]},
                                   "to": {"lat": b["lat"], "lon": b["lon"]}}).encode()
                deck.append(("POST", "/v1/routes", body))
            elif kind == "lookup":
                deck.append(("GET", "/v1/beacons/lookup?" + urlencode(rng.choice(lookups)), b""))
            elif kind == "bundle":
                deck.append(("BUNDLE", "/v1/bundle", b""))
            else:
                name = rng.choice(named)["name"]
                deck.append(("GET", "/v1/places/search?" + urlencode({"q": name[:8]}), b""))
    rng.shuffle(deck)
    return deck


async def _exchange(reader, writer, method: str, target: str, body: bytes,
                    etag: str | None) -> tuple[int, dict[str, str]]:
    head = f"{'GET' if method == 'BUNDLE' else method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if method == "BUNDLE" and etag:
        head += f"If-None-Match: {etag}\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    headers = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if length:
        await reader.readexactly(length)
    return status, headers


async def _connection(port: int, deck, start: int, stop_at: float, out: dict, codes: Counter,
                      etag: dict) -> None:
    i = start
    reader = writer = None
    while time.monotonic() < stop_at:
        method, target, body = deck[i % len(deck)]
        i += 1
        t0 = time.perf_counter()
        try:
            if writer is None:
                try:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection("127.0.0.1", port), TIMEOUT_S)
                except (TimeoutError, OSError):
                    codes["connect_failed"] += 1
                    continue
            status, headers = await asyncio.wait_for(
                _exchange(reader, writer, method, target, body, etag.get("v")), TIMEOUT_S)
        except (TimeoutError, OSError, ConnectionError, ValueError, IndexError,
                asyncio.IncompleteReadError):
            codes["timeout/conn"] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        codes[status] += 1
        if status == 503:
            wait = float(headers.get("retry-after", "1"))
            await asyncio.sleep(max(0.0, min(wait, stop_at - time.monotonic())))
            continue
        out.setdefault(target.split("?")[0], []).append(time.perf_counter() - t0)
        if method == "BUNDLE" and "etag" in headers:
            etag["v"] = headers["etag"]
        if headers.get("connection") == "close":
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _probe(port: int, stop_at: float, out: list) -> None:
    while time.monotonic() < stop_at:
        t0 = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            await asyncio.wait_for(_exchange(reader, writer, "GET", "/healthz", b"", None), 5)
            writer.close()
            out.append(time.perf_counter() - t0)
        except (TimeoutError, OSError):
            out.append(5.0)
        await asyncio.sleep(0.25)


async def load(port: int, deck, connections: int, duration: float) -> dict:
    latencies: dict[str, list[float]] = {}
    health: list[float] = []
    codes: Counter = Counter()
    etag: dict = {}
    stop_at = time.monotonic() + duration
    started = time.perf_counter()
    step = max(1, len(deck) // connections)
    await asyncio.gather(_probe(port, stop_at, health), *(
        _connection(port, deck, c * step, stop_at, latencies, codes, etag)
        for c in range(connections)))
    elapsed = time.perf_counter() - started
    good = sum(n for c, n in codes.items() if c in (200, 304))
    every = [t for times in latencies.values() for t in times]
    return {
        "connections": connections,
        "req_per_s": round(good / elapsed, 1),
        **summary(every, "ms", digits=1),
        "p99_ms_by_path": {path: summary(times, "ms", digits=1)["p99_ms"]
                           for path, times in sorted(latencies.items())},
        "shed_503": codes.get(503, 0),
        "errors_5xx_other": sum(n for c, n in codes.items() if isinstance(c, int) and c >= 500
                                and c != 503),
        "errors_4xx": sum(n for c, n in codes.items() if isinstance(c, int) and 400 <= c < 500),
        "timeouts": codes.get("timeout/conn", 0),
        "connect_failed": codes.get("connect_failed", 0),
        "healthz_max_ms": round(max(health) * 1e3, 1) if health else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per cell")
    parser.add_argument("--connections", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--pg", default=os.environ.get("LOTSE_TEST_PG_URL"),
                        help="PostgreSQL URL (default: LOTSE_TEST_PG_URL); SQLite always runs")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from served import start, stop

    databases = [("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='lotse-load-')}/load.db")]
    if args.pg:
        databases.append(("postgresql", args.pg))
    rows = []
    for db_name, url in databases:
        lookups = prepare(url)
        deck = requests_for(lookups, seed=14)
        for workers in args.workers:
            proc, base = start(url, workers=workers)
            port = int(base.rsplit(":", 1)[1])
            try:
                asyncio.run(load(port, deck, 20, 2.0))  # warm-up: caches, pool, bundle ETag
                baseline = None
                for connections in args.connections:
                    row = {"database": db_name, "workers": workers,
                           **asyncio.run(load(port, deck, connections, args.duration))}
                    baseline = baseline or row["req_per_s"]
                    row["ratio_to_first"] = round(row["req_per_s"] / baseline, 2)
                    rows.append(row)
                    print(json.dumps(row), flush=True)
            finally:
                stop(proc)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
