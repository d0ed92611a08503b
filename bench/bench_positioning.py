"""Phone engine hot paths on a full simulated walk, against baselines measured in the same run.

Data: the real route Hauptbahnhof → Stiftsplatz on the inner-city extract, the shipped beacon plan,
the simulator's realistic radio (docs/RADIO.md). Every packet
and every 0.25 s tick of the walk is timed where the app would spend it:

- `parse_advert`: bleak AdvertisementData → beacon frame (the cheapest step; baseline 1)
- `on_advertisement`: parse + RSSI Kalman filter + route particle filter for one packet
- `position_fix`: one grid-posterior fix from the current readings (`grid_fix`)
- `pipeline_tick`: a full tick (fix when due, route match, off-route, guidance, speech queue)
- `queue_tick`: the speech queue's own tick with nothing to do (baseline 2)

    .venv/bin/python bench/bench_positioning.py [--seed 0] [--json out.json]
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

from accessibility.speech import SpeechQueue  # noqa: E402
from accessibility.voices import RecorderVoice  # noqa: E402
from lotse_common.settings import settings  # noqa: E402
from mobile.ble.frames import parse_advertisement  # noqa: E402
from mobile.ble.plan import beacon_infos, load_plan  # noqa: E402
from mobile.guidance.pipeline import GuidancePipeline  # noqa: E402
from mobile.simulation.model import RadioModel, SimulatedWalk, sim_beacons  # noqa: E402
from mobile.simulation.run import SimClock  # noqa: E402
from routing_service.ingest import load_network  # noqa: E402
from routing_service.router import Router  # noqa: E402

WHEN = datetime(2026, 11, 23, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))
TICK_S = 0.25


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    cfg = settings()
    net = load_network(cfg.osm_path, cache_dir=cfg.cache_dir)
    o = net.search_places("Hauptbahnhof", limit=1)[0]
    d = net.search_places("Stiftsplatz", limit=1)[0]
    body = Router(net).route((o["lat"], o["lon"]), (d["lat"], d["lon"]), when=WHEN).to_dict()
    plan = load_plan()
    clock = SimClock()
    queue = SpeechQueue(RecorderVoice(clock=clock), clock=clock)
    pipeline = GuidancePipeline(queue, beacon_infos(plan), places=net.places,
                                wall_clock=lambda: WHEN)
    pipeline.set_route(0.0, body)
    walk = SimulatedWalk(pipeline.route.line, sim_beacons(plan), RadioModel(), seed=args.seed)

    timings: dict[str, list[float]] = {k: [] for k in (
        "parse_advert", "on_advertisement", "position_fix", "pipeline_tick", "queue_tick")}
    perf = time.perf_counter
    wall_start = perf()
    k = 0
    while not pipeline.arrived and k * TICK_S < walk.duration_s + 20:
        k += 1
        t = k * TICK_S
        for pkt in walk.packets_until(t):
            clock.now = pkt.t
            s0 = perf()
            parse_advertisement(pkt.advert)
            s1 = perf()
            pipeline.on_advertisement(pkt.t, pkt.advert)
            s2 = perf()
            timings["parse_advert"].append(s1 - s0)
            timings["on_advertisement"].append(s2 - s1)
        clock.now = t
        if k % 4 == 0:  # one forced fix per second: the grid posterior's cost alone
            ranges = pipeline.positioner.ranges(t)
            if len(ranges) >= 2:
                s0 = perf()
                pipeline.positioner.locate(t, ranges)
                timings["position_fix"].append(perf() - s0)
        s0 = perf()
        pipeline.tick(t)
        s1 = perf()
        queue.tick()
        s2 = perf()
        timings["pipeline_tick"].append(s1 - s0)
        timings["queue_tick"].append(s2 - s1)
    wall = perf() - wall_start

    result = {name: summary(samples, "us") for name, samples in timings.items()}
    base = result["queue_tick"]["median_us"]
    walked_s = k * TICK_S
    walk_summary = {"route_m": round(float(body["distance_m"]), 1), "walk_s": walked_s,
                       "wall_s": round(wall, 2), "realtime_factor": round(walked_s / wall, 1),
                       "arrived": pipeline.arrived, "beacons_in_plan": len(plan)}
    print(f"walk {walk_summary['route_m']} m, {walked_s:.0f} s simulated in {wall:.2f} s "
          f"({walk_summary['realtime_factor']}x real time), arrived: {pipeline.arrived}")
    print(f"{'operation':<18}{'median µs':>11}{'p95 µs':>10}{'p99 µs':>10}{'n':>8}"
          f"{'× queue_tick':>14}")
    for name, r in result.items():
        print(f"{name:<18}{r['median_us']:>11.1f}{r['p95_us']:>10.1f}{r['p99_us']:>10.1f}"
              f"{r['n']:>8}{r['median_us'] / base:>14.1f}")
    if args.json:
        args.json.write_text(json.dumps({"summary": walk_summary, "timings": result}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
