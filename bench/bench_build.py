"""Graph build benchmark: ``lotse build-graph`` on the whole city and on a city N times its size.

    .venv/bin/python bench/bench_build.py [--tiles 10] [--repeat 3] [--no-baseline]

Each build runs in a child process (``lotse build-graph --force``); the figures are its wall
time, its CPU time (user + system, from the kernel's accounting of the child) and its peak
memory (max RSS). The baseline in the same run is the previous build: pyosmium's stream, then
osmnx's filter and simplification on a networkx graph (``routing_service.osmnx_build``), run
once per size. The synthetic city is the whole-city extract tiled (bench/tiled_city.py).

The machine's two cores are shared with other work: wall time waits for a core, CPU time does
not, so CPU time is the figure to compare; each line gives the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from lotse_common.settings import SHARED_OSM  # noqa: E402

CITY = SHARED_OSM / "kaiserslautern.osm.gz"


def child(args: list[str], cache: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of one child process."""
    env = {**os.environ, "LOTSE_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"failed: {' '.join(args)}")
    return (time.perf_counter() - started, usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024)


def build_graph(osm: Path, cache: Path) -> tuple[float, float, float]:
    return child(["-m", "lotse", "build-graph", "--force", "--osm", str(osm)], cache)


def osmnx_build(osm: Path, cache: Path) -> tuple[float, float, float]:
    return child([str(Path(__file__)), "--osmnx-child", str(osm)], cache)


def _run_osmnx_child(osm: Path) -> None:
    """The baseline build, as ``lotse build-graph`` does it but with osmnx's networkx steps."""
    from routing_service.ingest import content_hash
    from routing_service.osmnx_build import build_network_osmnx

    net = build_network_osmnx(osm, content_hash(osm), osm.name)
    net.save_dir(Path(os.environ["LOTSE_CACHE_DIR"]) / "osmnx-baseline")


def line(label: str, runs: list[tuple[float, float, float]]) -> str:
    wall, cpu, peak = (statistics.median(r[i] for r in runs) for i in range(3))
    spread = "" if len(runs) == 1 else \
        f"  (CPU {min(r[1] for r in runs):.1f}-{max(r[1] for r in runs):.1f} s, n={len(runs)})"
    return (f"  {label:<34} wall {wall:6.1f} s   CPU {cpu:6.1f} s   peak {peak:6.0f} MB"
            f"{spread}   load {os.getloadavg()[0]:.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--osm", type=Path, default=CITY)
    ap.add_argument("--tiles", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-baseline", action="store_true", help="skip osmnx's build")
    ap.add_argument("--osmnx-child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.osmnx_child:
        _run_osmnx_child(args.osmnx_child)
        return 0
    from tiled_city import write_tiled_city

    from routing_service.graph_files import open_compiled

    work = Path(tempfile.mkdtemp(prefix="lotse-build-bench-"))
    cache = work / "cache"
    print(f"graph build, {args.osm.name} and {args.tiles}x tiled; median of {args.repeat} "
          f"runs (baseline once); files in {work}")
    sizes = [("1x", args.osm)]
    ours: dict[str, list[tuple[float, float, float]]] = {}
    for label, osm in sizes:
        ours[label] = [build_graph(osm, cache) for _ in range(args.repeat)]
    net = open_compiled(args.osm, cache)
    tiled = work / f"tiled-{args.tiles}.osm.pbf"
    write_tiled_city(args.osm, tiled, args.tiles, net.node_osmid.tolist())
    big_label = f"{args.tiles}x"
    ours[big_label] = [build_graph(tiled, cache) for _ in range(args.repeat)]
    big = open_compiled(tiled, cache)
    print(f"1x: {net.n_nodes} nodes, {net.n_edges} edges; {big_label}: {big.n_nodes} nodes, "
          f"{big.n_edges} edges")
    for label in ours:
        print(line(f"{label} lotse build-graph (arrays)", ours[label]))
    if args.no_baseline:
        return 0
    for label, osm in (("1x", args.osm), (big_label, tiled)):
        base = [osmnx_build(osm, cache)]
        print(line(f"{label} baseline (osmnx, networkx)", base))
        ratio_cpu = statistics.median(r[1] for r in ours[label]) / base[0][1]
        ratio_mem = statistics.median(r[2] for r in ours[label]) / base[0][2]
        print(f"  {label} arrays / baseline: CPU {ratio_cpu:.2f}, peak memory {ratio_mem:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
