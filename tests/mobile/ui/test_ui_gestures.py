"""The gesture rules on their own: taps, double taps, swipes with one and two fingers."""

from __future__ import annotations

import pytest

from mobile.app.ui.gestures import DOUBLE_TAP, SWIPE, TAP, GestureRecognizer


def stroke(rec, uid, start, end, t0, t1):
    rec.down(uid, *start, t0)
    rec.move(uid, *end, t1)
    return rec.up(uid, *end, t1)


def test_a_short_touch_is_a_tap_and_a_second_one_soon_after_is_a_double_tap():
    rec = GestureRecognizer()
    assert stroke(rec, 1, (100, 100), (103, 98), 0.0, 0.1).kind == TAP
    assert stroke(rec, 2, (110, 105), (110, 105), 0.3, 0.35).kind == DOUBLE_TAP
    # the pair is used up: a third tap starts over
    assert stroke(rec, 3, (110, 105), (110, 105), 0.5, 0.55).kind == TAP


def test_two_taps_too_far_apart_in_time_or_space_are_two_taps():
    rec = GestureRecognizer()
    assert stroke(rec, 1, (100, 100), (100, 100), 0.0, 0.1).kind == TAP
    assert stroke(rec, 2, (100, 100), (100, 100), 1.0, 1.1).kind == TAP
    assert stroke(rec, 3, (400, 400), (400, 400), 1.2, 1.3).kind == TAP


@pytest.mark.parametrize(
    ("end", "direction"),
    [((300, 110), "right"), ((-100, 90), "left"), ((110, 300), "up"), ((90, -100), "down")],
)
def test_a_large_fast_stroke_is_a_swipe_in_its_main_direction(end, direction):
    gesture = stroke(GestureRecognizer(), 1, (100, 100), end, 0.0, 0.3)
    assert (gesture.kind, gesture.direction, gesture.fingers) == (SWIPE, direction, 1)


def test_a_small_wobble_is_neither_tap_nor_swipe_and_a_long_press_is_no_tap():
    rec = GestureRecognizer()
    assert stroke(rec, 1, (100, 100), (150, 100), 0.0, 0.2) is None  # past the slop, no swipe
    assert stroke(rec, 2, (100, 100), (100, 100), 1.0, 2.5) is None  # held 1.5 s
    assert stroke(rec, 3, (100, 100), (400, 100), 3.0, 6.0) is None  # a slow drag


def test_two_fingers_swiping_together_give_one_two_finger_swipe():
    rec = GestureRecognizer()
    rec.down("a", 100, 300, 0.0)
    assert rec.down("b", 200, 300, 0.02) == 2
    rec.move("a", 100, 100, 0.2)
    rec.move("b", 200, 100, 0.2)
    assert rec.up("a", 100, 100, 0.3) is None  # one finger still down
    gesture = rec.up("b", 200, 100, 0.32)
    assert (gesture.kind, gesture.direction, gesture.fingers) == (SWIPE, "down", 2)


def test_thresholds_follow_the_screen_density():
    rec = GestureRecognizer.for_density(lambda v: v * 3)
    # 150 px is a swipe at density 1 but only a wobble at density 3 (threshold 240 px)
    assert stroke(rec, 1, (0, 0), (150, 0), 0.0, 0.2) is None
    assert stroke(GestureRecognizer(), 1, (0, 0), (150, 0), 0.0, 0.2).kind == SWIPE


def test_a_slow_slide_explores_and_ends_in_no_gesture():
    rec = GestureRecognizer()
    rec.down(1, 100, 100, 0.0)
    assert not rec.move(1, 110, 100, 0.1)  # too early to tell
    assert rec.move(1, 150, 100, 0.5)  # 100 px/s: exploring
    assert rec.move(1, 300, 100, 0.7)  # stays exploring even if it speeds up
    assert rec.up(1, 300, 100, 0.8) is None


def test_a_fast_stroke_is_never_taken_for_exploring():
    rec = GestureRecognizer()
    rec.down(1, 100, 100, 0.0)
    assert not rec.move(1, 250, 100, 0.3)  # 500 px/s
    assert rec.up(1, 300, 100, 0.35).kind == SWIPE
