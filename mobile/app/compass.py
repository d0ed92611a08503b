"""The device's compass: which way the top of the phone points, from gravity and the magnetic field.

Android's sensors give two vectors in the phone's own axes (x to the right, y to the top edge,
z out of the screen): gravity from the accelerometer and the geomagnetic field from the
magnetometer. The heading follows as in Android's SensorManager.getRotationMatrix/getOrientation:
east = field × gravity, north = gravity × east, azimuth = atan2(east.y, north.y). Tilting the
phone does not change it. The result is magnetic north (about 3° from true north in
Kaiserslautern), close enough for "Blickrichtung Norden".

`PlyerCompass` reads both sensors through plyer on Android; a desktop has no compass and the
walking direction is used instead (`mobile.app.heading`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

log = logging.getLogger(__name__)

#: below this field strength × gravity the vectors are (nearly) parallel: no heading (µT·m/s²)
MIN_CROSS = 1.0


def _cross(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def heading_from(gravity: Sequence[float], field: Sequence[float]) -> float | None:
    """Degrees clockwise from magnetic north of the phone's top edge, or None when the sensors
    give nothing usable (free fall, a magnet next to the phone)."""
    east = _cross(field, gravity)
    if math.hypot(*east) < MIN_CROSS:
        return None
    north = _cross(gravity, east)
    norm_e, norm_n = math.hypot(*east), math.hypot(*north)
    return math.degrees(math.atan2(east[1] / norm_e, north[1] / norm_n)) % 360.0


class PlyerCompass:  # pragma: no cover - the sensors exist on a phone only
    """plyer's accelerometer and compass (magnetometer), enabled on first use."""

    def __init__(self) -> None:
        from plyer import accelerometer, compass

        self._accelerometer, self._compass = accelerometer, compass
        self._enabled = False

    def __call__(self) -> float | None:
        if not self._enabled:
            self._accelerometer.enable()
            self._compass.enable()
            self._enabled = True
        gravity = self._accelerometer.acceleration
        field = self._compass.orientation
        if not gravity or not field or None in gravity or None in field:
            return None
        return heading_from(gravity[:3], field[:3])


def platform_compass() -> PlyerCompass | None:
    """The phone's compass, or None (a desktop, or a phone whose sensors cannot be opened)."""
    from mobile.app.platform import is_android

    if not is_android():
        return None
    try:
        return PlyerCompass()
    except Exception as exc:  # noqa: BLE001 - no compass: the walking direction is used
        log.warning("no compass: %s", exc)
        return None
