"""The BLE scanner seam: one small interface, a bleak implementation and a test double.

The guidance pipeline has no threads; it is fed readings with time stamps. The scanner is where the
radio's own thread (bleak's asyncio loop) meets that world: detections are parsed at once into
`Sighting`s and handed to a sink (in the app, a thread-safe queue the controller drains on `tick`).
When Bluetooth is missing (no adapter, no permission, BlueZ not running) `start` raises
`BluetoothUnavailable` with a readable reason instead of bleak's or the OS's own exception, so the
caller can say so aloud and carry on with GPS.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from mobile.ble.frames import (
    EddystoneTlmFrame,
    EddystoneUidFrame,
    IBeaconFrame,
    parse_advertisement,
)

log = logging.getLogger(__name__)

#: how long `start` waits for the radio to report that scanning runs (s)
START_TIMEOUT_S = 5.0


class BluetoothUnavailable(RuntimeError):
    """Scanning cannot run; `str(exc)` is one line saying why."""


@dataclass(frozen=True, slots=True)
class Sighting:
    """One received beacon frame: when, from which beacon, how strong."""

    t: float
    key: str
    frame: IBeaconFrame | EddystoneUidFrame
    rssi: int
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Telemetry:
    """An Eddystone TLM frame, paired with the UID its sender advertised (None if unknown)."""

    t: float
    key: str | None
    frame: EddystoneTlmFrame
    address: str | None = None


Reading = Sighting | Telemetry
Sink = Callable[[Reading], None]


class AdvertHandler:
    """Turns bleak's (device, AdvertisementData) callbacks into readings, for every scanner."""

    def __init__(self, sink: Sink, clock: Callable[[], float] = time.monotonic) -> None:
        self._sink = sink
        self._clock = clock
        #: Eddystone sends UID and TLM from the same address in turn: remember who is who
        self._uid_by_address: dict[str, str] = {}

    def on_advertisement(self, device: Any, adv: Any) -> None:
        """bleak's detection callback. Foreign adverts produce nothing; bad data never raises."""
        try:
            frames = parse_advertisement(adv)
        except (ValueError, TypeError, AttributeError) as exc:  # malformed platform data
            log.debug("ignored unparsable advertisement: %s", exc)
            return
        if not frames:
            return
        t = self._clock()
        address = getattr(device, "address", None)
        rssi = getattr(adv, "rssi", None)
        for frame in frames:
            if isinstance(frame, EddystoneTlmFrame):
                key = self._uid_by_address.get(address) if address else None
                self._sink(Telemetry(t, key, frame, address))
            elif rssi is not None:
                if address and isinstance(frame, EddystoneUidFrame):
                    self._uid_by_address[address] = frame.key
                self._sink(Sighting(t, frame.key, frame, int(rssi), address))


class BeaconScanner(Protocol):
    """What the app needs from a radio."""

    def start(self, sink: Sink) -> None:
        """Begin delivering readings to `sink`; raises BluetoothUnavailable."""

    def stop(self) -> None:
        """Stop scanning; safe to call twice or after a failed start."""


class BleakBeaconScanner:
    """Real scanning with `bleak.BleakScanner(detection_callback=…)` on its own asyncio thread."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        scanner_factory: Callable[..., Any] | None = None,
    ) -> None:
        self._clock = clock
        self._factory = scanner_factory
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._error: BaseException | None = None
        self.handler: AdvertHandler | None = None

    def start(self, sink: Sink) -> None:
        self.handler = AdvertHandler(sink, self._clock)
        ready = threading.Event()
        self._error = None
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._run(ready)), name="ble-scan", daemon=True
        )
        self._thread.start()
        if not ready.wait(START_TIMEOUT_S):
            self.stop()
            raise BluetoothUnavailable("Bluetooth did not start in time")
        if self._error is not None:
            raise BluetoothUnavailable(_reason(self._error)) from None

    async def _run(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        assert self.handler is not None
        try:
            factory = self._factory or _bleak_scanner
            scanner = factory(detection_callback=self.handler.on_advertisement)
            await scanner.start()
        except Exception as exc:  # noqa: BLE001 - BleakError, OSError, D-Bus/permission errors
            log.warning("Bluetooth scanning unavailable: %s", _reason(exc))
            self._error = exc
            ready.set()
            return
        ready.set()
        await self._stop_event.wait()
        try:
            await scanner.stop()
        except Exception as exc:  # noqa: BLE001 - the radio may already be gone
            log.debug("scanner stop failed: %s", exc)

    def stop(self) -> None:
        if self._loop is not None and self._stop_event is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._stop_event.set)
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._thread = None


def _bleak_scanner(**kwargs: Any) -> Any:
    from bleak import BleakScanner  # imported only when a real radio is wanted

    return BleakScanner(**kwargs)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


class FakeScanner:
    """Test double and simulator radio: `emit` feeds adverts through the same handler as bleak's."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, fail: str | None = None
    ) -> None:
        self._clock = clock
        self._fail = fail
        self.handler: AdvertHandler | None = None
        self.running = False

    def start(self, sink: Sink) -> None:
        if self._fail is not None:
            raise BluetoothUnavailable(self._fail)
        self.handler = AdvertHandler(sink, self._clock)
        self.running = True

    def stop(self) -> None:
        self.running = False

    def emit(self, device: Any, adv: Any) -> None:
        if self.running and self.handler is not None:
            self.handler.on_advertisement(device, adv)
