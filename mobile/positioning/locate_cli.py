"""`lotse locate`: the phone's positioning on a real recording, with its error if truth is known.

    lotse locate --beacons BEACONS.csv --adverts ADVERTS.csv [--truth TRUTH.csv]
                 [--route ROUTE.geojson] --json

Prints one JSON object (`fixes`, `error_m`, `uncertainty_coverage`, `track`); see
`mobile.positioning.locate` for the file formats. A bad file gets one line naming file and row.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mobile.positioning.beacons import PositionSettings
from mobile.positioning.locate import (
    LocateInputError,
    locate,
    read_adverts,
    read_beacons,
    read_route,
    read_truth,
)
from mobile.positioning.rssi import DEFAULT_PATH_LOSS_EXPONENT


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lotse locate", description=__doc__.splitlines()[0])
    p.add_argument("--beacons", type=Path, required=True, help="id,lat,lon[,measured_power_dbm]")
    p.add_argument("--adverts", type=Path, required=True, help="t_s,beacon_id,rssi_dbm")
    p.add_argument("--truth", type=Path, help="t_s,lat,lon")
    p.add_argument("--route", type=Path, help="GeoJSON LineString: match along it")
    p.add_argument("--path-loss-exponent", type=float, default=DEFAULT_PATH_LOSS_EXPONENT,
                   metavar="N", help=f"default {DEFAULT_PATH_LOSS_EXPONENT}")
    p.add_argument("--json", action="store_true", help="print one JSON object (the default)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not 1.0 <= args.path_loss_exponent <= 5.0:
        print("lotse locate: --path-loss-exponent must be between 1 and 5", file=sys.stderr)
        return 1
    try:
        beacons = read_beacons(args.beacons)
        adverts = read_adverts(args.adverts, {b.key for b in beacons})
        truth = read_truth(args.truth) if args.truth else None
        route = read_route(args.route) if args.route else None
    except LocateInputError as exc:
        print(f"lotse locate: {exc}", file=sys.stderr)
        return 1
    out = locate(beacons, adverts, truth, route,
                 PositionSettings(path_loss_exponent=args.path_loss_exponent))
    try:
        print(json.dumps(out, ensure_ascii=False))
    except BrokenPipeError:
        return 0
    return 0
