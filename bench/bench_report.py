"""Staff report latency: how long `GET /v1/staff/logs/{id}/report` spends making the page of one
uploaded log (`tester_log.review.server.report_html`: verdict, map, error plot, inlined PNGs),
against a baseline of only reading and validating the same log, in the same run.

The log is a simulated walk (engine simulator, shipped beacon plan, real route over the
inner-city extract, as in bench_replay.py), or ``--log FILE``. Runs are interleaved (baseline,
report, baseline, …) so a busy neighbour on the machine slows both alike.

    .venv/bin/python bench/bench_report.py [--log FILE] [--runs 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("MPLBACKEND", "Agg")

from bench_replay import make_walk_log  # noqa: E402
from stats import summary  # noqa: E402

from tester_log.review.server import report_html  # noqa: E402
from tester_log.schema import parse_lines  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", type=Path, help="an existing tester log (default: simulate a walk)")
    ap.add_argument("--runs", type=int, default=5, help="reports (and baseline reads) to time")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        log = args.log or make_walk_log(Path(tmp))[0]
        content = log.read_bytes()
    report_html(content)  # warm-up: matplotlib's font cache, the beacon plan
    base, rep = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        parse_lines(content.splitlines())
        base.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        page = report_html(content)
        rep.append(time.perf_counter() - t0)
    result = {"log_bytes": len(content), "page_bytes": len(page.encode()), "runs": args.runs,
              "baseline_read": summary(base, "ms", 1), "report": summary(rep, "ms", 1)}
    result["report_vs_read"] = round(result["report"]["median_ms"]
                                     / result["baseline_read"]["median_ms"], 1)
    print(f"log {len(content) / 1e6:.2f} MB -> page {result['page_bytes'] / 1e6:.2f} MB")
    print(f"{'':<14}{'median ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for name, row in (("read+validate", result["baseline_read"]), ("report", result["report"])):
        print(f"{name:<14}{row['median_ms']:>10}{row['p95_ms']:>10}{row['p99_ms']:>10}")
    print(f"the report takes {result['report_vs_read']}x the time of reading the log")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
