"""What besides each packet's RSSI tells the route matcher where along the route the walker is:
the compass at a turn, whether a known beacon near a place was heard at all, and the start.

An L-shaped route, 50 m east then 50 m north, and a walker at 1.25 m/s who reaches the corner
after 40 s.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from lotse_common.geodesy import to_latlon, to_xy
from mobile.positioning.beacons import BeaconInfo
from mobile.positioning.geo import RouteLine
from mobile.positioning.route_match import MatchSettings, RouteMatcher

ORIGIN = (49.4440, 7.7690)
CORNER_M = 50.0


def _l_route() -> RouteLine:
    x0, y0 = to_xy(*ORIGIN)
    return RouteLine([to_latlon(x, y)[::-1] for x, y in
                      ((x0, y0), (x0 + CORNER_M, y0), (x0 + CORNER_M, y0 + 50.0))])


def _walk_with_compass(matcher: RouteMatcher, headings: list[tuple[float, float]]) -> None:
    """Compass readings at 4 Hz: (until t, degrees) legs; no radio at all."""
    t, k = 0.0, 0
    for until, deg in headings:
        while t < until:
            matcher.on_heading(t, deg)
            k += 1
            t = k * 0.25


@pytest.mark.parametrize("sigma", [30.0, 0.0])
def test_the_compass_places_the_walker_at_the_corner_they_turned_at(sigma):
    """The compass as a cue (`heading_sigma_deg`, off by default, see `MatchSettings`).
    Without radio the particles spread with their speeds (0–1.5 m/s at the start): 3 s after
    the turn the mean lags far behind. The compass turning north says the walker is past the
    corner (the walker is 3.75 m past it); with it (σ 30°) the estimate lands a few metres
    after it."""
    matcher = RouteMatcher(_l_route(), replace(MatchSettings(), heading_sigma_deg=sigma))
    _walk_with_compass(matcher, [(40.0, 90.0), (43.0, 0.0)])
    progress = matcher.progress_at(43.0)
    if sigma:
        assert CORNER_M <= progress <= CORNER_M + 10.0, progress
    else:
        assert progress < CORNER_M - 10.0, progress


def test_a_walker_who_goes_straight_on_at_the_corner_is_not_held_at_it():
    """With the compass as a cue: it never tells a walker who has yet to turn from one who
    went straight on where the route turns, so it must not hold the particles before the
    corner (they would stop there, and the compass would agree with the route forever): GPS
    along the first leg gives the pace, then only the compass, still east. The estimate moves
    past the corner, and the route near it runs north while the walker walks east, which is
    what off-route needs."""
    route = _l_route()
    matcher = RouteMatcher(route, replace(MatchSettings(), heading_sigma_deg=30.0))
    for k in range(160):
        t = k * 0.25
        matcher.on_heading(t, 90.0)
        if k % 4 == 0:
            matcher.on_gps(t, *route.xy_at(max(t - 0.0, 0.0) * 1.25), 3.0)
    assert matcher.heading_off(39.75) is False
    _walk_with_compass_from(matcher, 40.0, 50.0, 90.0)
    assert matcher.progress_at(50.0) > CORNER_M + 3.0
    assert matcher.heading_off(50.0) is True


def _walk_with_compass_from(matcher: RouteMatcher, start: float, end: float, deg: float) -> None:
    k = 0
    while start + k * 0.25 < end:
        matcher.on_heading(start + k * 0.25, deg)
        k += 1


def _beacon_at(route: RouteLine, s_m: float) -> BeaconInfo:
    lat, lon = route.latlon_at(s_m)
    return BeaconInfo.make("b1", lat, lon, -59)


def _silent_matcher(reception: bool) -> RouteMatcher:
    route = _l_route()
    settings = replace(MatchSettings(), reception=reception, heading_sigma_deg=0.0)
    matcher = RouteMatcher(route, settings, start_m=30.0, start_sigma_m=15.0)
    x, y = route.xy_at(30.0)
    matcher.on_packet(0.0, _beacon_at(route, 30.0), -75.0, -59.0)  # about 4 m: no place favoured
    for t in range(1, 7):
        matcher.on_gps(float(t), x, y, 1000.0)
    return matcher


def test_a_known_beacon_that_goes_silent_is_not_near_the_walker():
    """A beacon on the route at 30 m was heard once; then 6 s pass without a packet from it
    (GPS says nothing: ± 1 km). A phone hears a near beacon most seconds, so the walker is
    unlikely to be within a few metres of it: the particles there lose their weight, against
    a matcher that ignores whether beacons are heard."""
    with_silence = _mass_within(_silent_matcher(True), 30.0, 4.0)
    without = _mass_within(_silent_matcher(False), 30.0, 4.0)
    assert with_silence < 0.75 * without, (with_silence, without)


def _mass_within(matcher: RouteMatcher, s_m: float, r_m: float) -> float:
    s = matcher._s + matcher._v * 0.0
    return float(matcher._w[np.abs(s - s_m) <= r_m].sum())


def test_at_the_start_of_a_route_the_walker_is_at_its_start():
    """A route begins where the walker stands: before anything is heard the estimate is near
    its first point (a one-sided spread would put it metres ahead, and an instruction for a
    turn 8 m on would be said before the first step)."""
    matcher = RouteMatcher(_l_route())
    assert matcher.progress_at(0.0) < 2.0
