"""Load on a real `lotse serve` over 127.0.0.1: req/s and latency at 50, 200 and 1,000 connections,
on SQLite and PostgreSQL, with 1 and 2 worker processes, and reads beside a staff writer.

Data: the real inner-city network and the shipped 886-beacon plan (imported before the server
starts). The read mix is the issue's: 30 % routes between inner-city places (real OSM places),
30 % beacon lookups (plan beacons), 20 % bundle with If-None-Match (a 304 once current) and
`Accept-Encoding: gzip` (as the phone's httpx client sends it), 20 % place search (real place
names). Each connection is one keep-alive HTTP/1.1 client sending its
next request when the last answer arrived (closed loop); after a 503 it waits the Retry-After the
server asked for, as the phone app does; an answer not there after `TIMEOUT_S` is a time-out.
The connections are spread over client processes (one per 250), so the figures are not the
load generator's own queueing. A separate process asks /healthz every 0.25 s on a fresh
connection throughout (worst and 99th-percentile time shown).

Writer cells ("+ writer"): the read mix at 200 connections plus a staff writer sending
`--write-rate` writes per second on a fixed schedule (open loop, 4 connections): notices
created, beacons' placement text changed, obstacles created (away from the walk network's
places), in turn. Every write changes the bundle. A write is failed unless answered 2xx;
"database is locked" answers are counted apart; a shed write (503) is retried after Retry-After.

The load generator runs on the same machine as the server, at a lower priority (`CLIENT_NICE`),
as it would run on other machines in a deployment; the last column says how long the server
still waited for a core (ms per second of the cell, summed over its processes and threads). On
a shared machine, compare rows of one run (ratio column: throughput against the first row of
the same database and worker count). Under Linux autogroup scheduling, `nice` works only within
one session: run other jobs on the machine with a lowered autogroup (/proc/<pid>/autogroup).

    .venv/bin/python bench/bench_load.py                # every cell, 60 s each (~16 min)
    .venv/bin/python bench/bench_load.py --quick        # every cell, 8 s each (~3 min)
    .venv/bin/python bench/bench_load.py --databases sqlite --workers 1 --connections 200
        [--duration S] [--write-rate 20] [--no-writer] [--pg URL] [--json out.json]
    .venv/bin/python bench/bench_load.py --connections      # the writer cells only
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
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

from load_client import TIMEOUT_S, exchange, run_clients  # noqa: E402
from sqlalchemy import text  # noqa: E402
from stats import summary  # noqa: E402

PLAN = ROOT / "mobile" / "data" / "beacon_plan_cc.geojson"
MIX = (("route", 30), ("lookup", 30), ("bundle", 20), ("search", 20))
#: connections of the writer cells, and connections per client process
WRITER_READ_CONNECTIONS = 200
CONNECTIONS_PER_CLIENT = 250
#: how much lower the load clients (and the writer) run than the server and the probe: they
#: share the server's two cores here, where a deployment's clients are other machines. At equal
#: priority, the clients opening 1,000 connections at once kept the runnable server off the
#: cores for tens of milliseconds (its run-queue wait, /proc/<pid>/task/*/schedstat); at 10 the
#: clients of the 2-worker cells got too little CPU to keep the server busy
CLIENT_NICE = 5


def settings_osm() -> Path:
    from lotse_common.settings import settings

    return settings().osm_path


def network():
    from routing_service.ingest import load_network

    return load_network(settings_osm(), cache_dir=ROOT / "var" / "cache" / "tests")


def prepare(url: str) -> tuple[list[dict], str, list[dict]]:
    """Fresh registry with the beacon plan and a staff token; returns the lookup queries of the
    plan's beacons, the token, and (id, version) of the beacons for the writer."""
    from beacon_registry.app import open_registry
    from beacon_registry.area import ServiceArea
    from beacon_registry.importer import import_rows
    from beacon_registry.models import Beacon
    from beacon_registry.service import BEACON
    from beacon_registry.tabular import parse_geojson
    from beacon_registry.tokens import create_token

    if url.startswith("postgresql"):
        from beacon_registry.db import make_engine

        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    ctx = open_registry(url, ServiceArea.from_network(network()))
    rows = parse_geojson(PLAN.read_text())
    with ctx.session_factory.begin() as session:
        import_rows(session, ctx.area, "bench", BEACON, rows)
        token = create_token(session, "staff", "bench-writer")
    with ctx.session_factory() as session:
        beacons = [{"id": b.id, "version": b.version}
                   for b in session.query(Beacon).order_by(Beacon.id)]
    ctx.session_factory.kw["bind"].dispose()
    lookups = [{k: r[k] for k in ("uuid", "major", "minor")} for r in rows if r.get("uuid")]
    return lookups, token, beacons


