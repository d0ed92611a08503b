"""The heading from gravity and the magnetic field, as Android's sensors give them."""

from __future__ import annotations

import math

import pytest

from mobile.app.compass import heading_from
from mobile.app.heading import HeadingTracker

G = 9.81
#: Kaiserslautern's field: about 20 µT horizontal (to magnetic north), 44 µT down
H, DOWN = 20.0, 44.0


def field_for(heading_deg: float, pitch_deg: float = 0.0) -> tuple[tuple, tuple]:
    """(gravity, field) in the phone's axes when its top points to `heading_deg`, tilted
    towards the user by `pitch_deg` (the way a phone is held to read it)."""
    a = math.radians(heading_deg)
    # world (east, north, up) -> phone lying flat, top towards heading
    north_in_phone = (-math.sin(a), math.cos(a), 0.0)
    field = tuple(H * n for n in north_in_phone[:2]) + (-DOWN,)
    gravity = (0.0, 0.0, G)
    p = math.radians(pitch_deg)  # rotate both about the phone's x axis

    def tilt(v):
        return (v[0], v[1] * math.cos(p) - v[2] * math.sin(p),
                v[1] * math.sin(p) + v[2] * math.cos(p))

    return tilt(gravity), tilt(field)


@pytest.mark.parametrize("heading", [0.0, 45.0, 90.0, 180.0, 270.0, 333.0])
@pytest.mark.parametrize("pitch", [0.0, 40.0])
def test_the_top_edge_heading_whatever_the_tilt(heading, pitch):
    gravity, field = field_for(heading, pitch)
    got = heading_from(gravity, field)
    assert got is not None
    assert abs((got - heading + 180.0) % 360.0 - 180.0) < 0.5


def test_no_heading_when_the_field_is_parallel_to_gravity():
    assert heading_from((0.0, 0.0, G), (0.0, 0.0, -50.0)) is None


def test_the_compass_wins_over_the_walking_direction_and_a_dead_sensor_does_not():
    readings = iter([123.0, None])
    tracker = HeadingTracker(compass=lambda: next(readings))
    tracker.add_fix(0.0, 49.4441, 7.7698)
    tracker.add_fix(5.0, 49.4442, 7.7698)  # 11 m north
    assert tracker.heading(5.0) == (123.0, "compass")
    heading, source = tracker.heading(5.0)
    assert source == "walking" and (heading < 1.0 or heading > 359.0)
