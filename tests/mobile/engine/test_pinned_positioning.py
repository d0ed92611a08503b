"""Behaviour of the position estimate that guidance decisions rest on, against known truth.

The stated uncertainty must mean something: it changes from fix to fix, it is larger where the
estimate is worse, and it covers the true position for most fixes (DESIGN: "true, not always").
And the first fixes of a walk, which rest on a packet or two, must not raise an off-route alarm.
Figures come from the engine's simulator (seeded) on a real inner-city route past the shipped
beacon plan, so the truth is known exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mobile.guidance.texts import say
from mobile.positioning.geo import RouteLine, to_latlon
from mobile.simulation.model import RadioModel, SimulatedWalk, sim_beacons
from mobile.simulation.run import run_walk

#: a short real route (about 300 m, Marktstraße area), walked once per seed
ORIGIN, DESTINATION = (49.4445, 7.7680), (49.4435, 7.7700)
SEEDS = (1, 2)


@pytest.fixture(scope="module")
def fixes(router, when, new_pipeline, plan_records) -> list[tuple[float, float, str]]:
    """(true error m, stated uncertainty m, source) of the pipeline's fix once a second."""
    route = router.route(ORIGIN, DESTINATION, when=when).to_dict()
    line = RouteLine(route["geometry"]["coordinates"], route["distance_m"])
    out: list[tuple[float, float, str]] = []
    for seed in SEEDS:
        pipeline, clock, _, _ = new_pipeline()
        pipeline.set_route(0.0, route)
        walk = SimulatedWalk(line, sim_beacons(plan_records), RadioModel(), seed=seed)

        def sample(t: float, pipeline=pipeline, walk=walk) -> None:
            fix = pipeline.fix
            if fix is not None and t == int(t) and walk.progress_at(t) < line.length_m:
                x, y = walk.xy_at(t)
                out.append((math.hypot(fix.x - x, fix.y - y), fix.uncertainty_m, fix.source))

        run_walk(pipeline, walk, clock, on_tick=sample)
    assert len(out) > 400
    return out


def test_uncertainty_is_not_a_constant(fixes):
    stated = np.array([u for _, u, _ in fixes])
    assert len(set(stated.tolist())) >= 10
    assert np.percentile(stated, 90) >= 2.0 * np.percentile(stated, 10)
    beacon = np.array([u for _, u, s in fixes if s == "beacon"])
    assert len(beacon) > 50 and len(set(beacon.tolist())) >= 10


def test_uncertainty_is_larger_where_the_fix_is_worse(fixes):
    """The quarter of beacon fixes farthest from the truth states clearly more uncertainty
    than the quarter nearest to it."""
    beacon = sorted((e, u) for e, u, s in fixes if s == "beacon")
    quarter = len(beacon) // 4
    best = np.mean([u for _, u in beacon[:quarter]])
    worst = np.mean([u for _, u in beacon[-quarter:]])
    assert worst >= 1.3 * best


def test_uncertainty_covers_the_truth_for_most_fixes(fixes):
    covered = np.mean([e <= u for e, u, _ in fixes])
    assert 0.6 <= covered <= 0.99


# --- no off-route alarm while the first fixes settle ------------------------------------------

#: the first GPS fixes lie this far beside the route (m) for this long (s), then fall on it
BAD_START_OFF_M, BAD_START_S = 25.0, 7.0
#: how sure each fix claims to be (m): over-confident, as the first fixes of a walk are
CLAIMED_M = 4.0


def _walk_with_bad_start(pipeline, clock, route: dict, bad_for_s: float,
                         until_s: float) -> dict[float, float]:
    """A walker standing 2 s at the route's start, then walking it at 1.2 m/s; GPS once a second
    shows them BAD_START_OFF_M to the side for the first ``bad_for_s`` seconds. Returns the
    smoothed offset from the route the pipeline saw, by time."""
    line = RouteLine(route["geometry"]["coordinates"], route["distance_m"])
    (x0, y0), (x1, y1) = line.xy_at(0.0), line.xy_at(5.0)
    norm = math.hypot(x1 - x0, y1 - y0)
    side = (-(y1 - y0) / norm, (x1 - x0) / norm)  # left of the first metres of the route
    pipeline.set_route(0.0, route)
    offsets = {}
    for k in range(1, int(until_s * 4) + 1):
        t = k / 4
        if t == int(t):
            x, y = line.xy_at(max(t - 2.0, 0.0) * 1.2)
            off = BAD_START_OFF_M if t <= bad_for_s else 0.0
            clock.now = t
            pipeline.on_gps(t, *to_latlon(x + side[0] * off, y + side[1] * off), CLAIMED_M)
        clock.now = t
        pipeline.tick(t)
        if pipeline.state is not None:
            offsets[t] = pipeline.state.offset_m
    return offsets


def _alarms(logger, voice) -> tuple[list[float], list[float]]:
    warning = say("off_route", "de")
    return ([e["t"] for e in logger.events if e["type"] == "off_route"],
            [u.t for u in voice.spoken if u.text == warning])


def test_no_off_route_alarm_while_the_first_fixes_settle(new_pipeline, hbf_stiftsplatz):
    pipeline, clock, voice, logger = new_pipeline()
    offsets = _walk_with_bad_start(pipeline, clock, hbf_stiftsplatz, BAD_START_S, until_s=30.0)
    assert min(offsets[t] for t in (1.0, 4.0, 7.0)) > 15.0  # the start really looked off route
    assert _alarms(logger, voice) == ([], [])
    assert pipeline.state.offset_m < 3.0 and not pipeline.state.off_route


def test_fixes_that_stay_off_raise_the_alarm_after_settling(new_pipeline, hbf_stiftsplatz):
    """Settling delays the judgement by seconds; it does not switch it off."""
    pipeline, clock, voice, logger = new_pipeline()
    _walk_with_bad_start(pipeline, clock, hbf_stiftsplatz, 60.0, until_s=30.0)
    logged, spoken = _alarms(logger, voice)
    # once the bad start has lasted past the settle time and the dwell, the walker is told (a
    # re-route from the wrong place may be followed by another alarm while GPS stays off)
    assert logged and spoken
    assert BAD_START_S < logged[0] <= 20.0 and spoken[0] - logged[0] < 1.0