def requests_for(lookups: list[dict], seed: int) -> list[tuple[str, str, bytes]]:
    """A shuffled deck of (method, target, body) in the mix's proportions."""
    from urllib.parse import urlencode

    rng = random.Random(seed)
    named = [p for p in network().places if p.get("name")]
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


def _probe(port: int, duration: float, out) -> None:
    """/healthz every 0.25 s on a fresh connection, in a process of its own."""

    async def probe() -> list[float]:
        times = []
        stop_at = time.monotonic() + duration
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", port), TIMEOUT_S)
                await asyncio.wait_for(
                    exchange(reader, writer, "GET", "/healthz", b"", {}), TIMEOUT_S)
                writer.close()
                times.append(time.perf_counter() - t0)
            except (TimeoutError, OSError, ConnectionError):
                times.append(TIMEOUT_S)
            await asyncio.sleep(0.25)
        return times

    out.send(asyncio.run(probe()))


def run_queue_wait_s(pid: int) -> float | None:
    """Seconds the threads of process `pid` and its children have waited, runnable, for a core
    (Linux schedstat); None where the kernel does not say."""
    total, todo = 0, [pid]
    try:
        while todo:
            proc = Path("/proc") / str(todo.pop())
            for task in (proc / "task").iterdir():
                total += int((task / "schedstat").read_text().split()[1])
                children = task / "children"
                if children.exists():
                    todo += [int(c) for c in children.read_text().split()]
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9


def _as_client(job: dict, pipe) -> None:
    os.nice(CLIENT_NICE)
    run_clients(job, pipe)


