"""The report's findings, each checked on a small walk along Marktstraße-sized distances."""

from __future__ import annotations

import pytest

from tester_log.review import analysis as ra

from .builders import START, line_east, offset, route_for, say, v1_say


def test_error_against_a_timed_truth_interpolates_in_time():
    truth = ra.Truth(timed=[ra.Fix(0.0, *START), ra.Fix(10.0, *offset(START, 90, 10))])
    # at t=5 the walker was 5 m east; an estimate 5 m east and 3 m north is 3 m off
    estimate = ra.Fix(5.0, *offset(offset(START, 90, 5), 0, 3))
    assert truth.error_m(estimate) == pytest.approx(3.0, abs=0.05)
    assert truth.error_m(ra.Fix(11.0, *START)) is None  # outside the truth's time span


def test_error_against_a_true_line_is_the_cross_track_distance():
    truth = ra.Truth(line=line_east())
    estimate = ra.Fix(1.0, *offset(offset(START, 90, 42), 180, 6))
    assert truth.error_m(estimate) == pytest.approx(6.0, abs=0.05)
    assert ra.Truth().error_m(estimate) is None and not ra.Truth().known


def test_error_stats():
    stats = ra.error_stats([(float(i), float(i)) for i in range(1, 101)])
    assert stats is not None
    assert (stats.count, stats.mean_m, stats.median_m, stats.max_m) == (100, 50.5, 50.5, 100.0)
    assert stats.p95_m == pytest.approx(95.05)
    assert ra.error_stats([]) is None


def test_decision_points_come_from_kind_and_maneuver_and_late_ones_are_flagged():
    """Rephrased texts do not matter: each announcement says which maneuver it is."""
    points = line_east()
    walked = [ra.Fix(float(i), *p) for i, p in enumerate(points)]  # 10 m/s, t = i
    logged = [say(0.2, "Los geht's", "depart", 0),
              say(3.0, "Jetzt nach links", "instruction", 1),
              say(12.5, "Angekommen", "arrival", 2),
              say(6.0, "Achtung, Baustelle", "hazard")]
    rerun = [say(0.2, "Los geht's", "depart", 0),
             say(4.0, "Jetzt nach links", "instruction", 1)]
    rows = ra.decision_points(route_for(points), logged, rerun, walked)
    assert [(r.type, r.reached_t, r.log_t, r.rerun_t) for r in rows] == [
        ("depart", 0.0, 0.2, 0.2), ("turn", 5.0, 3.0, 4.0), ("arrive", 10.0, 12.5, None)]
    assert rows[1].shift_s == pytest.approx(1.0)
    assert rows[2].late("log") and not rows[1].late("log") and not rows[2].late("rerun")


def test_beacons_never_heard_along_the_route_are_flagged():
    points = line_east()
    plan = [
        {"key": "ibeacon:u:1:1", "lat": offset(points[2], 0, 5)[0],
         "lon": offset(points[2], 0, 5)[1], "placement": "Eingang Rathaus"},
        {"key": "ibeacon:u:1:2", "lat": offset(points[8], 180, 10)[0],
         "lon": offset(points[8], 180, 10)[1], "placement": "Stiftsplatz"},
        {"key": "ibeacon:u:1:3", "lat": offset(points[5], 0, 300)[0],
         "lon": offset(points[5], 0, 300)[1], "placement": "far away"},
    ]
    adverts = [{"type": "advert", "beacon": "ibeacon:u:1:1", "rssi": r} for r in (-80, -65)]
    adverts.append({"type": "advert", "beacon": "ibeacon:x:9:9", "rssi": -90})
    rows = {r.key: r for r in ra.beacon_coverage(adverts, plan, points)}
    assert set(rows) == {"ibeacon:u:1:1", "ibeacon:u:1:2", "ibeacon:x:9:9"}
    assert rows["ibeacon:u:1:2"].flag and rows["ibeacon:u:1:2"].heard == 0
    assert not rows["ibeacon:u:1:1"].flag and rows["ibeacon:u:1:1"].best_rssi == -65
    assert not rows["ibeacon:x:9:9"].expected and rows["ibeacon:x:9:9"].lat is None
    # without any line to compare with, nothing can be expected
    assert not any(r.flag for r in ra.beacon_coverage(adverts, plan, []))


def test_v1_callout_keys_name_the_maneuver_exactly():
    """A v1 log has no kind or maneuver fields; its callout keys give them on reading."""
    points = line_east()
    walked = [ra.Fix(float(i), *p) for i, p in enumerate(points)]
    said = [v1_say(0.5, "Los geht's", "r1-depart"),
            v1_say(2.0, "Gleich links", "r1-prep-1"),
            v1_say(4.5, "Jetzt links", "r1-maneuver-1"),
            v1_say(4.9, "Jetzt links", "r1-maneuver-1"),  # a repeat: the first counts
            v1_say(6.0, "Jetzt rechts", "r2-maneuver-2"),  # another route's maneuver
            v1_say(7.0, "Gehen Sie geradeaus in die Marktstraße", "r1-reassure-3"),
            v1_say(10.5, "Ziel", "r1-arrival", actual=11.0)]
    assert [(a["kind"], a["maneuver"], a["route"]) for a in said[:3]] == [
        ("depart", 0, 1), ("prep", 1, 1), ("instruction", 1, 1)]
    assert said[-1]["started_t"] == 11.0 and said[-1]["queued_t"] is None
    rows = ra.decision_points(route_for(points), said, [], walked)
    assert [(r.log_prep_t, r.log_t) for r in rows] == [(None, 0.5), (2.0, 4.5), (None, 11.0)]
    assert [r.rerun_t for r in rows] == [None, None, None]


