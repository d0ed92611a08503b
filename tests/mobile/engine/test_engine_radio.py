"""The simulator's realistic radio has the parts real recordings show; the ideal one has none."""

from __future__ import annotations

import numpy as np
import pytest

from lotse_common.geodesy import to_latlon, to_xy
from mobile.positioning.geo import RouteLine
from mobile.simulation.model import RadioModel, SimBeacon, SimulatedWalk

ORIGIN = (49.4440, 7.7690)


def _walk(radio: RadioModel, seed: int = 0, n_beacons: int = 12) -> SimulatedWalk:
    x0, y0 = to_xy(*ORIGIN)
    beacons = [SimBeacon(f"b{i}", x0 + 25.0 * i, y0, -59, None) for i in range(n_beacons)]
    line = RouteLine([to_latlon(x0, y0 + 50)[::-1], to_latlon(x0 + 100, y0 + 50)[::-1]])
    return SimulatedWalk(line, beacons, radio, seed=seed)  # type: ignore[arg-type]


def _readings(walk: SimulatedWalk, i: int, x: float, y: float, n: int) -> np.ndarray:
    b = walk.beacons[i]
    d = float(np.hypot(b.x - x, b.y - y))
    return np.array([walk.rssi(i, d, x, y) for _ in range(n)])


def test_command_line_knobs_set_the_matching_parts():
    real = RadioModel.make("realistic", rssi_sigma_db=6.0, path_loss_exponent=2.2, drop_rate=0.5)
    assert real.fixed_sigma_db == pytest.approx(6.0 * 0.7**0.5)
    assert real.packet_sigma_db == pytest.approx(6.0 * 0.3**0.5)
    assert real.rssi_sigma_db == pytest.approx(6.0)
    assert real.path_loss_exponent == 2.2 and real.reception(1.0) == pytest.approx(0.5, abs=0.01)
    ideal = RadioModel.make("ideal", rssi_sigma_db=4.0)
    assert ideal.packet_sigma_db == 4.0 and ideal.fixed_sigma_db == 0.0
    assert ideal.reception(1.0) == ideal.reception(40.0) == pytest.approx(0.75)
    assert RadioModel() == RadioModel.make()  # realistic is the default
    with pytest.raises(ValueError, match="radio must be"):
        RadioModel.make("perfect")


def test_reception_falls_with_distance():
    radio = RadioModel()
    assert 0.6 <= radio.reception(2.0) <= 0.66
    assert radio.reception(12.0) == pytest.approx(radio.reception(0.0) / 2, rel=0.01)
    assert radio.reception(16.0) < 0.05 and radio.reception(25.0) < 1e-3


def test_shadowing_is_mostly_fixed_at_a_place():
    """Many packets at one spot average to the spot's own shadow, not to the model: the spread
    of those averages across spots is the fixed part (5 dB), the spread within a spot 3.3 dB."""
    walk = _walk(RadioModel(beacon_power_sigma_db=0.0, phone_offset_db=0.0))
    x0, y0 = to_xy(*ORIGIN)
    means, within = [], []
    for k in range(60):
        x, y = x0 + 125.0 + 7.0 * (k % 10), y0 + 6.0 + 7.0 * (k // 10)
        r = _readings(walk, 5, x, y, 40)
        d = float(np.hypot(walk.beacons[5].x - x, walk.beacons[5].y - y))
        means.append(r.mean() - (-59 - 27.0 * np.log10(d)))
        within.append(r.std(ddof=1))
    assert np.std(means) == pytest.approx(5.0, abs=1.2)
    assert np.mean(within) == pytest.approx(3.3, abs=0.4)
    # a step of 0.2 m keeps the shadow; 10 m away it is another one
    near = _readings(walk, 5, x0 + 130.0, y0 + 8.0, 200).mean() \
        - _readings(walk, 5, x0 + 130.2, y0 + 8.0, 200).mean()
    assert abs(near) < 1.5


def test_beacon_power_and_phone_offsets_are_drawn_per_seed():
    walks = [_walk(RadioModel(fixed_sigma_db=0.0, packet_sigma_db=0.0), seed=s) for s in range(40)]
    phone = [w.phone_offset_db for w in walks]
    assert np.std(phone) == pytest.approx(3.0, abs=1.0)
    offsets = [w.rssi(i, 1.0, 0.0, 0.0) - w.phone_offset_db + 59 for w in walks[:3]
               for i in range(12)]
    assert np.std(offsets) == pytest.approx(2.0, abs=0.7)
    again = _walk(RadioModel(fixed_sigma_db=0.0, packet_sigma_db=0.0), seed=0)
    assert again.rssi(3, 1.0, 0.0, 0.0) == walks[0].rssi(3, 1.0, 0.0, 0.0)  # seeded
    ideal = _walk(RadioModel.ideal(packet_sigma_db=0.0), seed=5)
    assert ideal.phone_offset_db == 0.0 and ideal.rssi(2, 1.0, 0.0, 0.0) == -59.0
