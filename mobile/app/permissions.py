"""Android's run-time permissions, asked with a spoken explanation first and a spoken, usable
fallback for each one refused.

Android 12+ refuses BLUETOOTH_SCAN, ACCESS_FINE_LOCATION and RECORD_AUDIO silently unless the app
asks at run time, and the system dialog is read by TalkBack but not by a self-voicing app's user
without it — so the app says first what it is about to ask and why, and after the answer says
what still works (GPS only, typing instead of dictation). The platform is one small seam,
`PermissionBackend`; the Android one uses python-for-android's `android.permissions` and is
imported only on a phone, tests pass a fake.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from mobile.guidance.texts import say

log = logging.getLogger(__name__)

LOCATION, BLUETOOTH, MICROPHONE = "location", "bluetooth", "microphone"
#: in the order they are explained and their fallbacks said
ALL = (LOCATION, BLUETOOTH, MICROPHONE)
#: the Android permissions behind each need (buildozer.spec declares the same)
ANDROID_NAMES: dict[str, tuple[str, ...]] = {
    LOCATION: ("android.permission.ACCESS_FINE_LOCATION",),
    BLUETOOTH: ("android.permission.BLUETOOTH_SCAN", "android.permission.BLUETOOTH_CONNECT"),
    MICROPHONE: ("android.permission.RECORD_AUDIO",),
}


class PermissionBackend(Protocol):
    def granted(self, need: str) -> bool: ...

    def request(self, needs: list[str], done: Callable[[dict[str, bool]], None]) -> None: ...


class NoPermissionSystem:
    """A desktop: nothing to ask, everything allowed."""

    def granted(self, need: str) -> bool:
        return True

    def request(self, needs: list[str], done: Callable[[dict[str, bool]], None]) -> None:
        done(dict.fromkeys(needs, True))


#: Android 12 (API 31) brought BLUETOOTH_SCAN; before it, a BLE scan needs the location
BLUETOOTH_SCAN_FROM_API = 31


class AndroidPermissions:  # pragma: no cover - runs on a phone only
    """python-for-android's `android.permissions` (check_permission, request_permissions)."""

    def __init__(self) -> None:
        from jnius import autoclass

        self.api = int(autoclass("android.os.Build$VERSION").SDK_INT)

    def names(self, need: str) -> tuple[str, ...]:
        if need == BLUETOOTH and self.api < BLUETOOTH_SCAN_FROM_API:
            return ANDROID_NAMES[LOCATION]
        return ANDROID_NAMES[need]

    def granted(self, need: str) -> bool:
        from android.permissions import check_permission

        return all(check_permission(name) for name in self.names(need))

    def request(self, needs: list[str], done: Callable[[dict[str, bool]], None]) -> None:
        from android.permissions import request_permissions

        names = sorted({name for need in needs for name in self.names(need)})

        def answered(permissions: list[str], results: list[bool]) -> None:
            by_name = dict(zip(permissions, results, strict=False))
            done({need: all(by_name.get(n, False) for n in self.names(need)) for need in needs})

        request_permissions(names, answered)


class PermissionFlow:
    """Explain, ask once the explanation has been heard, then say the fallback for each refusal
    and hand on what was granted.

    `quiet()` tells whether the voice has finished (the system dialog must not cut the
    explanation short); `poll()`, called on every app tick, asks when it has.
    """

    def __init__(self, backend: PermissionBackend, speak: Callable[[str], None],
                 lang: Callable[[], str], quiet: Callable[[], bool] = lambda: True) -> None:
        self.backend = backend
        self._speak = speak
        self._lang = lang
        self._quiet = quiet
        self._to_ask: tuple[list[str], set[str], Callable[[set[str]], None]] | None = None
        self.granted: set[str] | None = None

    def start(self, on_done: Callable[[set[str]], None], needs: Iterable[str] = ALL) -> None:
        needs = list(needs)
        missing = [n for n in needs if not self.backend.granted(n)]
        if not missing:
            self._finish(set(needs), on_done)
            return
        self._speak(say("permission.explain", self._lang()))
        self._to_ask = (missing, set(needs) - set(missing), on_done)
        self.poll()

    def poll(self) -> None:
        """Show the system dialog once the explanation has been said."""
        if self._to_ask is None or not self._quiet():
            return
        missing, have, on_done = self._to_ask
        self._to_ask = None
        self.backend.request(missing, lambda results: self._answered(results, have, on_done))

    def _answered(self, results: dict[str, bool], have: set[str],
                  on_done: Callable[[set[str]], None]) -> None:
        granted = have | {need for need, ok in results.items() if ok}
        for need in ALL:
            if need in results and not results[need]:
                log.info("permission refused: %s", need)
                self._speak(say(f"permission.{need}", self._lang()))
        self._finish(granted, on_done)

    def _finish(self, granted: set[str], on_done: Callable[[set[str]], None]) -> None:
        self.granted = granted
        on_done(granted)


def platform_permissions() -> PermissionBackend:
    from mobile.app.platform import is_android

    return AndroidPermissions() if is_android() else NoPermissionSystem()
