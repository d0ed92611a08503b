"""The guidance loop on simulated walks through the real inner city (real route, real plan)."""

from __future__ import annotations

import pytest

from accessibility.speech import Priority
from mobile.simulation.model import RadioModel, SimulatedWalk, sim_beacons
from mobile.simulation.run import run_walk

SEEDS = (0, 1)


@pytest.fixture(scope="module", params=SEEDS)
def walked(request, hbf_stiftsplatz, plan_records, new_pipeline):
    """One walk Hauptbahnhof → Stiftsplatz per seed, with realistic radio defaults."""
    from accessibility.haptics import Haptics

    pipeline, clock, voice, logger = new_pipeline()
    pipeline.haptics = Haptics(vibrator=None, clock=clock)  # records what would be felt
    pipeline.set_route(0.0, hbf_stiftsplatz)
    walk = SimulatedWalk(pipeline.route.line, sim_beacons(plan_records), RadioModel(),
                         seed=request.param)
    result = run_walk(pipeline, walk, clock, logger=logger)
    return pipeline, result, voice, logger


def test_every_decision_point_once_in_order_most_within_6_plus_minus_2_m(walked):
    """On the realistic radio the matched position is off by 1-3 m now and then: most points
    are said 6 ± 2 m before them, none is missed or said absurdly early or late."""
    pipeline, result, _, _ = walked
    points = result.decision_points
    assert len(points) >= 8  # the real route has many turns, a crossing, a square, a barrier
    assert {p["type"] for p in points} >= {"turn", "cross", "barrier", "open_square"}
    in_window = []
    for p in points:
        assert p["times_announced"] == 1, p
        assert p["announced_m_before"] is not None, p
        lead = p
        if p["chained_with"] is not None:  # follows its predecessor closely: said with it
            lead = next(q for q in points if q["index"] == p["chained_with"])
            assert p["at_m"] - lead["at_m"] < pipeline.timings.chain_m
        assert 1.0 <= lead["announced_m_before"] <= 13.0, p
        in_window.append(4.0 <= lead["announced_m_before"] <= 8.0)
    assert sum(in_window) >= 0.85 * len(points), points
    assert sum(p["chained_with"] is None for p in points) >= 0.75 * len(points)
    times = [p["announced_t_s"] for p in points]
    assert times == sorted(times)


def test_arrival_with_side_and_position_error(walked):
    pipeline, result, _, _ = walked
    assert result.arrived
    last = result.announcements[-1]
    assert last["kind"] == "arrival" and ("rechten" in last["text"] or "linken" in last["text"])
    stats = result.error_stats()
    assert stats["median"] < 1.5 and stats["p95"] < 4.0
    free = result.error_stats(free_fix=True)
    assert free["median"] < 5.0 and free["p95"] < 10.0


def test_prep_confirm_reassure_and_hazard_before_it_is_reached(walked):
    pipeline, result, voice, _ = walked
    kinds = [a["kind"] for a in result.announcements]
    assert kinds[0] == "depart"
    assert kinds.count("prep") >= 5 and kinds.count("confirm") >= 1
    assert kinds.count("reassure") >= 2
    barrier = next(p for p in result.decision_points if p["type"] == "barrier")
    warning = next(a for a in result.announcements
                   if a["kind"] == "hazard" and a["maneuver"] == barrier["index"])
    assert warning["priority"] == "SAFETY"
    assert barrier["at_m"] - warning["true_progress_m"] > 10.0  # well before reaching it
    # reassurance only after 30 s without a word, never a metre count, never right before a
    # decision point
    for before, a in zip(voice.spoken, voice.spoken[1:], strict=False):
        if any(r["kind"] == "reassure" and r["t_s"] == a.t for r in result.announcements):
            silence = a.t - (before.t + before.seconds)  # measured on the tick grid
            assert silence >= pipeline.timings.reassure_silence_s - pipeline.timings.tick_s
            assert not any(ch.isdigit() for ch in a.text)


def test_no_information_while_a_safety_warning_plays(walked):
    _, result, voice, _ = walked
    safety = [(u.t, u.t + u.seconds) for u in voice.spoken if "Achtung" in u.text]
    infos = [a for a in result.announcements if a["priority"] == "INFO"]
    assert safety and infos  # both happened on this walk
    for a in infos:
        assert not any(start <= a["t_s"] < end for start, end in safety), a


def test_everything_went_to_the_tester_log(walked):
    _, result, _, logger = walked
    types = {e["type"] for e in logger.events}
    assert {"route_received", "advert", "position", "announcement", "arrival", "truth"} <= types
    heard = {e["beacon"].split(":")[0] for e in logger.events if e["type"] == "advert"}
    assert heard == {"ibeacon", "eddystone"}  # entrances send Eddystone UID, the rest iBeacon
    said = [e for e in logger.events if e["type"] == "announcement"]
    assert len(said) == len(result.announcements)
    assert all(e["priority"] in {p.name for p in Priority} for e in said)


