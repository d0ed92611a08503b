"""Off route (the route outside the position's uncertainty for 4 s) → re-route spoken at once,
on the real inner city and the realistic radio."""

from __future__ import annotations

import pytest

from mobile.positioning.geo import RouteLine
from mobile.simulation.model import RadioModel, SimulatedWalk, sim_beacons
from mobile.simulation.run import run_walk

LEAVE_AT_M = 450.0  # the walker follows the route this far, then heads for the Stadtpark


@pytest.fixture(scope="module")
def wrong_way(place_of, when, router, hbf_stiftsplatz):
    """The walker's own path: the route to the Stiftsplatz, then off towards the Stadtpark."""
    main = RouteLine(hbf_stiftsplatz["geometry"]["coordinates"], hbf_stiftsplatz["distance_m"])
    lat, lon = main.latlon_at(LEAVE_AT_M)
    away = router.route((lat, lon), place_of("Stadtpark"), when=when).to_dict()
    kept = [c for c in hbf_stiftsplatz["geometry"]["coordinates"]
            if _along(main, c) < LEAVE_AT_M]
    return RouteLine(kept + [[lon, lat]] + away["geometry"]["coordinates"]), main


def _along(line: RouteLine, lonlat) -> float:
    from mobile.positioning.geo import to_xy

    return line.project(*to_xy(lonlat[1], lonlat[0]))[0]


def test_off_route_triggers_spoken_reroute(new_pipeline, router, place_of, when,
                                           hbf_stiftsplatz, plan_records, wrong_way):
    path, main = wrong_way
    destination = place_of("Stiftsplatz")
    asked: list[tuple[float, float]] = []

    def reroute(lat: float, lon: float) -> dict:
        asked.append((lat, lon))
        return router.route((lat, lon), destination, when=when).to_dict()

    pipeline, clock, voice, logger = new_pipeline(rerouter=reroute)
    pipeline.set_route(0.0, hbf_stiftsplatz)
    walk = SimulatedWalk(path, sim_beacons(plan_records), RadioModel(), seed=4)
    # walk until well past the turn-off (450 m at 1.2 m/s ≈ 377 s, plus 60 m astray)
    result = run_walk(pipeline, walk, clock, logger=logger, max_s=440.0)

    # when did the walker really turn off (the last moment on the route line)?
    from mobile.positioning.geo import to_xy

    left_t = next(t / 4 for t in range(0, 440 * 4)
                  if main.project(*to_xy(*walk.latlon_at(t / 4)))[1] > 6.0)
    left_t = max(t / 4 for t in range(0, int(left_t * 4))
                 if main.project(*to_xy(*walk.latlon_at(t / 4)))[1] <= 1.0)
    said = [(u.t, u.text) for u in voice.spoken]
    off = [(t, text) for t, text in said if text.startswith("Sie haben die Route verlassen")]
    assert off, said[-10:]
    t_off = off[0][0]
    assert left_t + 4.0 <= t_off <= left_t + 15.0  # sure before it speaks, and within 15 s
    new_route = [(t, text) for t, text in said if text.startswith("Neue Route:")]
    assert new_route and 0 < new_route[0][0] - t_off < 8.0  # said right after the warning
    # which way to walk, relative to the way the walker was going (not a compass point)
    relative = ("Gehen Sie geradeaus los", "Wenden Sie sich nach", "Umdrehen, dann losgehen")
    assert new_route[0][1].removeprefix("Neue Route: ").startswith(relative), new_route[0]
    assert pipeline.reroutes >= 1 and asked
    assert pipeline.route_id >= 2
    # nothing of the old route's instructions is said after the re-route
    types = [e["type"] for e in logger.events]
    assert "off_route" in types and "reroute" in types
    assert types.index("off_route") < types.index("reroute")
    assert result.announcements[-1]["route"] >= 2


def test_reroute_failure_is_spoken_not_raised(new_pipeline, hbf_stiftsplatz, plan_records,
                                              wrong_way):
    path, _ = wrong_way

    def broken(lat: float, lon: float) -> dict:
        raise ConnectionError("server unreachable and no offline map")

    pipeline, clock, voice, logger = new_pipeline(rerouter=broken)
    pipeline.set_route(0.0, hbf_stiftsplatz)
    walk = SimulatedWalk(path, sim_beacons(plan_records), RadioModel(), seed=4)
    run_walk(pipeline, walk, clock, logger=logger, max_s=440.0)
    assert any(u.text.startswith("Keine neue Route gefunden") for u in voice.spoken)
    assert pipeline.route is None  # guidance stopped rather than guiding on a wrong route
    assert any(e["type"] == "error" and e.get("where") == "reroute" for e in logger.events)
