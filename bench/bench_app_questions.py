"""The walker's questions on the phone, against a baseline measured in the same run.

Data: a real OSM extract (default: the configured one; `--osm` for the whole city), the
controller's real answers at positions spread over the network (every n-th node, GPS fix of
8 m, walking direction from the previous fix):

- `where_am_i`: nearest named street, house numbers, named place, next crossing, sentences
- `around`: places, crossings and intersections within 60 m, labelled
- `ahead`: the same within 50 m in the walking direction
- `search_category`: "Apotheke" (every pharmacy, nearest first, labelled)
- `search_name`: "Stiftsplatz" (the map's fuzzy name search, one entry per place, labelled)
- `nearby_places` (baseline): the old "around me" — `mobile.guidance.places.nearby` over the
  same places, places only, no labels

    .venv/bin/python bench/bench_app_questions.py [--osm PATH] [--every 15] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stats import summary  # noqa: E402

from accessibility.voices import RecorderVoice  # noqa: E402
from lotse_common.settings import settings  # noqa: E402
from mobile.app.controller import GuideController  # noqa: E402
from mobile.guidance.places import nearby  # noqa: E402
from mobile.positioning.gps import FakeGps  # noqa: E402
from routing_service.ingest import load_network  # noqa: E402

WHEN = datetime(2026, 11, 23, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--osm", type=Path, help="OSM extract (default: the configured one)")
    parser.add_argument("--every", type=int, default=15, help="ask at every n-th node")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    cfg = settings()
    net = load_network(args.osm or cfg.osm_path, cache_dir=cfg.cache_dir)
    now = [0.0]
    gps = FakeGps()
    ctl = GuideController(RecorderVoice(clock=lambda: now[0]), network=net, gps=gps,
                          clock=lambda: now[0], wall_clock=lambda: WHEN)
    ctl.start_radio()
    perf = time.perf_counter
    s0 = perf()
    ctl.ask.surroundings.items(float(net.node_lat[0]), float(net.node_lon[0]), 1.0)
    index_ms = (perf() - s0) * 1e3  # the crossing/intersection index, built once per map

    calls = {
        "where_am_i": ctl.where_am_i,
        "around": ctl.around,
        "ahead": ctl.ahead,
        "search_category": lambda: ctl.search("Apotheke"),
        "search_name": lambda: ctl.search("Stiftsplatz"),
    }
    timings: dict[str, list[float]] = {name: [] for name in (*calls, "nearby_places")}
    previous = None
    for node in range(0, net.n_nodes, args.every):
        lat, lon = float(net.node_lat[node]), float(net.node_lon[node])
        for fix in ((previous or (lat, lon)), (lat, lon)):  # two fixes: a walking direction
            now[0] += 1.0
            gps.emit(*fix, 8.0)
            ctl.tick(now[0])
        previous = (lat, lon)
        for name, call in calls.items():
            s0 = perf()
            call()
            timings[name].append(perf() - s0)
        s0 = perf()
        nearby(ctl.places, lat, lon, 60.0, WHEN)
        timings["nearby_places"].append(perf() - s0)

    result = {name: summary(samples, "ms", digits=3) for name, samples in timings.items()}
    base = result["nearby_places"]["median_ms"]
    print(f"{net.source_name or args.osm}: {net.n_nodes} nodes, {len(net.places)} places; "
          f"junction index built in {index_ms:.0f} ms")
    print(f"{'question':<18}{'median ms':>11}{'p95 ms':>10}{'p99 ms':>10}{'n':>6}"
          f"{'× baseline':>12}")
    for name, r in result.items():
        print(f"{name:<18}{r['median_ms']:>11.2f}{r['p95_ms']:>10.2f}{r['p99_ms']:>10.2f}"
              f"{r['n']:>6}{r['median_ms'] / base:>12.1f}")
    if args.json:
        args.json.write_text(json.dumps({"index_ms": index_ms, "timings": result}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
