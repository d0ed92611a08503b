"""Replay throughput: how fast a tester log re-runs through the real pipeline, against a baseline
of only reading and validating the same lines, in the same run on the same machine.

The log is a simulated walk (engine simulator, shipped beacon plan, real route over the
inner-city extract) written by ``TripLogger``, or ``--log FILE`` with ``--plan PLAN``.
Per event: the baseline is ``decode_line`` (JSON parse + schema check) of one line; the replay is
one fed advertisement or GPS fix including the pipeline ticks before it (``rerun(timings=…)``).
Throughput counts every line of the log over the whole replay (read + re-run), since that is what
``lotse replay`` has to get through.

    .venv/bin/python bench/bench_replay.py [--log FILE --plan PLAN] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from stats import summary  # noqa: E402

from tester_log.review.replay import load_plan, rerun  # noqa: E402
from tester_log.schema import decode_line, read_log  # noqa: E402

#: a 600 m walk through the inner city (12 maneuvers)
BENCH_DESTINATION = (49.4420, 7.7720)


def make_walk_log(folder: Path) -> tuple[Path, Path]:
    from lotse_common.settings import settings
    from routing_service.ingest import load_network
    from routing_service.router import Router
    from tests.triplog.walklog import ORIGIN, simulate

    net = load_network(settings().osm_path, cache_dir=settings().cache_dir)
    route = Router(net).route(origin=ORIGIN, destination=BENCH_DESTINATION, profile="blind",
                              lang="de").to_dict()
    walk = simulate(folder / "bench.jsonl", route)
    return walk.log, walk.plan_path


def baseline(lines: list[bytes]) -> tuple[list[float], float]:
    per_line = []
    started = time.perf_counter()
    for raw in lines:
        t0 = time.perf_counter()
        decode_line(raw)
        per_line.append(time.perf_counter() - t0)
    return per_line, time.perf_counter() - started


def replay_once(log: Path, records: list[dict]) -> tuple[list[float], float, int]:
    per_event: list[float] = []
    started = time.perf_counter()
    read = read_log(log, include_rotated=True)
    rerun(read, records, timings=per_event)
    return per_event, time.perf_counter() - started, len(read.events)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", type=Path, help="an existing tester log (default: simulate a walk)")
    ap.add_argument("--plan", type=Path, help="its beacon plan (default: the shipped plan)")
    ap.add_argument("--runs", type=int, default=3, help="replays (and baseline passes) to time")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.log is None:
            t0 = time.perf_counter()
            log, plan = make_walk_log(Path(tmp))
            print(f"simulated walk logged in {time.perf_counter() - t0:.1f} s")
        else:
            log, plan = args.log, args.plan
        records = load_plan(plan) if plan else []
        lines = [ln for ln in log.read_bytes().splitlines() if ln.strip()]
        base_samples, base_totals, rep_samples, rep_totals = [], [], [], []
        events = 0
        for _ in range(args.runs):  # interleaved, so a busy neighbour hits both alike
            samples, total = baseline(lines)
            base_samples += samples
            base_totals.append(total)
            samples, total, events = replay_once(log, records)
            rep_samples += samples
            rep_totals.append(total)
    base_rate = len(lines) / statistics.median(base_totals)
    rep_rate = events / statistics.median(rep_totals)
    result = {
        "log_lines": len(lines), "log_bytes": log.stat().st_size if log.exists() else None,
        "fed_events": len(rep_samples) // args.runs, "runs": args.runs,
        "baseline": {"events_per_s": round(base_rate), **summary(base_samples, "us", 1)},
        "replay": {"events_per_s": round(rep_rate), "wall_s": round(min(rep_totals), 2),
                   **summary(rep_samples, "us", 1)},
        "replay_vs_baseline_slowdown": round(base_rate / rep_rate, 1),
    }
    b, r = result["baseline"], result["replay"]
    print(f"log: {result['log_lines']} lines, {result['fed_events']} fed events (adverts + GPS)")
    print(f"{'':<10}{'events/s':>12}{'median µs':>12}{'p95 µs':>10}{'p99 µs':>10}")
    for name, row in (("baseline", b), ("replay", r)):
        print(f"{name:<10}{row['events_per_s']:>12}{row['median_us']:>12}{row['p95_us']:>10}"
              f"{row['p99_us']:>10}")
    print(f"replay is {result['replay_vs_baseline_slowdown']}x slower than read+validate; "
          f"whole log re-run in {r['wall_s']} s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
