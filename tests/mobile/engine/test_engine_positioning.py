"""Positioning on synthetic streams with known truth: filter, path loss, trilateration, matching."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mobile.positioning.beacons import (
    BeaconInfo,
    BeaconPositioner,
    PositionSettings,
    position_phrase,
)
from mobile.positioning.geo import RouteLine, to_latlon, to_xy
from mobile.positioning.route_match import MatchSettings, RouteMatcher
from mobile.positioning.rssi import (
    KalmanRssi,
    RssiFilterSettings,
    distance_from_rssi,
    rssi_at_distance,
)

ORIGIN = (49.4440, 7.7690)  # Marktstraße area
POWER = -59


def beacon_at(dx: float, dy: float, key: str) -> BeaconInfo:
    x0, y0 = to_xy(*ORIGIN)
    lat, lon = to_latlon(x0 + dx, y0 + dy)
    return BeaconInfo.make(key, lat, lon, POWER, {"de": f"Mast {key}"})


def noisy_rssi(rng, d: float, sigma: float = 5.0) -> float:
    return rssi_at_distance(d, POWER) + float(rng.normal(0, sigma))


def test_path_loss_model_round_trips_and_clamps():
    for d in (1.0, 4.0, 12.5, 30.0):
        assert distance_from_rssi(rssi_at_distance(d, POWER), POWER) == pytest.approx(d)
    assert distance_from_rssi(-59, -59) == pytest.approx(1.0)
    assert distance_from_rssi(-20, -59) == 0.5  # absurdly strong: clamped
    assert distance_from_rssi(-130, -59) == 60.0


def test_kalman_filter_cuts_rssi_noise():
    rng = np.random.default_rng(7)
    truth = rssi_at_distance(8.0, POWER)
    raw = [noisy_rssi(rng, 8.0) for _ in range(200)]
    f = KalmanRssi(0.0, raw[0], RssiFilterSettings(measurement_sigma_db=5.0))  # as fed
    filtered = [f.update(0.8 * i, r) for i, r in enumerate(raw[1:], 1)]
    raw_err = np.sqrt(np.mean((np.array(raw[20:]) - truth) ** 2))
    filt_err = np.sqrt(np.mean((np.array(filtered[19:]) - truth) ** 2))
    assert raw_err > 4.0
    assert filt_err < raw_err / 2


def test_static_phone_known_truth():
    """Four beacons on the corners of a 12.5 m square (the plan's spacing); the phone stands at
    (3, 2) from the centre; i.i.d. noise of 5 dB on every packet, no fixed shadowing, and a
    phone whose offset is already known to ±1 dB: the positioner is told all that."""
    rng = np.random.default_rng(3)
    beacons = [beacon_at(dx, dy, k) for k, (dx, dy) in
               enumerate([(-6.25, -6.25), (6.25, -6.25), (6.25, 6.25), (-6.25, 6.25)])]
    pos = BeaconPositioner(beacons, PositionSettings(fixed_sigma_db=0.0))
    pos.calibration.offset_var_db2 = 1.0
    truth = (3.0, 2.0)
    x0, y0 = to_xy(*ORIGIN)
    errors, stated = [], []
    for i in range(120):
        t = i * 0.25
        b = beacons[i % 4]
        d = math.hypot(b.x - (x0 + truth[0]), b.y - (y0 + truth[1]))
        assert pos.on_sighting(t, b.key, noisy_rssi(rng, d), POWER)
        fix = pos.estimate(t)
        if i >= 40:
            errors.append(math.hypot(fix.x - (x0 + truth[0]), fix.y - (y0 + truth[1])))
            stated.append(fix.uncertainty_m)
    assert fix.source == "beacon" and fix.beacons == 4
    assert np.median(errors) < 3.5
    assert 0.8 <= np.mean(np.array(stated) >= np.array(errors)) <= 1.0
    assert 0.0 < fix.quality <= 1.0


def test_walk_along_a_line_of_beacons_and_match_to_route():
    """Beacons every 12.5 m along a 150 m street; the walker goes 1.2 m/s; truth is known.
    This radio hears 75 % of packets at any distance up to 40 m (real phones hardly hear
    beyond 16 m), so the matcher does not weigh by whether beacons are heard."""
    rng = np.random.default_rng(11)
    x0, y0 = to_xy(*ORIGIN)
    beacons = [beacon_at(s, 2.0 if k % 2 else -2.0, f"b{k}")
               for k, s in enumerate(np.arange(0, 151, 12.5))]
    line = RouteLine([to_latlon(x0 + s, y0)[::-1] for s in (0.0, 75.0, 150.0)])
    pos = BeaconPositioner(beacons)
    matcher = RouteMatcher(line, MatchSettings(reception=False))
    phases = rng.uniform(0, 1, len(beacons))
    free_err, along_err = [], []
    for step in range(1, 110 * 4):
        t = step * 0.25
        s_true = min(t * 1.2, 150.0)
        for k, b in enumerate(beacons):
            if int(t - phases[k]) != int(t - 0.25 - phases[k]) and rng.random() > 0.25:
                d = math.hypot(b.x - (x0 + s_true), b.y - y0)
                if d < 40:
                    rssi = noisy_rssi(rng, d)
                    pos.on_sighting(t, b.key, rssi, POWER)
                    matcher.on_packet(t, b, rssi, POWER)
        fix = pos.estimate(t)
        if t > 10 and fix is not None and s_true < 150:
            free_err.append(math.hypot(fix.x - (x0 + s_true), fix.y - y0))
            along_err.append(abs(matcher.progress_at(t) - s_true))
    assert np.median(free_err) < 4.0
    assert np.median(along_err) < 1.5 and np.percentile(along_err, 95) < 3.5
    assert matcher.speed_mps == pytest.approx(1.2, abs=0.3)


def test_unknown_beacons_are_ignored_and_gps_is_the_fallback():
    pos = BeaconPositioner([beacon_at(0, 0, "known")])
    assert not pos.on_sighting(0.0, "stranger", -60, POWER)
    assert pos.estimate(0.0) is None
    pos.on_gps(1.0, ORIGIN[0], ORIGIN[1], 12.0)
    fix = pos.estimate(2.0)
    # the phone's accuracy is a 68 % radius; the stated uncertainty is the 90 % one
    assert fix.source == "gps" and fix.uncertainty_m == pytest.approx(12.0 * 1.42, abs=0.1)
    assert pos.estimate(30.0) is None  # a GPS fix too old is no position
    pos.on_sighting(31.0, "known", -65, POWER)
    assert pos.estimate(31.0).source == "beacon"  # beacons win when heard


def _fix_at(t: float, off: float, unc: float, cloud=None):
    from mobile.positioning.beacons import PositionFix

    x0, y0 = to_xy(*ORIGIN)
    lat, lon = to_latlon(x0 + 20, y0 + off)
    return PositionFix(t, lat, lon, x0 + 20, y0 + off, unc, "beacon", cloud=cloud)


def _street() -> RouteLine:
    x0, y0 = to_xy(*ORIGIN)
    return RouteLine([to_latlon(x0 + s, y0)[::-1] for s in (0.0, 100.0)])


def test_off_route_when_the_route_lies_outside_the_uncertainty_for_the_dwell_time():
    matcher = RouteMatcher(_street())
    for t in range(0, 10):
        assert not matcher.update_fix(_fix_at(float(t), 1.0, 3.0)).off_route
    states = [matcher.update_fix(_fix_at(float(t), 15.0, 3.0)) for t in range(10, 40)]
    first_off = next(s.t for s in states if s.off_route)
    assert 13.0 <= first_off <= 16.0  # 4 s of being outside, counted from the first fix off


def test_a_far_fix_that_is_unsure_is_not_off_route():
    """12 m off, but the fix itself says ±20 m: the route is inside what it is sure of."""
    matcher = RouteMatcher(_street())
    assert not any(matcher.update_fix(_fix_at(float(t), 12.0, 20.0)).off_route
                   for t in range(0, 60))


def test_off_route_by_the_posterior_not_by_its_mean():
    """A line of beacons cannot tell the two sides of the street apart: a walker 10 m off has a
    posterior with two lobes and its mean on the route. Off route is judged on the mass."""
    x0, y0 = to_xy(*ORIGIN)
    xs = np.full(2, x0 + 20.0)
    two_lobes = (xs, np.array([y0 - 10.0, y0 + 10.0]), np.array([0.5, 0.5]))
    on_line = (xs, np.array([y0 - 1.0, y0 + 1.0]), np.array([0.5, 0.5]))
    matcher = RouteMatcher(_street())
    for t in range(0, 8):
        assert not matcher.update_fix(_fix_at(float(t), 0.0, 11.0, on_line)).off_route
    states = [matcher.update_fix(_fix_at(float(t), 0.0, 11.0, two_lobes)) for t in range(8, 20)]
    assert states[0].offset_m == 0.0
    assert next(s.t for s in states if s.off_route) == 11.0  # 4 s from the first such fix


@pytest.mark.parametrize(("unc", "de", "en"), [
    (3.0, "Sie sind bei Eingang Rathaus.", "You are at Eingang Rathaus."),
    (9.0, "Sie sind in der Nähe von Eingang Rathaus.", "You are near Eingang Rathaus."),
    (20.0, "Sie sind ungefähr bei Eingang Rathaus.", "You are roughly at Eingang Rathaus."),
    (45.0, "Position ungenau, ungefähr bei Eingang Rathaus.",
     "Position uncertain, roughly at Eingang Rathaus."),
])
def test_how_sure_phrasing(unc, de, en):
    from mobile.positioning.beacons import PositionFix

    fix = PositionFix(0.0, *ORIGIN, 0.0, 0.0, unc, "beacon")
    assert position_phrase(fix, "Eingang Rathaus", "de") == de
    assert position_phrase(fix, "Eingang Rathaus", "en") == en
    assert position_phrase(None, None) == "Position unbekannt."
