"""``lotse replay LOG [--truth ROUTE] [--out DIR]``: re-run a tester log and write a report.

Prints two lines on success: the verdict (arrived and arrival said, off-route alarms false and
real, late and missing instructions, silent stretches, worst position error) and the summary.
Bad input (no such log, a log without one valid line, an
unreadable truth or beacon plan) is one line on stderr and exit code 2, never a traceback;
corrupt lines inside a log are only counted and listed in the report.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lotse replay",
        description="Re-run a tester log through the current positioning and guidance code "
                    "and write DIR/report.html with plots.")
    p.add_argument("log", type=Path, help="the log (JSON Lines); rotated parts are read too")
    p.add_argument("--truth", type=Path, metavar="ROUTE",
                   help="the true route: GeoJSON LineString or route JSON")
    p.add_argument("--out", type=Path, metavar="DIR", default=None,
                   help="report folder (default: <log name>-report beside the log)")
    p.add_argument("--beacons", type=Path, metavar="PLAN", default=None,
                   help="beacon plan GeoJSON: where the re-run's beacons hang, and 'heard vs "
                        "expected' "
                        "(default: the shipped inner-city plan)")
    p.add_argument("--lang", choices=("de", "en"), default="de",
                   help="language of the report and the verdict line (default: de)")
    p.add_argument("--speech-lang", choices=("de", "en"), default=None,
                   help="language of the re-run's announcements (default: as on the walk)")
    p.add_argument("--osm", type=Path, metavar="EXTRACT", default=None,
                   help="OSM extract: the re-run's places and the map's streets "
                        "(default: the service area)")
    p.add_argument("--no-streets", action="store_true",
                   help="load no extract: no streets on the map, no places in the re-run")
    p.add_argument("--session", metavar="ID", default=None,
                   help="the session to report when the file holds several (default: longest)")
    p.add_argument("--no-rerun", action="store_true", help="only report what the log holds")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also show the warnings of the re-run code (pipeline, guidance)")
    return p


def _quiet_logging(verbose: bool) -> None:
    """Replay's own warnings, one line each; the re-run code's only with --verbose (a replay of
    a bad walk would otherwise repeat every warning the phone had)."""
    logging.basicConfig(format="lotse replay: %(message)s",
                        level=logging.WARNING if verbose else logging.ERROR)
    for name in ("tester_log.review.replay", "tester_log.review.report",
                 "tester_log.review.inputs", "tester_log.schema"):
        logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _quiet_logging(args.verbose)
    os.environ.setdefault("MPLBACKEND", "Agg")
    from lotse_common.settings import settings
    from tester_log.review.replay import replay
    from tester_log.review.report import write_report

    out = args.out or args.log.with_name(args.log.stem + "-report")
    from mobile.ble.plan import PLAN_PATH

    plan = args.beacons or (PLAN_PATH if PLAN_PATH.exists() else None)
    try:
        osm = None if args.no_streets else (args.osm or settings().osm_path)
        data = replay(args.log, truth_path=args.truth, plan_path=plan, lang=args.speech_lang,
                      do_rerun=not args.no_rerun, osm_path=osm, cache_dir=settings().cache_dir,
                      session=args.session)
        summary = write_report(out, data, lang=args.lang)
    except (ValueError, OSError) as exc:
        print(f"lotse replay: {exc}", file=sys.stderr)
        return 2
    print(summary.verdict_line())
    print(summary.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
