"""What the phone learns about a site's radio, how much one packet is worth to the route
matcher, and the compass: simulated with published errors, and telling a side street from the
route."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lotse_common.geodesy import to_latlon, to_xy
from mobile.positioning.beacons import PositionFix
from mobile.positioning.calibration import RadioCalibration
from mobile.positioning.geo import RouteLine
from mobile.positioning.grid_fix import Reading, grid_fix
from mobile.positioning.route_match import RouteMatcher
from mobile.positioning.rssi import correlated_sigma_db
from mobile.simulation.compass import CompassModel, SimulatedCompass
from mobile.simulation.model import RadioModel, SimulatedWalk

ORIGIN = (49.4440, 7.7690)


@pytest.mark.parametrize("true_sigma", [2.5, 4.0, 6.5])
def test_site_shadowing_is_learnt_from_the_scatter_of_residuals(true_sigma):
    """Residuals of good fixes whose leverage took up a quarter of them: the learnt fixed
    shadowing lands near the true one, whatever the configured 5 dB said."""
    rng = np.random.default_rng(4)
    cal = RadioCalibration(shadow_prior_db2=25.0)
    known = 1.0  # the filter's variance (dB²)
    for _ in range(400):
        keys = [f"b{i}" for i in range(4)]
        full = rng.normal(0.0, math.sqrt(true_sigma**2 + known + 4.0), 4)  # + beacon power
        shrunk = full * math.sqrt(0.75)  # what a fit with leverage 0.25 leaves of them
        cal.learn(0.0, 0.0, dict(zip(keys, shrunk, strict=True)), 3.0,
                  dict.fromkeys(keys, 0.25), dict.fromkeys(keys, known))
        cal._sums.clear(), cal._counts.clear()  # the beacon biases are not what is tested
    assert math.sqrt(cal.shadow_var_db2) == pytest.approx(true_sigma, abs=0.6)


def test_unsure_fixes_and_high_leverage_teach_nothing():
    cal = RadioCalibration(shadow_prior_db2=25.0)
    cal.learn(0.0, 0.0, {"a": 20.0}, 12.0, {"a": 0.2}, {"a": 1.0})  # fix ±12 m
    cal.learn(0.0, 0.0, {"a": 0.0}, 3.0, {"a": 0.95}, {"a": 1.0})  # it fitted itself
    assert cal.shadow_var_db2 == 25.0


def test_leverage_of_a_fix_is_a_share_of_each_reading():
    x0, y0 = to_xy(*ORIGIN)
    readings = [Reading(f"b{i}", x0 + dx, y0 + dy, -59 - 27 * math.log10(math.hypot(dx, dy)),
                        30.0, -59.0) for i, (dx, dy) in enumerate([(5, 0), (-5, 1), (0, 6),
                                                                   (1, -7)])]
    g = grid_fix(readings, 2.7, 0.0, 9.0, 0.9, 15.0)
    h = np.array(list(g.leverage.values()))
    assert ((h > 0.0) & (h < 1.0)).all()
    # place (2) and offset (at most 1, it has a prior) are fitted: the shares add up to that
    assert 2.0 < h.sum() <= 3.0


def test_packet_sigma_counts_shared_errors_as_often_as_they_are_shared():
    alone = correlated_sigma_db(beacon_db=0.0, correlation_m=1e-3)
    assert alone == pytest.approx(math.hypot(3.3, 5.0))  # nothing shared: the plain σ
    assert correlated_sigma_db() > alone + 3.0  # shared shadowing and beacon power
    assert correlated_sigma_db(speed_mps=0.3) > correlated_sigma_db()  # slower: more shared


def _walk(seed: int) -> SimulatedWalk:
    x0, y0 = to_xy(*ORIGIN)
    line = RouteLine([to_latlon(x0, y0)[::-1], to_latlon(x0 + 100, y0)[::-1],
                      to_latlon(x0 + 100, y0 + 100)[::-1]])
    return SimulatedWalk(line, [], RadioModel(), seed=seed)


def test_simulated_compass_errs_like_a_phone_and_repeats_with_its_seed():
    errors = []
    for seed in range(30):
        compass = SimulatedCompass(_walk(seed))
        for t, deg in compass.readings_until(150.0):
            errors.append((deg - compass.true_heading(t) + 180.0) % 360.0 - 180.0)
    rms = float(np.sqrt(np.mean(np.square(errors))))
    assert rms == pytest.approx(CompassModel().rms_deg, rel=0.25)
    assert 10.0 <= rms <= 20.0  # published: ~17° RMSE of a robust phone heading filter
    assert SimulatedCompass(_walk(3)).readings_until(20.0) == \
        SimulatedCompass(_walk(3)).readings_until(20.0)
    # it follows the walk: east first, north after the corner at 100 m
    compass = SimulatedCompass(_walk(0))
    readings = compass.readings_until(120.0)
    assert compass.true_heading(10.0) == pytest.approx(90.0, abs=1.0)
    assert compass.true_heading(110.0) == pytest.approx(0.0, abs=1.0)
    assert len(readings) == 481


def _fix(t: float, cloud) -> PositionFix:
    x0, y0 = to_xy(*ORIGIN)
    lat, lon = to_latlon(x0 + 20, y0)
    return PositionFix(t, lat, lon, x0 + 20, y0, 8.0, "beacon", cloud=cloud)


@pytest.mark.parametrize(("heading", "off"), [(0.0, True), (95.0, False), (None, False)])
def test_compass_away_from_the_route_with_a_split_posterior_is_off_route(heading, off):
    """A walker in a side street without beacons: 40 % of the fix's posterior still lies on
    the route (too much for the radio alone to call it). A compass pointing north, across the
    street running east, decides it; one pointing along the street, or none, does not."""
    x0, y0 = to_xy(*ORIGIN)
    split = (np.full(2, x0 + 20.0), np.array([y0, y0 + 15.0]), np.array([0.4, 0.6]))
    matcher = RouteMatcher(RouteLine([to_latlon(x0 + s, y0)[::-1] for s in (0.0, 100.0)]))
    states = []
    for k in range(0, 80):
        t = k * 0.25
        if heading is not None:
            matcher.on_heading(t, heading)
        if k % 4 == 0:
            states.append(matcher.update_fix(_fix(t, split)))
    assert any(s.off_route for s in states) is off
    if off:
        assert next(s.t for s in states if s.off_route) <= 10.0


@pytest.mark.parametrize(("heading", "off"), [(270.0, True), (90.0, False), (200.0, False)])
def test_walking_the_route_backwards_is_off_its_way(heading, off):
    """The whole posterior on the route line: the radio alone sees nothing wrong. A compass
    pointing back the way the route came (more than 135° from it) does."""
    x0, y0 = to_xy(*ORIGIN)
    on_line = (np.full(2, x0 + 20.0), np.array([y0 - 1.0, y0 + 1.0]), np.array([0.5, 0.5]))
    matcher = RouteMatcher(RouteLine([to_latlon(x0 + s, y0)[::-1] for s in (0.0, 100.0)]))
    states = []
    for k in range(0, 80):
        t = k * 0.25
        matcher.on_heading(t, heading)
        if k % 4 == 0:
            states.append(matcher.update_fix(_fix(t, on_line)))
    assert any(s.off_route for s in states) is off
