"""``lotse build-graph``: compile an OSM extract into the graph files ``lotse serve`` maps.

Run once per extract (``make run`` does it before serving); a second run with the same extract
content finds the files and returns at once unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from routing_service.errors import LotseRoutingError


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"lotse build-graph: {message}\n")


def main(argv: list[str] | None = None) -> int:
    parser = _OneLineParser(prog="lotse build-graph",
                            description="Compile an OSM extract into the served graph files.")
    parser.add_argument("--osm", type=Path, help="OSM extract; default: the inner-city extract")
    parser.add_argument("--cache-dir", type=Path, help="where the graph files go")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from lotse_common.settings import settings
    from routing_service.graph_files import build_compiled, open_compiled

    conf = settings()
    osm, cache = args.osm or conf.osm_path, args.cache_dir or conf.cache_dir
    started = time.perf_counter()
    try:
        path, built = build_compiled(osm, cache, force=args.force)
        net = open_compiled(osm, cache)
    except LotseRoutingError as exc:
        print(f"lotse build-graph: {exc}", file=sys.stderr)
        return 1
    state = f"built in {time.perf_counter() - started:.1f} s" if built else "up to date"
    print(f"graph {net.graph_hash} of {osm.name}: {net.n_nodes} nodes, {net.n_edges} edges, "
          f"{state}: {path}")
    return 0
