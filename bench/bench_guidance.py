"""Guidance quality on the realistic radio: inner-city walks, walkers who leave, real recordings.

Simulated (the realistic radio of `mobile.simulation.model`, the shipped beacon plan, real routes
between inner-city places on the OSM extract):

- on-route walks (`--walks` place pairs × `--seeds`): false off-route alarms (the walker never
  leaves), on-route position error (median, p95), decision points whose instruction started
  6 ± 2 m before them (all; those with a plan beacon within 15 m; those on GPS alone), and
  uncertainty coverage (share of free fixes whose stated uncertainty covered the truth), and
  why points miss: early / late counts, a histogram of the true metres before each point when
  its instruction started, and the estimate's along-route error at that moment;
- leave-route walks (the same pairs, `--leave-seeds` seeds): the walker turns off at the first
  junction after 40 % of the route (`mobile.simulation.detour`); seconds until "Sie haben die
  Route verlassen" from the junction and from the moment the walker was truly 4 m off the
  route, and whether the re-route that follows says which way to go.

The simulated phone carries a compass (`mobile.simulation.compass`, published error figures);
`--no-compass` measures the radio alone.

Real (`bench/uji_data.py`, the UJI BLE RSS database, CC BY 4.0, DOI 10.5281/zenodo.1618692):
free-fix error and coverage per phone through `lotse locate`'s function, beside the simulator's
figure for the same beacons, points and scan times.

    .venv/bin/python bench/bench_guidance.py [--walks 32] [--seeds 3] [--leave-seeds 1]
        [--radio realistic|ideal] [--no-compass] [--no-uji] [--no-sim] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accessibility.speech import SpeechQueue  # noqa: E402
from accessibility.voices import RecorderVoice  # noqa: E402
from lotse_common.geodesy import to_xy  # noqa: E402
from lotse_common.settings import settings  # noqa: E402
from mobile.ble.plan import beacon_infos, load_plan  # noqa: E402
from mobile.guidance.pipeline import GuidancePipeline  # noqa: E402
from mobile.positioning.beacons import BeaconInfo, PositionSettings  # noqa: E402
from mobile.positioning.locate import Advert, locate  # noqa: E402
from mobile.simulation.compass import SimulatedCompass  # noqa: E402
from mobile.simulation.detour import NoDetour, wrong_turn  # noqa: E402
from mobile.simulation.model import RadioModel, SimulatedWalk, sim_beacons  # noqa: E402
from mobile.simulation.run import (  # noqa: E402
    SimClock,
    announced_on_time,
    left_route_report,
    run_walk,
)
from routing_service.ingest import load_network  # noqa: E402
from routing_service.router import Router  # noqa: E402

WHEN = datetime(2026, 11, 23, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))
#: inner-city places (the routing core's place search finds each)
PLACES = ("Hauptbahnhof", "Stiftsplatz", "Rathaus", "Fackelbrunnen", "Schillerplatz",
          "Marktplatz", "Fruchthalle", "Altenhof", "Kerststraße", "Stiftskirche",
          "Pfalzbibliothek", "Eisenbahnstraße", "Kaiserpfalz", "Union")
#: walks shorter than this say little (m)
MIN_ROUTE_M = 250.0
#: a leaving walker turns off after this share of the route
LEAVE_AT = 0.4
#: a decision point with a plan beacon this close is "within beacon coverage" (m): nearer than
#: where reception halves (12 m) plus a little; beyond it the phone guides on GPS (σ 6 m)
COVERED_M = 15.0
#: a re-route that says which way: one of these words (German, the default language)
DIRECTION = re.compile(r"umdrehen|links|rechts|geradeaus|Uhr|Norden|Süden|Osten|Westen", re.I)


def routes(net, router: Router, n: int) -> list[tuple[str, str, dict]]:
    """`n` routes between the places, spread over all ordered pairs (every k-th pair)."""
    pairs = list(itertools.permutations(PLACES, 2))
    out = []
    for a, b in pairs[::max(len(pairs) // n, 1)] + pairs[1::2]:
        pa, pb = net.search_places(a, limit=1)[0], net.search_places(b, limit=1)[0]
        body = router.route((pa["lat"], pa["lon"]), (pb["lat"], pb["lon"]), when=WHEN).to_dict()
        if float(body["distance_m"]) >= MIN_ROUTE_M and (a, b) not in [o[:2] for o in out]:
            out.append((a, b, body))
        if len(out) >= n:
            break
    return out


def one_walk(net, router: Router, plan: list[dict], body: dict, dest: tuple[float, float],
             radio: RadioModel, seed: int, leave: bool, compass: bool = True) -> dict:
    clock = SimClock()
    pipeline = GuidancePipeline(
        SpeechQueue(RecorderVoice(clock=clock), clock=clock), beacon_infos(plan),
        places=net.places, wall_clock=lambda: WHEN,
        position_settings=PositionSettings(path_loss_exponent=radio.path_loss_exponent),
        rerouter=lambda lat, lon: router.route((lat, lon), dest, when=WHEN).to_dict())
    pipeline.set_route(0.0, body)
    assert pipeline.route is not None
    path = planned = pipeline.route.line
    detour = None
    if leave:
        detour = wrong_turn(net, path, LEAVE_AT * float(body["distance_m"]))
        path = detour.path
    walk = SimulatedWalk(path, sim_beacons(plan), radio, seed=seed)
    result = run_walk(pipeline, walk, clock,
                      compass=SimulatedCompass(walk) if compass else None)
    out = {"errors": result.errors_m, "fix_errors": result.fix_errors_m,
           "fix_unc": result.fix_uncertainty_m,
           "alarms": sum(a["kind"] == "off_route" for a in result.announcements),
           "poor": sum(a["kind"] == "position" and "ungenau" in a["text"]
                       for a in result.announcements)}
    if detour is not None:
        out["left"] = left_route_report(result.announcements, walk, detour, planned)
    else:
        tree = _beacon_tree(plan)
        out["points"] = [(announced_on_time(p, result.decision_points),
                          bool(tree.query(to_xy(p["lat"], p["lon"]))[0] <= COVERED_M))
                         for p in result.decision_points]
        out["timing"] = _timing(result)
    return out


def _timing(result) -> list[tuple[float | None, float | None]]:
    """Per decision point that leads its instruction: (true metres before it when the speech
    started, estimated minus true progress at that moment): why a point missed 6 ± 2 m."""
    said = {a["maneuver"]: a for a in result.announcements
            if a["kind"] in ("instruction", "depart")}
    out = []
    for p in result.decision_points:
        if p["chained_with"] is not None:
            continue
        a = said.get(p["index"])
        err = None if a is None or a["est_progress_m"] is None else \
            a["est_progress_m"] - a["true_progress_m"]
        out.append((p["announced_m_before"], err))
    return out


def timing_report(timing: list[tuple[float | None, float | None]]) -> dict:
    """Misses early / late / never, a histogram of the metres before, and the estimate's
    along-route error when the instruction started."""
    before = np.array([b for b, _ in timing if b is not None])
    errors = np.array([e for _, e in timing if e is not None])
    edges = np.arange(-2.0, 13.0, 1.0)
    counts, _ = np.histogram(np.clip(before, edges[0], edges[-1] - 0.01), edges)
    return {
        "leading_points": len(timing),
        "early_over_8m": int((before > 8.0).sum()), "late_under_4m": int((before < 4.0).sum()),
        "never": sum(b is None for b, _ in timing),
        "metres_before_histogram": {f"{lo:.0f}..{lo + 1:.0f}": int(n)
                                    for lo, n in zip(edges[:-1], counts, strict=True)},
        "estimate_minus_true_m": {
            "mean": round(float(errors.mean()), 2), "sd": round(float(errors.std()), 2),
            "p5": round(float(np.percentile(errors, 5)), 2),
            "p95": round(float(np.percentile(errors, 95)), 2),
            "beyond_2m": int((np.abs(errors) > 2.0).sum())},
    }


_TREES: dict[int, cKDTree] = {}


def _beacon_tree(plan: list[dict]) -> cKDTree:
    if id(plan) not in _TREES:
        _TREES[id(plan)] = cKDTree([to_xy(float(b["lat"]), float(b["lon"])) for b in plan])
    return _TREES[id(plan)]


def simulated(args: argparse.Namespace) -> dict:
    cfg = settings()
    net = load_network(cfg.osm_path, cache_dir=cfg.cache_dir)
    router = Router(net)
    plan = load_plan()
    radio = RadioModel.make(args.radio)
    pairs = routes(net, router, args.walks)
    errors, fix_errors, fix_unc, windows, alarms, leaves, poor = [], [], [], [], [], [], 0
    timing: list[tuple[float | None, float | None]] = []
    started = time.perf_counter()
    for (a, b, body), seed in itertools.product(pairs, range(args.seeds)):
        dest = tuple(body["geometry"]["coordinates"][-1][::-1])
        w = one_walk(net, router, plan, body, dest, radio, seed, leave=False,
                     compass=not args.no_compass)
        errors += w["errors"]
        fix_errors += w["fix_errors"]
        fix_unc += w["fix_unc"]
        windows += w["points"]
        timing += w["timing"]
        poor += w["poor"]
        alarms.append(w["alarms"])
        if w["alarms"]:
            print(f"  false alarm: {a} → {b} seed {seed}: {w['alarms']}", flush=True)
    for (a, b, body), seed in itertools.product(pairs, range(args.leave_seeds)):
        dest = tuple(body["geometry"]["coordinates"][-1][::-1])
        try:
            w = one_walk(net, router, plan, body, dest, radio, seed, leave=True,
                         compass=not args.no_compass)
        except NoDetour:
            continue
        left = w["left"]
        left["walk"] = f"{a} → {b} seed {seed}"
        left["direction"] = bool(left["reroute_text"] and DIRECTION.search(left["reroute_text"]))
        leaves.append(left)
    told = [x["told_after_s"] for x in leaves]
    errs = np.array(errors)
    return {
        "radio": args.radio, "compass": not args.no_compass, "walks": len(pairs),
        "seeds": args.seeds,
        "wall_s": round(time.perf_counter() - started, 1),
        "false_alarms": int(sum(alarms)), "walks_with_false_alarm": int(sum(x > 0 for x in alarms)),
        "position_poor_said": poor,
        "on_route_error_m": {"median": round(float(np.median(errs)), 2),
                             "p95": round(float(np.percentile(errs, 95)), 2)},
        "free_fix_error_m": {"median": round(float(np.median(fix_errors)), 2),
                             "p95": round(float(np.percentile(fix_errors, 95)), 2)},
        "uncertainty_coverage": round(float(np.mean(np.array(fix_unc) >= np.array(fix_errors))),
                                      3),
        "decision_points_6pm2_share": round(float(np.mean([w for w, _ in windows])), 3),
        "decision_points": len(windows),
        "decision_points_6pm2_share_beacon_covered": _share([w for w, c in windows if c]),
        "decision_points_beacon_covered": sum(c for _, c in windows),
        "decision_points_6pm2_share_gps_only": _share([w for w, c in windows if not c]),
        "decision_point_timing": timing_report(timing),
        "leave_walks": len(leaves),
        "left_told_within_15s": sum(t is not None and t <= 15.0 for t in told),
        "left_told_within_15s_of_being_4m_off": sum(
            x["told_after_off_s"] is not None and x["told_after_off_s"] <= 15.0 for x in leaves),
        "left_told_after_s": {"median": _median(told), "max": max(
            (t for t in told if t is not None), default=None),
                              "never": sum(t is None for t in told)},
        "left_rerouted_with_direction": sum(x["direction"] for x in leaves),
        "left_false_before": sum(x["false_before"] for x in leaves),
        "leave_details": leaves,
    }


def _share(flags: list[bool]) -> float | None:
    return round(float(np.mean(flags)), 3) if flags else None


def _median(values: list) -> float | None:
    got = [v for v in values if v is not None]
    return round(float(np.median(got)), 1) if got else None


def uji(args: argparse.Namespace) -> dict:
    from uji_data import fit_radio, recordings, simulated_twin

    recs = recordings()
    per_phone: dict[str, dict[str, list]] = {}
    for rec in recs:
        beacons = [BeaconInfo.make(b[0], b[1], b[2], -59) for b in rec.beacons]
        truth = np.array([(t, *to_xy(lat, lon)) for t, lat, lon, _, _ in rec.truth])
        setting = PositionSettings()  # the phone's defaults: nothing fitted to the site
        real = locate(beacons, [Advert(*a) for a in rec.adverts], truth, None, setting,
                      keep_errors=True)
        twin = simulated_twin(rec, RadioModel.make(args.radio), 0)
        sim = locate(beacons, [Advert(*a) for a in twin], truth,
                     None, setting, keep_errors=True)
        slot = per_phone.setdefault(f"phone{rec.phone}", {"real": [], "cov": [], "sim": []})
        slot["real"] += real["errors"]
        slot["cov"].append((real["uncertainty_coverage"], real["scored"]))
        slot["sim"] += sim["errors"]
    out = {}
    for phone, slot in sorted(per_phone.items()):
        cov = sum(c * n for c, n in slot["cov"]) / sum(n for _, n in slot["cov"])
        out[phone] = {"real_median_m": round(float(np.median(slot["real"])), 2),
                      "real_p95_m": round(float(np.percentile(slot["real"], 95)), 2),
                      "real_coverage": round(cov, 3),
                      "sim_median_m": round(float(np.median(slot["sim"])), 2),
                      "sim_p95_m": round(float(np.percentile(slot["sim"], 95)), 2)}
    return {"per_phone": out, "fit": fit_radio(recs)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--walks", type=int, default=32)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--leave-seeds", type=int, default=1)
    p.add_argument("--radio", choices=("realistic", "ideal"), default="realistic")
    p.add_argument("--no-uji", action="store_true")
    p.add_argument("--no-compass", action="store_true",
                   help="the simulated phone has no compass (off-route on the radio alone)")
    p.add_argument("--no-sim", action="store_true")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    out: dict = {}
    if not args.no_uji:
        out["uji"] = uji(args)
        print(json.dumps(out["uji"]["per_phone"], indent=1), flush=True)
    if not args.no_sim:
        out["simulated"] = simulated(args)
        print(json.dumps({k: v for k, v in out["simulated"].items() if k != "leave_details"},
                         indent=1, ensure_ascii=False))
        for x in out["simulated"]["leave_details"]:
            print(f"  left {x['walk']}: told after {x['told_after_s']} s "
              f"({x['told_after_off_s']} s after being 4 m off); "
                  f"{x['reroute_text']}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