def test_speech_diff_aligns_on_text_and_names_each_difference():
    logged = [say(1.0, "Gehen Sie los."), say(5.0, "Achtung, Stufen."),
              say(9.0, "Links abbiegen."), say(20.0, "Ziel erreicht.")]
    rerun = [say(1.0, "Gehen Sie los."), say(8.5, "Links abbiegen."),
             say(15.0, "Position unsicher."), say(20.0, "Ziel erreicht.")]
    alike, diffs = ra.speech_diff(logged, rerun)
    assert alike == 2
    assert [(d.kind, d.text, d.log_t, d.rerun_t) for d in diffs] == [
        ("only_log", "Achtung, Stufen.", 5.0, None),
        ("moved", "Links abbiegen.", 9.0, 8.5),
        ("only_rerun", "Position unsicher.", None, 15.0)]
    assert ra.speech_diff(logged, logged) == (4, [])


def test_instructions_of_a_re_route_count_for_the_same_decision_point():
    points = line_east()
    first = route_for(points)
    second = route_for(points[3:])  # re-routed from 30 m: its turn is 20 m in, at the same place
    second["maneuvers"][1]["location"] = first["maneuvers"][1]["location"]
    walked = [ra.Fix(float(i), *p) for i, p in enumerate(points)]
    events = [{"type": "route_received", "t": 0.0, "route": first},
              say(0.5, "Los", "depart", 0),
              {"type": "route_received", "t": 3.0, "route": second},
              say(3.1, "Los", "depart", 0, route=2),
              say(4.8, "Jetzt links", "instruction", 1, route=2),
              say(10.2, "Ziel", "arrival", route=2)]
    rows = ra.decision_points(first, events, [], walked)
    assert [r.log_t for r in rows] == [0.5, 4.8, 10.2]
    maps = ra.RouteMaps.of(first["maneuvers"], events)
    assert maps.to_map[2] == {1: 1, 2: 2} and maps.on_map(2, 0) is None
    assert maps.on_map(9, 1) is None and maps.on_map(1, None) is None
    # the re-route's own table: its turn and arrival, said on route 2
    own = ra.decision_points(second, events, [], [f for f in walked if f.t >= 3.0], base=2)
    assert [r.log_t for r in own] == [None, 4.8, 10.2]


def test_instruction_long_before_the_point_is_early():
    row = ra.DecisionRow(1, "turn", "Links", 50.0, reached_t=60.0, log_t=33.5, rerun_t=55.0)
    assert (row.timing("log"), row.timing("rerun")) == ("early", None)
    assert ra.DecisionRow(0, "depart", "Los", 0.0, 0.0, 9.0, 9.0).timing("log") is None


def test_an_instruction_saying_the_next_maneuver_too_counts_for_both():
    points = line_east()
    route = route_for(points)
    walked = [ra.Fix(float(i), *p) for i, p in enumerate(points)]
    both = "Links abbiegen. Danach: Ziel erreicht."
    rows = ra.decision_points(route, [say(4.9, both, "instruction", 1, chained=(2,))], [],
                              walked)
    assert [r.log_t for r in rows] == [None, 4.9, 4.9]
    alone = say(4.9, "Links abbiegen. Danach: Ziel erreicht.", "instruction", 1)
    assert [r.log_t for r in ra.decision_points(route, [alone], [], walked)] == [None, 4.9, None]


def test_a_point_is_reached_at_the_closest_moment_of_the_first_pass():
    track = [ra.Fix(float(t), *offset(START, 90, t * 1.2)) for t in range(30)]  # 1.2 m/s east
    turn = offset(START, 90, 12.0)  # passed at t = 10 s, within 8 m from t = 4 s to t = 16 s
    assert ra.time_at_point(track, *turn) == 10.0
    back = track + [ra.Fix(30.0 + t, *offset(START, 90, 30 - t)) for t in range(25)]
    assert ra.time_at_point(back, *turn) == 10.0  # coming back later is not the first pass
    assert ra.time_at_point(track, *offset(START, 0, 50)) is None


def test_a_point_said_only_chained_to_the_one_before_is_not_early():
    """"Links abbiegen. Danach: Ziel erreicht." at the turn is early for the goal by design."""
    points = line_east()
    walked = [ra.Fix(3.0 * i, *p) for i, p in enumerate(points)]  # turn at 15 s, goal at 30 s
    chained = say(14.9, "Links abbiegen. Danach: Ziel erreicht.", "instruction", 1, chained=(2,))
    row = ra.decision_points(route_for(points), [chained], [], walked)[2]
    assert (row.log_t, row.log_chained, row.timing("log")) == (14.9, True, None)
    alone = say(14.9, "Ziel erreicht.", "arrival")
    row = ra.decision_points(route_for(points), [alone], [], walked)[2]
    assert (row.log_chained, row.timing("log")) == (False, "early")


def test_v1_instructions_chain_the_next_close_points_by_the_guidance_rule():
    """A v1 log names no chained points: a turn 6 m after another was said with it, one 30 m
    after was not (GuidanceTimings.chain_m = 10 m)."""
    from tester_log.review.chaining import chained_points

    points = line_east()
    route = route_for(points)
    near = {"type": "turn", "text": "Rechts", "at_m": 56,
            "location": dict(zip(("lat", "lon"), offset(points[5], 90, 6), strict=True))}
    far = {"type": "turn", "text": "Links", "at_m": 86,
           "location": dict(zip(("lat", "lon"), points[8], strict=True))}
    maneuvers = [*route["maneuvers"][:2], near, far, route["maneuvers"][2]]
    ann = v1_say(4.9, "Links abbiegen. Danach: Rechts abbiegen.", "r1-maneuver-1")
    assert chained_points(ann, maneuvers) == [2]
    assert chained_points(say(4.9, "x", "instruction", 1), maneuvers) == []  # v2 names none
