"""GPS sources behind one small interface: plyer on Android, "no fix" on a desktop, a test double.

A desktop has no GPS; rather than pretending, `NoFixGps` reports that it has no fix, so the app
says so and the user knows the position comes from beacons only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

FixSink = Callable[[float, float, float], None]  # lat, lon, accuracy_m
StatusSink = Callable[[str], None]  # a one-line reason when there is no fix


class GpsSource(Protocol):
    def start(self, on_fix: FixSink, on_status: StatusSink) -> None: ...
    def stop(self) -> None: ...


class PlyerGps:
    """Android location through plyer (fix about once a second)."""

    def __init__(self, min_time_ms: int = 1000) -> None:
        self.min_time_ms = min_time_ms
        self._gps = None

    def start(self, on_fix: FixSink, on_status: StatusSink) -> None:
        try:
            from plyer import gps

            def location(**kw: float) -> None:
                on_fix(float(kw["lat"]), float(kw["lon"]), float(kw.get("accuracy", 20.0)))

            gps.configure(on_location=location, on_status=lambda k, m: on_status(f"{k}: {m}"))
            gps.start(minTime=self.min_time_ms, minDistance=0)
            self._gps = gps
        except Exception as exc:  # noqa: BLE001 - NotImplementedError, permission, jnius errors
            log.warning("GPS unavailable: %s", exc)
            on_status(f"GPS unavailable: {exc}")

    def stop(self) -> None:
        if self._gps is not None:
            try:
                self._gps.stop()
            except Exception as exc:  # noqa: BLE001 - stopping must never fail the app
                log.debug("gps stop: %s", exc)
            self._gps = None


class NoFixGps:
    """A desktop: says once that there is no GPS, never delivers a fix."""

    def start(self, on_fix: FixSink, on_status: StatusSink) -> None:
        on_status("no GPS receiver on this device")

    def stop(self) -> None:
        return None


class FakeGps:
    """Test double: `emit` delivers a fix as the platform would."""

    def __init__(self) -> None:
        self._on_fix: FixSink | None = None
        self.running = False

    def start(self, on_fix: FixSink, on_status: StatusSink) -> None:
        self._on_fix, self.running = on_fix, True

    def stop(self) -> None:
        self.running = False

    def emit(self, lat: float, lon: float, accuracy_m: float) -> None:
        if self.running and self._on_fix is not None:
            self._on_fix(lat, lon, accuracy_m)


def platform_gps() -> GpsSource:
    from mobile.app.platform import is_android

    return PlyerGps() if is_android() else NoFixGps()
