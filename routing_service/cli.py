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

from lotse_common import ATTRIBUTION
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


def bbox(text: str) -> tuple[float, float, float, float]:
    """'7.76,49.43,7.78,49.45' -> (west, south, east, north)."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected W,S,E,N, got {text!r}") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise argparse.ArgumentTypeError(f"{text!r} is not a west,south,east,north box")
    return west, south, east, north


def _parser() -> argparse.ArgumentParser:
    p = _OneLineParser(prog="lotse route", description="Compute an accessible walking route.")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--osm", type=Path, help="OSM extract (.osm, .osm.gz, .osm.bz2, .pbf); "
                        "default: the inner-city extract")
    source.add_argument("--overpass-bbox", type=bbox, metavar="W,S,E,N",
                        help="fetch current OSM data for this box from Overpass (cached)")
    source.add_argument("--overpass-place", metavar="NAME",
                        help="fetch current OSM data for a place name from Overpass (cached)")
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
    from lotse_common.settings import settings
    from routing_service.ingest import load_network, load_network_online
    from routing_service.router import Router

    conf = settings()
    try:
        if args.overpass_bbox or args.overpass_place:
            net = load_network_online(bbox=args.overpass_bbox, place=args.overpass_place,
                                      cache_dir=conf.cache_dir)
        else:
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
