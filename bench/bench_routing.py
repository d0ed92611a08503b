"""Routing benchmark over the whole city of Kaiserslautern (not a test: prints figures).

    .venv/bin/python bench/bench_routing.py [--pairs 1000] [--seed 7] [--tiles 10]
                                            [--clients 32] [--load-requests 3000] [--skip-tiled]

1. ``lotse build-graph --force`` in a child: wall time and peak memory (max RSS of the child);
2. ``lotse serve``: time from process start to its first answered route (``--starts`` times,
   one database: the first start migrates it, as a deployment's database already is);
3. in-process, profile blind with maneuvers: 1,000 random pairs (fixed seed) as full routes
   (search, maneuvers, text, JSON bytes), wall and CPU time of the routing thread, interleaved
   with the baseline (the same router on scipy's Dijkstra); each stage alone (snap, search,
   path geometry, description, JSON); the search alone on the contraction hierarchy (the
   router's), with the bidirectional A* kernel (the fallback before it) and with scipy's
   Dijkstra on the same pairs, and the nodes each compiled search visited;
4. HTTP, sequential, the same pairs against the server of step 2 (127.0.0.1, keep-alive), from
   an httpx client and from wrk on one connection (baseline: wrk on ``GET /healthz``);
5. HTTP, ``--workers 2`` and ``--clients`` concurrent clients (httpx, bounded by
   --load-requests; then wrk with as many connections for ``--load-seconds``): routes per
   second and latency (a dropped connection counts as an error, not an answer); memory (PSS) of
   each worker, i.e. what a second one adds;
6. a synthetic city ``--tiles`` times the size (bench/tiled_city.py): build time, peak memory,
   and the in-process figures for pairs of the same lengths (the 1× pairs shifted into a tile);
   with ``--tiled-arrays`` also (after step 3) the same city tiled from the compiled arrays
   (bench/tiled_arrays.py), which times the routes without the tiled extract's long build.

The machine's two cores are shared with other work: each phase prints the load average, CPU
time is given next to wall time, and the clients of step 5 run on the same cores as the server.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import wrk_driver  # noqa: E402
from route_http import http_sequential, python_clients, wrk_line, wrk_routes  # noqa: E402
from served import descendants, memory_of_tree, start_server, stop  # noqa: E402, F401

from lotse_common.settings import SHARED_OSM  # noqa: E402
from lotse_server.heap import settle  # noqa: E402

CITY = SHARED_OSM / "kaiserslautern.osm.gz"
#: figures of the issue, measured there side by side with Valhalla (not installable here)
VALHALLA = ("Valhalla (quoted from the issue, not measured here): in-process Lotse was 0.7-0.8x "
            "Valhalla's time; 10x city build 3 s, 139 MB")

def pct(ms: list[float]) -> str:
    ms = sorted(ms)

    def q(p: float) -> float:
        return ms[min(len(ms) - 1, int(round(p * (len(ms) - 1))))]

    return (f"median {statistics.median(ms):6.2f}  p95 {q(0.95):6.2f}  p99 {q(0.99):6.2f}  "
            f"max {ms[-1]:7.2f} ms (n={len(ms)})")


def quantile(ms: list[float], p: float) -> float:
    return sorted(ms)[min(len(ms) - 1, int(round(p * (len(ms) - 1))))]


def p99(ms: list[float]) -> float:
    return quantile(ms, 0.99)


def ratio(new: list[float], base: list[float], p: float) -> float:
    return quantile(new, p) / quantile(base, p)


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


#: runs a command and prints its peak memory (KB): started from this small process, the command
#: does not inherit the bench's own high-water mark, as a child forked from the bench would
_PEAK_OF = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")


def build(osm: Path, cache: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of ``lotse build-graph --force`` in a child process."""
    env = {**os.environ, "LOTSE_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _PEAK_OF, sys.executable, "-m", "lotse",
                              "build-graph", "--force", "--osm", str(osm)],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise SystemExit(f"build-graph failed for {osm}")
    peak_kb = int(out.split()[-1])
    return time.perf_counter() - t, usage.ru_utime + usage.ru_stime, peak_kb / 1024


