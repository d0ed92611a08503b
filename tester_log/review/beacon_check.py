"""Which beacons staff should visit: the ones whose readings pulled the estimate off, and the ones
expected along the way but never heard.

A reading's residual is the distance its RSSI implies (the positioner's log-distance model, with
the walk's path-loss exponent) minus the true distance to where the plan says the beacon hangs.
A beacon whose median residual is far from zero reads as nearer or farther than it is — moved,
shielded, a wrong measured power in the plan — and drags every fix made with it. Needs a timed
truth (a simulated walk, or a tester's track); without one only "never heard" can be said.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from mobile.positioning.rssi import DEFAULT_PATH_LOSS_EXPONENT, MAX_DISTANCE_M, MIN_DISTANCE_M
from tester_log.review.analysis import BeaconRow, Truth, project

#: only readings this close to the beacon (true distance) count: farther ones are heard only when
#: shadowing lifts them, so they read too near whatever the beacon (m)
RESIDUAL_WITHIN_M = 10.0
#: a beacon needs this many close readings before its residual is trusted
MIN_READINGS = 5
#: a median residual beyond this many metres puts a beacon on the visit list
VISIT_RESIDUAL_M = 6.0
#: at most this many beacons are listed for their residuals (the worst first)
MAX_VISITS = 5
#: iBeacon measured power assumed when the advert does not say (dBm at 1 m)
DEFAULT_MEASURED_POWER = -59


def implied_distance_m(rssi: float, measured_power: float, exponent: float) -> float:
    """The log-distance model's range for one reading, clamped as the positioner clamps it."""
    d = 10 ** ((measured_power - rssi) / (10.0 * exponent))
    return min(max(d, MIN_DISTANCE_M), MAX_DISTANCE_M)


def path_loss_exponent(events: Sequence[dict]) -> float:
    """The exponent the walk's positioner used (v2 ``setup``), else the positioner's default."""
    setup = next((e for e in events if e["type"] == "setup"), {})
    value = (setup.get("positioning") or {}).get("path_loss_exponent")
    return float(value) if isinstance(value, int | float) else DEFAULT_PATH_LOSS_EXPONENT


def with_residuals(rows: Sequence[BeaconRow], adverts: Sequence[dict], truth: Truth,
                   exponent: float) -> list[BeaconRow]:
    """``rows`` with ``residual_m`` (median, m) filled for beacons with enough close readings."""
    placed = {r.key: project(r.lat, r.lon) for r in rows if r.lat is not None}
    used = [e for e in adverts if e["beacon"] in placed]
    if len(truth.timed) < 2 or not used:
        return list(rows)
    # where the walker truly was at every reading, interpolated in one pass
    times = np.array([f.t for f in truth.timed])
    ts = np.array([e["t"] for e in used])
    inside = (ts >= times[0]) & (ts <= times[-1])
    xs, ys = project(np.interp(ts, times, [f.lat for f in truth.timed]).tolist(),
                     np.interp(ts, times, [f.lon for f in truth.timed]).tolist())
    residuals: dict[str, list[float]] = {}
    for e, ok, x, y in zip(used, inside, xs, ys, strict=True):
        bx, by = placed[e["beacon"]]
        true_d = float(np.hypot(x - bx, y - by))
        if not ok or true_d > RESIDUAL_WITHIN_M:
            continue
        power = e.get("measured_power", DEFAULT_MEASURED_POWER)
        residuals.setdefault(e["beacon"], []).append(
            implied_distance_m(float(e["rssi"]), float(power), exponent) - max(true_d, 0.5))
    return [replace(r, residual_m=statistics.median(residuals[r.key]))
            if len(residuals.get(r.key, [])) >= MIN_READINGS else r for r in rows]


def needing_visit(rows: Sequence[BeaconRow]) -> list[BeaconRow]:
    """Never heard though expected, then the largest residuals beyond ``VISIT_RESIDUAL_M``."""
    silent = [r for r in rows if r.flag]
    off = sorted((r for r in rows if r.residual_m is not None
                  and abs(r.residual_m) > VISIT_RESIDUAL_M),
                 key=lambda r: -abs(r.residual_m or 0.0))
    return silent + off[:MAX_VISITS]