def test_turns_warnings_and_arrival_are_felt_when_they_are_said(walked):
    from accessibility.haptics import Pattern

    pipeline, result, _, _ = walked
    felt = pipeline.haptics.played
    kinds = {p for _, p in felt}
    assert {Pattern.LEFT, Pattern.RIGHT, Pattern.WARNING, Pattern.ARRIVE} <= kinds
    started = {a["t_s"] for a in result.announcements}
    assert all(round(t, 2) in started for t, _ in felt)  # in step with the speech
    assert felt[-1][1] == Pattern.ARRIVE


def test_gps_only_walk_still_guides_to_the_end(hbf_stiftsplatz, cc_network, when):
    """No beacon at all (none mounted, or no Bluetooth): GPS fixes of ±5 m carry the walk."""
    from accessibility.speech import SpeechQueue
    from accessibility.voices import RecorderVoice
    from mobile.guidance.pipeline import GuidancePipeline
    from mobile.simulation.run import SimClock

    clock = SimClock()
    pipeline = GuidancePipeline(SpeechQueue(RecorderVoice(clock=clock), clock=clock), [],
                                wall_clock=lambda: when)
    pipeline.set_route(0.0, hbf_stiftsplatz)
    walk = SimulatedWalk(pipeline.route.line, [], RadioModel(gps_sigma_m=5.0), seed=1)
    result = run_walk(pipeline, walk, clock)
    assert result.arrived and result.reroutes == 0
    assert all(p["times_announced"] == 1 for p in result.decision_points)
    assert all(p["announced_m_before"] > 2.0 for p in result.decision_points)
    assert {a["kind"] for a in result.announcements}.isdisjoint({"off_route", "position"})
    assert result.error_stats(free_fix=True)["median"] > result.error_stats()["median"]


def test_route_begun_some_metres_after_its_start(new_pipeline, hbf_stiftsplatz, plan_records):
    """Previewed at the station, begun 25 m on: progress starts where the walker is."""
    pipeline, clock, voice, logger = new_pipeline()
    from mobile.positioning.geo import RouteLine

    line = RouteLine(hbf_stiftsplatz["geometry"]["coordinates"], hbf_stiftsplatz["distance_m"])
    walk = SimulatedWalk(line, sim_beacons(plan_records), RadioModel(), seed=3,
                         start_delay_s=6.0, start_m=25.0)
    for k in range(1, 21):  # five seconds standing there, the phone hearing beacons
        for pkt in walk.packets_until(k * 0.25):
            pipeline.on_advertisement(pkt.t, pkt.advert)
        clock.now = k * 0.25
        pipeline.tick(clock.now)
    pipeline.set_route(clock.now, hbf_stiftsplatz)
    assert abs(pipeline.progress_m - 25.0) < 6.0
    result = run_walk(pipeline, walk, clock, start_t=clock.now)
    first = result.decision_points[0]
    assert first["at_m"] > 30.0 and 4.0 <= first["announced_m_before"] <= 8.0
    assert result.arrived


def test_a_turn_right_after_the_start_is_said_with_the_departure(new_pipeline, router, place_of,
                                                                 plan_records, when):
    """Stiftsplatz → Hauptbahnhof turns 2.5 m after its start: too close for its own
    instruction, so it is chained to the departure instead of never being said."""
    body = router.route(place_of("Stiftsplatz"), place_of("Hauptbahnhof"), when=when).to_dict()
    pipeline, clock, voice, _ = new_pipeline()
    pipeline.set_route(0.0, body)
    first = next(m for m in pipeline.route.decisions)
    assert first.at_m < 6.0
    walk = SimulatedWalk(pipeline.route.line, sim_beacons(plan_records), RadioModel(), seed=0)
    result = run_walk(pipeline, walk, clock, max_s=20.0)
    assert voice.texts[0].startswith("Gehen Sie nach") and voice.texts[0].count("Danach: ") == 1
    point = result.decision_points[0]
    assert point["index"] == first.index and point["times_announced"] == 1
    assert pipeline.loop.first_text(pipeline.voice) == voice.texts[0]  # also after a re-route


def test_a_turn_8_m_after_the_start_is_said_with_the_departure(new_pipeline, router, place_of,
                                                               plan_records, when):
    """Rathaus → Marktplatz turns 8.3 m after its start: closer than `chain_m` (10 m), the
    distance within which any two decision points are said together. The departure is a
    decision point too, so the turn follows it as "Danach: …" rather than in its own
    instruction a few seconds later, timed while the walker's pace is still unknown."""
    body = router.route(place_of("Rathaus"), place_of("Marktplatz"), when=when).to_dict()
    pipeline, clock, voice, _ = new_pipeline()
    pipeline.set_route(0.0, body)
    first = next(m for m in pipeline.route.decisions)
    assert pipeline.timings.instruction_m <= first.at_m < pipeline.timings.chain_m
    walk = SimulatedWalk(pipeline.route.line, sim_beacons(plan_records), RadioModel(), seed=0)
    result = run_walk(pipeline, walk, clock, max_s=20.0)
    assert voice.texts[0].count("Danach: ") == 1 and "rechts" in voice.texts[0].split(
        "Danach: ")[1].lower(), voice.texts[0]
    point = result.decision_points[0]
    assert point["index"] == first.index and point["times_announced"] == 1
    assert point["chained_with"] == pipeline.route.maneuvers[0].index
