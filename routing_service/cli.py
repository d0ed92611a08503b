"""``lotse route``: one accessible route from the shell, as text or as the HTTP body (--json).

Every failure is one line on stderr and a non-zero exit: 2 for bad arguments, 1 for a file
that cannot be loaded or a route that cannot be found.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from lotse import ATTRIBUTION
from routing_service.errors import LotseRoutingError
from routing_service.options import PROFILES, RouteOptions

log = logging.getLogger(__name__)


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus a message; a screen-reader user wants just the message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"lotse {self.prog.split()[-1]}: {message}\n")


def latlon(text: str) -> tuple[float, float]:
    """'49.44,7.77' -> (49.44, 7.77)."""
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LAT,LON, got {text!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError(f"{text!r} is not a latitude,longitude pair")
    return lat, lon


def _parser() -> argparse.ArgumentParser:
    p = _OneLineParser(prog="lotse route", description="Compute an accessible walking route.")
    p.add_argument("--osm", type=Path, help="OSM extract (.osm, .osm.gz, .osm.bz2, .pbf); "
                   "default: the inner-city extract")
    p.add_argument("--from", dest="origin", type=latlon, required=True, metavar="LAT,LON")
    p.add_argument("--to", dest="destination", type=latlon, required=True, metavar="LAT,LON")
    p.add_argument("--profile", choices=PROFILES, default="blind")
    p.add_argument("--lang", choices=("de", "en"), default="de")
    p.add_argument("--json", action="store_true", help="print the HTTP response body")
    p.add_argument("--avoid-steps", action="store_true")
    p.add_argument("--signalled-crossings-only", action="store_true")
    p.add_argument("--prefer-tactile-paving", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--max-detour-factor", type=float, metavar="X")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from lotse.paths import settings
    from routing_service.ingest import load_network
    from routing_service.router import Router

    conf = settings()
    try:
        net = load_network(args.osm or conf.osm_path, cache_dir=conf.cache_dir)
        options = RouteOptions(avoid_steps=args.avoid_steps,
                               signalled_crossings_only=args.signalled_crossings_only,
                               prefer_tactile_paving=args.prefer_tactile_paving,
                               max_detour_factor=args.max_detour_factor)
        route = Router(net).route(args.origin, args.destination, profile=args.profile,
                                  options=options, lang=args.lang)
    except LotseRoutingError as exc:
        print(f"lotse route: {exc.message(args.lang)}", file=sys.stderr)
        return 1
    body = route.to_dict()
    if args.json:
        print(json.dumps(body, ensure_ascii=False, indent=1))
        return 0
    print(f"{body['distance_m']:.0f} m, {body['duration_s'] / 60:.0f} min ({args.profile})")
    for i, m in enumerate(body["maneuvers"], 1):
        tail = f"  ({m['distance_m']:.0f} m)" if m["distance_m"] else ""
        print(f"{i:2}. {m['text']}{tail}")
    for w in body["warnings"]:
        print(f"! {w}")
    print(ATTRIBUTION)
    return 0
