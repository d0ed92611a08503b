"""Speech-to-text for the destination search, where the platform offers it (plyer's `stt`).

plyer has speech recognition on Android only; on a desktop `available()` is False and the
search screen says so, so the user knows to type rather than wait.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kivy.clock import Clock

log = logging.getLogger(__name__)

#: how often to look whether the recogniser has finished (s)
POLL_S = 0.5
#: give up listening after this long (s)
TIMEOUT_S = 12.0


class Dictation:
    """Starts the platform recogniser and hands the best result to a callback."""

    def __init__(self) -> None:
        self._stt = None
        self._waited = 0.0
        self._event = None
        try:
            from plyer import stt

            if stt.exist():
                self._stt = stt
        except (ImportError, NotImplementedError, AttributeError) as exc:
            log.info("no speech recognition on this platform (%s)", type(exc).__name__)
        except Exception as exc:  # a platform back-end failing to load must not stop the app
            log.warning("speech recognition unavailable: %s", exc)

    def available(self) -> bool:
        return self._stt is not None

    def start(self, on_result: Callable[[str], None]) -> bool:
        """Begin listening; False (and nothing started) when there is no recogniser."""
        if self._stt is None:
            return False
        self._stt.start()
        self._waited = 0.0
        if self._event is not None:
            self._event.cancel()
        self._event = Clock.schedule_interval(lambda dt: self._poll(dt, on_result), POLL_S)
        return True

    def _poll(self, dt: float, on_result: Callable[[str], None]) -> bool:
        self._waited += dt
        if self._stt.listening and self._waited < TIMEOUT_S:
            return True
        if self._stt.listening:
            self._stt.stop()
        results = list(self._stt.results or self._stt.partial_results or [])
        if results:
            on_result(str(results[0]))
        return False
