"""`lotse walk`: a simulated walk through the full guidance pipeline, printed (or spoken).

A virtual walker follows the route at walking speed; synthetic adverts from the shipped beacon
plan (or `--beacons`, or the server's registered beacons with `--server`) feed the app's real
pipeline. At the end: positioning error against the truth, and for each decision point how many
metres before it its instruction started.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lotse walk", description=__doc__.splitlines()[0])
    p.add_argument("--from", dest="origin", required=True, help="place name or LAT,LON")
    p.add_argument("--to", dest="destination", required=True, help="place name or LAT,LON")
    p.add_argument("--osm", type=Path, help="OSM extract (default: the inner city)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--log", type=Path, help="write the tester log (JSON Lines) to FILE")
    p.add_argument("--radio", choices=("realistic", "ideal"), default="realistic",
                   help="simulated radio (default realistic; ideal = i.i.d. noise, flat loss)")
    p.add_argument("--rssi-sigma", type=float, metavar="DB",
                   help="shadowing of one packet (dB; default 6 realistic, 5 ideal)")
    p.add_argument("--path-loss-exponent", type=float, metavar="N", help="default 2.7")
    p.add_argument("--drop-rate", type=float, metavar="P",
                   help="share of packets lost up close (default 0.35 realistic, 0.25 ideal)")
    p.add_argument("--leave-route-at", type=float, metavar="METRES",
                   help="turn off into the wrong street at the first junction after METRES")
    p.add_argument("--speed", type=float, default=1.2, metavar="M_PER_S")
    p.add_argument("--no-compass", action="store_true",
                   help="the simulated phone has no compass (off-route on the radio alone)")
    p.add_argument("--lang", choices=("de", "en"), default="de")
    p.add_argument("--beacons", type=Path, help="beacon plan GeoJSON (default: shipped plan)")
    p.add_argument("--server", help="use the beacons registered on this server (area bundle)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--speak", action="store_true", help="speak the announcements afterwards")
    out.add_argument("--wav", type=Path, metavar="DIR", help="write each announcement as WAV")
    return p


class WalkError(Exception):
    """One line for stderr."""


def _check(args: argparse.Namespace) -> None:
    if args.drop_rate is not None and not 0.0 <= args.drop_rate < 1.0:
        raise WalkError("--drop-rate must be at least 0 and below 1")
    if args.rssi_sigma is not None and not 0.0 <= args.rssi_sigma <= 20.0:
        raise WalkError("--rssi-sigma must be between 0 and 20 dB")
    if args.path_loss_exponent is not None and not 1.5 <= args.path_loss_exponent <= 5.0:
        raise WalkError("--path-loss-exponent must be between 1.5 and 5")
    if args.leave_route_at is not None and args.leave_route_at < 0:
        raise WalkError("--leave-route-at must be 0 or more metres")
    if not 0.2 <= args.speed <= 3.0:
        raise WalkError("--speed must be between 0.2 and 3 m/s")
    if args.wav is not None and args.wav.exists() and not args.wav.is_dir():
        raise WalkError(f"--wav {args.wav} is a file, not a folder")


def _point(net: Any, text: str) -> tuple[float, float, str]:
    parts = text.split(",")
    if len(parts) == 2:
        try:
            return float(parts[0]), float(parts[1]), text
        except ValueError:
            pass
    hits = net.search_places(text, limit=1)
    if not hits:
        raise WalkError(f"no place called {text!r} in this area")
    return float(hits[0]["lat"]), float(hits[0]["lon"]), str(hits[0]["name"])


def _beacons(args: argparse.Namespace) -> list[dict[str, Any]]:
    from mobile.ble.plan import load_plan

    if args.server:
        import tempfile

        from mobile.app.bundle import BundleClient, BundleUnavailable

        try:
            bundle = BundleClient(args.server, Path(tempfile.mkdtemp(prefix="lotse-walk-"))).sync()
        except BundleUnavailable as exc:
            raise WalkError(f"cannot get the registered beacons: {exc}") from None
        if not bundle.beacons:
            raise WalkError(f"the server at {args.server} has no registered beacons")
        return bundle.beacons
    try:
        return load_plan(args.beacons) if args.beacons else load_plan()
    except (OSError, ValueError, KeyError) as exc:
        raise WalkError(f"cannot read beacon plan: {exc}") from None


def run(args: argparse.Namespace) -> dict[str, Any]:
    from accessibility.speech import SpeechQueue
    from accessibility.voices import RecorderVoice
    from lotse_common.settings import settings
    from mobile.ble.plan import beacon_infos
    from mobile.guidance.callouts import SpeechPreferences
    from mobile.guidance.pipeline import GuidancePipeline
    from mobile.guidance.timings import GuidanceTimings
    from mobile.positioning.beacons import PositionSettings
    from mobile.positioning.rssi import DEFAULT_PATH_LOSS_EXPONENT
    from mobile.simulation.compass import SimulatedCompass
    from mobile.simulation.detour import NoDetour, wrong_turn
    from mobile.simulation.model import RadioModel, SimulatedWalk, sim_beacons
    from mobile.simulation.run import SimClock, left_route_report, run_walk
    from routing_service.errors import LotseRoutingError
    from routing_service.ingest import load_network
    from routing_service.router import Router

    cfg = settings()
    tick_s = GuidanceTimings().tick_s
    try:
        net = load_network(args.osm or cfg.osm_path, cache_dir=cfg.cache_dir)
        o_lat, o_lon, o_name = _point(net, args.origin)
        d_lat, d_lon, d_name = _point(net, args.destination)
        router = Router(net)
        when = datetime.now().astimezone()
        body = router.route((o_lat, o_lon), (d_lat, d_lon), lang=args.lang, when=when).to_dict()
    except LotseRoutingError as exc:
        raise WalkError(exc.message(args.lang)) from None
    records = _beacons(args)
    clock = SimClock()
    voice = RecorderVoice(clock=clock)
    logger = None
    if args.log is not None:
        from tester_log.writer import TripLogger

        logger = TripLogger(args.log, clock=clock)
        logger.event("app_start", t=0.0, lang=args.lang, started_at=when.isoformat(),
                     tick_s=tick_s)
    pipeline = GuidancePipeline(
        SpeechQueue(voice, clock=clock), beacon_infos(records),
        voice=SpeechPreferences(lang=args.lang),
        position_settings=PositionSettings(
            path_loss_exponent=args.path_loss_exponent or DEFAULT_PATH_LOSS_EXPONENT),
        places=net.places, logger=logger, wall_clock=lambda: when,
        rerouter=lambda lat, lon: router.route((lat, lon), (d_lat, d_lon), lang=args.lang,
                                               when=when).to_dict())
    radio = RadioModel.make(args.radio, args.rssi_sigma, args.path_loss_exponent, args.drop_rate)
    pipeline.log_setup(0.0, radio=asdict(radio), seed=args.seed)
    coordinates = len(args.destination.split(",")) == 2 and d_name == args.destination
    pipeline.set_route(0.0, body, destination_name=None if coordinates else d_name)
    assert pipeline.route is not None
    path = planned = pipeline.route.line
    detour = None
    if args.leave_route_at is not None:
        try:
            detour = wrong_turn(net, path, args.leave_route_at)
        except NoDetour as exc:
            raise WalkError(str(exc)) from None
        path = detour.path
    walk = SimulatedWalk(path, sim_beacons(records), radio, speed=args.speed, seed=args.seed)
    try:
        compass = None if args.no_compass else SimulatedCompass(walk)
        result = run_walk(pipeline, walk, clock, logger=logger, tick_s=tick_s, compass=compass)
    finally:
        if logger is not None:
            logger.close()
    out = result.to_json()
    out["radio"] = args.radio
    if detour is not None:
        out["left_route"] = left_route_report(result.announcements, walk, detour, planned)
    out.update({"from": {"name": o_name, "lat": o_lat, "lon": o_lon},
                "to": {"name": d_name, "lat": d_lat, "lon": d_lon},
                "route_distance_m": round(float(body["distance_m"]), 1),
                "beacons": len(records), "seed": args.seed,
                "attribution": body.get("attribution", "© OpenStreetMap contributors")})
    return out


def _print_text(out: dict[str, Any]) -> None:
    print(f"Walk {out['from']['name']} → {out['to']['name']}: {out['route_distance_m']} m, "
          f"{out['beacons']} beacons, seed {out['seed']}")
    for a in out["announcements"]:
        print(f"{a['t_s']:8.1f} s  {a['priority']:<8} {a['lat']:.5f},{a['lon']:.5f}  {a['text']}")
    err, fix = out["position_error_m"], out["fix_error_m"]
    print(f"position error: median {err['median']} m, p95 {err['p95']} m "
          f"(free beacon fix: median {fix['median']} m, p95 {fix['p95']} m)")
    print("decision points (instruction, metres before the point):")
    for d in out["decision_points"]:
        said = "never announced" if d["announced_m_before"] is None \
            else f"{d['announced_m_before']:.1f} m before"
        print(f"  #{d['index']:<3} {d['type']:<12} at {d['at_m']:7.1f} m: {said}")
    left = out.get("left_route")
    if left is not None:
        told = "never" if left["told_after_s"] is None else f"after {left['told_after_s']} s"
        print(f"left the route at {left['at_m']} m (t = {left['t_s']} s): told {told}; "
              f"re-route: {left['reroute_text'] or 'none'}")
    print(f"arrived: {'yes' if out['arrived'] else 'no'} after {out['duration_s']} s, "
          f"re-routes: {out['reroutes']}  ({out['attribution']})")


def _voice_out(out: dict[str, Any], args: argparse.Namespace) -> None:
    from accessibility.voices import NoVoiceError, default_voice, synthesize

    texts = [a for a in out["announcements"]]
    if args.wav is not None:
        args.wav.mkdir(parents=True, exist_ok=True)
        for i, a in enumerate(texts, 1):
            synthesize(a["text"], args.lang, args.wav / f"{i:03d}_{a['t_s']:07.1f}s.wav")
        return
    try:
        voice = default_voice()
    except NoVoiceError as exc:
        raise WalkError(f"cannot speak: {exc} (try --wav DIR)") from None
    import time

    for a in texts:
        time.sleep(voice.speak(a["text"], args.lang))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _check(args)
        out = run(args)
        if args.json:
            print(json.dumps(out, ensure_ascii=False))
        else:
            _print_text(out)
        if args.speak or args.wav is not None:
            _voice_out(out, args)
    except WalkError as exc:
        print(f"lotse walk: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `lotse walk | head`: the reader has enough, that is no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"lotse walk: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"lotse walk: {(str(exc).splitlines() or [repr(exc)])[0]}", file=sys.stderr)
        return 1
    return 0