def cell(port: int, deck, connections: int, duration: float, writer: dict | None,
         server_pid: int | None = None) -> dict:
    """One measured cell: client processes, the probe process and (maybe) the writer; with
    `server_pid`, also how long the server waited for a core while the cell ran."""
    ctx = multiprocessing.get_context("fork")
    procs = max(1, math.ceil(connections / CONNECTIONS_PER_CLIENT))
    share = [connections // procs + (i < connections % procs) for i in range(procs)]
    pipes, children = [], []
    for i, n in enumerate(share):
        mine, theirs = ctx.Pipe(duplex=False)
        job = {"port": port, "deck": deck, "connections": n, "first": sum(share[:i]),
               "spread": connections, "duration": duration,
               "writer": writer if i == 0 else None}
        children.append(ctx.Process(target=_as_client, args=(job, theirs)))
        pipes.append(mine)
    probe_in, probe_out = ctx.Pipe(duplex=False)
    children.append(ctx.Process(target=_probe, args=(port, duration, probe_out)))
    waited = run_queue_wait_s(server_pid) if server_pid else None
    started = time.perf_counter()
    for child in children:
        child.start()
    results = [pipe.recv() for pipe in pipes]
    health = probe_in.recv()
    for child in children:
        child.join()
    elapsed = time.perf_counter() - started
    row = _row(results, health, connections, elapsed, writer is not None)
    after = run_queue_wait_s(server_pid) if waited is not None else None
    row["server_cpu_wait_ms_per_s"] = None if after is None else \
        round((after - waited) * 1e3 / elapsed, 1)
    return row


def _row(results: list[dict], health: list[float], connections: int, elapsed: float,
         with_writer: bool) -> dict:
    codes: Counter = Counter()
    latencies: dict[str, list[float]] = {}
    for result in results:
        codes.update(result["codes"])
        for path, times in result["latencies"].items():
            latencies.setdefault(path, []).extend(times)
    good = sum(n for c, n in codes.items() if c in ("200", "304"))
    every = [t for times in latencies.values() for t in times]
    row = {
        "connections": connections,
        "writer": with_writer,
        "req_per_s": round(good / elapsed, 1),
        **(summary(every, "ms", digits=1) if every else {"n": 0}),
        "p99_ms_by_path": {path: summary(times, "ms", digits=1)["p99_ms"]
                           for path, times in sorted(latencies.items())},
        "shed_503": codes.get("503", 0),
        "errors_5xx_other": sum(n for c, n in codes.items() if c.isdigit() and int(c) >= 500
                                and c != "503"),
        "errors_4xx": sum(n for c, n in codes.items() if c.isdigit() and 400 <= int(c) < 500),
        "timeouts": codes.get("timeout", 0),
        "connect_failed": codes.get("connect_failed", 0),
        "healthz_max_ms": round(max(health) * 1e3, 1) if health else None,
        "healthz_p99_ms": summary(health, "ms", digits=1)["p99_ms"] if health else None,
        "healthz_ms": [round(t * 1e3, 1) for t in health],  # every probe, in order
    }
    writes = next((r["writes"] for r in results if r.get("writes")), None)
    if writes is not None:
        row["writes"] = {k: v for k, v in writes.items() if k != "latencies"}
        if writes["latencies"]:
            row["writes"]["p99_ms"] = summary(writes["latencies"], "ms", digits=1)["p99_ms"]
    return row


def table(rows: list[dict]) -> str:
    """Every cell as one Markdown table (the README's form)."""
    head = ("| database | workers | connections | served req/s | ratio | median ms | p99 ms | "
            "503 shed | other 5xx | time-outs | /healthz p99 / max ms | writes ok / failed / "
            "locked | write p99 ms | server's wait for a core, ms/s |")
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for r in rows:
        w = r.get("writes")
        lines.append(
            f"| {r['database']} | {r['workers']} | {r['connections']}"
            f"{' + writer' if r['writer'] else ''} | {r['req_per_s']:.0f} | "
            f"{r['ratio_to_first']} | {r.get('median_ms', '-')} | {r.get('p99_ms', '-')} | "
            f"{r['shed_503']} | {r['errors_5xx_other']} | {r['timeouts']} | "
            f"{r['healthz_p99_ms']} / {r['healthz_max_ms']} | "
            + (f"{w['ok']} / {w['failed']} / {w['locked']} | {w.get('p99_ms', '-')} |" if w
               else "- | - |")
            + f" {r.get('server_cpu_wait_ms_per_s', '-')} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 s per cell instead of 60 s")
    parser.add_argument("--duration", type=float, help="seconds per cell (default 60, quick 8)")
    parser.add_argument("--connections", type=int, nargs="*", default=[50, 200, 1000],
                        help="read-only cells; none given: only the writer cell")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--write-rate", type=float, default=20.0, help="staff writes per second")
    parser.add_argument("--no-writer", action="store_true", help="leave out the writer cells")
    parser.add_argument("--pg", default=os.environ.get("LOTSE_TEST_PG_URL"),
                        help="PostgreSQL URL (default: LOTSE_TEST_PG_URL)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    duration = args.duration or (8.0 if args.quick else 60.0)
    from served import start, stop

    if "postgresql" in args.databases and not args.pg:
        print("postgresql: no URL (--pg or LOTSE_TEST_PG_URL); left out", file=sys.stderr)
    bbox = list(network().bbox)
    rows = []
    for db_name in args.databases:
        if db_name == "postgresql" and not args.pg:
            continue
        for workers in args.workers:
            url = args.pg if db_name == "postgresql" else (
                f"sqlite:///{tempfile.mkdtemp(prefix='lotse-load-')}/load.db")
            lookups, token, beacons = prepare(url)  # fresh data: earlier writes left out
            deck = requests_for(lookups, seed=14)
            proc, base = start(url, workers=workers)
            port = int(base.rsplit(":", 1)[1])
            try:
                cell(port, deck, 20, 2.0, None)  # warm-up: caches, pool, bundle ETag
                plan = [(c, None) for c in args.connections]
                if not args.no_writer:
                    plan.append((WRITER_READ_CONNECTIONS, {
                        "rate": args.write_rate, "token": token, "beacons": beacons,
                        "bbox": bbox}))
                baseline = None
                for connections, writer in plan:
                    row = {"database": db_name, "workers": workers,
                           **cell(port, deck, connections, duration, writer, proc.pid)}
                    baseline = baseline or row["req_per_s"] or 1.0
                    row["ratio_to_first"] = round(row["req_per_s"] / baseline, 2)
                    rows.append(row)
                    print(json.dumps(row), flush=True)
            finally:
                stop(proc)
    print(f"\n{duration:.0f} s per cell, time-out {TIMEOUT_S:.0f} s\n")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