def random_pairs(net, n: int, seed: int) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Points at random fractions of random ways (so every point is on the network)."""
    rng = random.Random(seed)

    def point() -> tuple[float, float]:
        e = rng.randrange(net.n_edges)
        coords = net.edge_coords(e)
        i = rng.randrange(len(coords) - 1)
        lon, lat = coords[i] + rng.random() * (coords[i + 1] - coords[i])
        return float(lat), float(lon)

    return [(point(), point()) for _ in range(n)]


#: routes timed in a row before the baseline takes its turn for as many (same-run comparison
#: without each route starting on caches the baseline's whole-city search just emptied)
BLOCK = 25


def _timed_routes(router, pairs, profile: str, wall: list[float] | None, cpu: list[float]) -> None:
    import orjson

    for a, b in pairs:
        t, c = time.perf_counter(), time.thread_time()
        orjson.dumps(router.route(a, b, profile=profile).to_dict(),
                     option=orjson.OPT_SERIALIZE_NUMPY)
        if wall is not None:
            wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)


def in_process(net, pairs, profile: str = "blind", warm_pairs=()) -> dict[str, list[float]]:
    """CPU and wall time of full routes (search, maneuvers, text, JSON bytes), in blocks of
    `BLOCK` pairs taking turns with the baseline: the same router on scipy's search (radius +
    second search). "cold_*": a fresh router (its memory of junctions and texts empty, as
    after a start); "wall"/"cpu": a router that has first served `warm_pairs` (other pairs), as
    a server does after a while. Then each stage alone, and the search with and without the
    A* bounds."""
    import orjson

    from routing_service.bidirectional import BidirectionalGraph
    from routing_service.leg import build_leg
    from routing_service.options import RouteOptions
    from routing_service.pathfind import PairGraph
    from routing_service.router import Router

    def scipy_router() -> Router:
        base = Router(net)
        base.graph, base.bounded_search = PairGraph(net), True
        return base

    out: dict[str, list[float]] = {k: [] for k in (
        "wall", "cpu", "fallback_cpu", "cold_cpu", "cold_fallback_cpu", "snap", "search",
        "leg", "describe", "json", "kernel", "astar", "scipy", "settled", "astar_settled")}
    cold, cold_base = Router(net), scipy_router()
    warm, warm_base = Router(net), scipy_router()
    for a, b in warm_pairs or pairs[:20]:
        warm.route(a, b, profile=profile)
        warm_base.route(a, b, profile=profile)
    # as `lotse serve` does once built: what exists now is out of the cyclic collector's sight,
    # and collections come as rarely as in the server (lotse_server.heap)
    settle()
    for start in range(0, len(pairs), BLOCK):
        block = pairs[start:start + BLOCK]
        _timed_routes(cold, block, profile, None, out["cold_cpu"])
        _timed_routes(cold_base, block, profile, None, out["cold_fallback_cpu"])
    for start in range(0, len(pairs), BLOCK):
        block = pairs[start:start + BLOCK]
        _timed_routes(warm, block, profile, out["wall"], out["cpu"])
        _timed_routes(warm_base, block, profile, None, out["fallback_cpu"])
    # the stages of a route, each timed alone on a fresh router (so its memory starts empty)
    staged = Router(net)
    weights, _ = staged._costs(profile, RouteOptions(), False, [])
    for a, b in pairs:
        t0 = time.thread_time()
        o, d = net.snap(*a), net.snap(*b)
        t1 = time.thread_time()
        path = staged.graph.shortest(weights, o, d)
        t2 = time.thread_time()
        leg = build_leg(net, path)
        t3 = time.thread_time()
        maneuvers = staged.describer.describe(leg, "de", {}, b)
        t4 = time.thread_time()
        orjson.dumps({"coordinates": leg.coords, "maneuvers": maneuvers},
                     option=orjson.OPT_SERIALIZE_NUMPY)
        t5 = time.thread_time()
        for key, start, end in (("snap", t0, t1), ("search", t1, t2), ("leg", t2, t3),
                                ("describe", t3, t4), ("json", t4, t5)):
            out[key].append((end - start) * 1000)
    astar = BidirectionalGraph(net)
    astar_weights = astar.weights(weights.cost)
    fallback = PairGraph(net)
    fallback_weights = fallback.weights(weights.cost)
    for a, b in pairs:
        o, d = net.snap(*a), net.snap(*b)
        for key, graph, w in (("kernel", staged.graph, weights),
                              ("astar", astar, astar_weights),
                              ("scipy", fallback, fallback_weights)):
            t = time.thread_time()
            graph.shortest(w, o, d)
            out[key].append((time.thread_time() - t) * 1000)
            if hasattr(graph, "settled") and key != "scipy":  # nodes visited: deterministic
                out["settled" if key == "kernel" else "astar_settled"].append(
                    float(graph.settled()))
    return out


def hierarchy_line(net) -> str:
    """How long the contraction hierarchy takes to make, its size, and one customization."""
    from routing_service.costs import CostModel
    from routing_service.hierarchy import HierarchyGraph
    from routing_service.options import RouteOptions

    t = time.perf_counter()
    graph = HierarchyGraph(net)
    made = time.perf_counter() - t
    cost = CostModel(net).costs("blind", RouteOptions())
    t = time.perf_counter()
    graph.weights(cost)
    custom = time.perf_counter() - t
    return (f"contraction hierarchy: made in {made:.2f} s, {graph.n_arcs} arcs, elimination "
            f"tree {graph.height()} high; one cost vector customized in {custom * 1000:.0f} ms")


def shifted_pairs(pairs, tiles: int, seed: int):
    """The same pairs moved into random tiles of the tiled city (same route lengths)."""
    from tiled_city import COLUMNS, _extent

    west, south, east, north = _extent(CITY)
    width, height = (east - west) * 1.01, (north - south) * 1.01
    rng = random.Random(seed)
    out = []
    for a, b in pairs:
        t = rng.randrange(tiles)
        dx, dy = (t % COLUMNS) * width, (t // COLUMNS) * height
        out.append(((a[0] + dy, a[1] + dx), (b[0] + dy, b[1] + dx)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--osm", type=Path, default=CITY)
    ap.add_argument("--pairs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tiles", type=int, default=10)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--load-requests", type=int, default=3000)
    ap.add_argument("--load-seconds", type=float, default=15,
                    help="length of each wrk run (wrk: the compiled load generator)")
    ap.add_argument("--skip-tiled", action="store_true")
    ap.add_argument("--tiled-arrays", action="store_true",
                    help="also time routes on a --tiles city tiled from the compiled arrays")
    ap.add_argument("--starts", type=int, default=3, help="server starts timed to a first route")
    args = ap.parse_args()
    from routing_service.graph_files import open_compiled
    from routing_service.router import SearchGraph

    work = Path(tempfile.mkdtemp(prefix="lotse-bench-"))
    cache = work / "cache"
    print(f"extract {args.osm.name}; the router searches with {SearchGraph.__name__}; {load()}")
    secs, cpu, peak = build(args.osm, cache)
    print(f"build-graph: {secs:.1f} s, CPU {cpu:.1f} s, peak memory {peak:.0f} MB   ({load()})")
    net = open_compiled(args.osm, cache)
    print(f"graph: {net.n_nodes} nodes, {net.n_edges} directed edges")
    print(f"  {hierarchy_line(net)}")
    pairs = random_pairs(net, args.pairs, args.seed)

    warm_pairs = random_pairs(net, args.pairs, args.seed + 1)
    one = in_process(net, pairs, warm_pairs=warm_pairs)
    print(f"\nin-process, blind, with maneuvers and JSON bytes, a router that has served "
          f"{args.pairs} other routes   ({load()})")
    print(f"  wall: {pct(one['wall'])}")
    print(f"  CPU:  {pct(one['cpu'])}")
    print(f"  CPU, baseline (same run, blocks of {BLOCK} in turn: scipy's search): "
          f"{pct(one['fallback_cpu'])}")
    print(f"  ratio to the baseline: median {ratio(one['cpu'], one['fallback_cpu'], 0.5):.2f}, "
          f"p99 {ratio(one['cpu'], one['fallback_cpu'], 0.99):.2f}")
    print(f"  fresh router (memory empty, as after a start), CPU: {pct(one['cold_cpu'])}; "
          f"baseline {pct(one['cold_fallback_cpu'])}")
    print("  stages alone, CPU:")
    for key in ("snap", "search", "leg", "describe", "json"):
        print(f"    {key:9s} {pct(one[key])}")
    print(f"  search only, CPU, contraction hierarchy:  {pct(one['kernel'])}")
    print(f"  search only, CPU, bidirectional A*:       {pct(one['astar'])}")
    print(f"  search only, CPU, scipy fallback:         {pct(one['scipy'])}")
    print(f"  search p99 ratios: hierarchy/A* "
          f"{ratio(one['kernel'], one['astar'], 0.99):.2f}, "
          f"hierarchy/scipy {ratio(one['kernel'], one['scipy'], 0.99):.2f}")

    if args.tiled_arrays:  # route time against city size, without building a tiled extract
        from tiled_arrays import shift_pairs, tile_network

        big = tile_network(net, args.tiles)
        print(f"  {args.tiles}x: {hierarchy_line(big)}")
        many = in_process(big, shift_pairs(net, pairs, args.tiles, args.seed),
                          warm_pairs=shift_pairs(net, warm_pairs, args.tiles, args.seed + 1))
        print(f"\n{args.tiles}x city tiled from the arrays ({big.n_nodes} nodes, {load()}): "
              f"route CPU {pct(many['cpu'])}")
        print(f"  search on the hierarchy {pct(many['kernel'])}; A* {pct(many['astar'])}")
        print(f"  p99 {args.tiles}x / 1x: route, fresh routers "
              f"{ratio(many['cold_cpu'], one['cold_cpu'], 0.99):.2f}, after other routes "
              f"{ratio(many['cpu'], one['cpu'], 0.99):.2f}, "
              f"search on the hierarchy {ratio(many['kernel'], one['kernel'], 0.99):.2f}, "
              f"A* {ratio(many['astar'], one['astar'], 0.99):.2f}")
        for key, name in (("settled", "hierarchy"), ("astar_settled", "A*")):
            print(f"  nodes the {name} search visited (deterministic), p50 / p99: "
                  f"1x {quantile(one[key], 0.5):.0f} / {p99(one[key]):.0f}, "
                  f"{args.tiles}x {quantile(many[key], 0.5):.0f} / {p99(many[key]):.0f}, "
                  f"p99 ratio {ratio(many[key], one[key], 0.99):.2f}")

    firsts = []
    for _ in range(args.starts - 1):  # the last start serves the sequential run below
        server, _, first = start_server(args.osm, cache, work, workers=1)
        stop(server)
        firsts.append(first)
    server, url, first = start_server(args.osm, cache, work, workers=1)
    firsts.append(first)
    try:
        print(f"\nlotse serve (database migrated by the first start): first route answered "
              f"{statistics.median(firsts):.2f} s after process start (median of "
              f"{', '.join(f'{f:.2f}' for f in firsts)})")
        single = sum(m[2] for m in memory_of_tree(server.pid))
        times, errors = http_sequential(url, pairs)
        print(f"HTTP sequential, httpx client ({load()}): {pct(times)}   "
              f"errors (non-200 or dropped): {errors}")
        if wrk_driver.available():
            routes, floor = wrk_routes(url, pairs, connections=1, seconds=args.load_seconds)
            print(f"HTTP sequential, wrk, one connection ({load()}): {wrk_line(routes)}")
            print(f"  baseline GET /healthz, same connection count: {wrk_line(floor)}")
    finally:
        stop(server)

    server, url, _ = start_server(args.osm, cache, work, workers=2)
    try:
        times, wall, errors = python_clients(url, pairs, args.clients, args.load_requests)
        print(f"HTTP, 2 workers, {args.clients} httpx clients on the same 2 cores ({load()}): "
              f"{len(times) / wall:.0f} routes/s; {pct(times)}; "
              f"errors (non-200 or dropped): {errors}")
        if wrk_driver.available():
            routes, floor = wrk_routes(url, pairs, connections=args.clients,
                                       seconds=args.load_seconds)
            print(f"HTTP, 2 workers, wrk with {args.clients} connections ({load()}): "
                  f"{wrk_line(routes)}")
            print(f"  baseline GET /healthz, same connections: {wrk_line(floor)}; routes run at "
                  f"{routes.per_second / floor.per_second:.3f} of its rate")
        else:
            print("  wrk is not installed (scripts/setup.sh installs it): no wrk figures")
        mem = memory_of_tree(server.pid)
        print("  processes, master first (pid, RSS, PSS, private MB): " +
              ", ".join(f"({p}, {r:.0f}, {s:.0f}, {u:.0f})" for p, r, s, u in mem))
        print(f"  PSS of the one-worker server: {single:.0f} MB; of this one: "
              f"{sum(m[2] for m in mem):.0f} MB")
    finally:
        stop(server)

    if not args.skip_tiled:
        from tiled_city import write_tiled_city

        tiled = work / f"tiled-{args.tiles}.osm.pbf"
        write_tiled_city(args.osm, tiled, args.tiles, net.node_osmid.tolist())
        secs, cpu, peak = build(tiled, cache)
        big = open_compiled(tiled, cache)
        print(f"\nsynthetic {args.tiles}x city: {big.n_nodes} nodes, {big.n_edges} edges; "
              f"build-graph {secs:.1f} s, CPU {cpu:.1f} s, peak memory {peak:.0f} MB   "
              f"({load()})")
        print(f"  {hierarchy_line(big)}")
        many = in_process(big, shifted_pairs(pairs, args.tiles, args.seed),
                          warm_pairs=shifted_pairs(warm_pairs, args.tiles, args.seed + 1))
        print(f"  in-process CPU: {pct(many['cpu'])}; fresh router: {pct(many['cold_cpu'])}")
        print(f"  search only, CPU, hierarchy: {pct(many['kernel'])}; A*: {pct(many['astar'])}; "
              f"scipy: {pct(many['scipy'])}")
        # fresh routers on both sides: a warm one has seen the streets of the timed pairs far
        # more often in the 1x city than in ten copies of it
        print(f"  p99 CPU {args.tiles}x / 1x, fresh routers: "
              f"{p99(many['cold_cpu']) / p99(one['cold_cpu']):.2f}   "
              f"after {args.pairs} other routes: {p99(many['cpu']) / p99(one['cpu']):.2f}   "
              f"hierarchy: {p99(many['kernel']) / p99(one['kernel']):.2f}   "
              f"A*: {p99(many['astar']) / p99(one['astar']):.2f}   "
              f"scipy: {p99(many['scipy']) / p99(one['scipy']):.2f}")
    print(f"\n{VALHALLA}")
    print(f"this process's peak memory: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; files in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
