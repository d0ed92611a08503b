"""The Kivy `App`: builds the self-voicing screens around a `GuideController` and drives it.

A `Clock.schedule_interval` calls `controller.tick(now)` several times a second — the guidance
loop runs on it — and refreshes the visible screen. At start it asks for the run-time
permissions (explained aloud first) and starts the radio with what was allowed. On Android the
app also asks, now and then, whether TalkBack's touch exploration is on and switches the
gesture surface to match.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window

from mobile.app.permissions import (
    BLUETOOTH,
    LOCATION,
    MICROPHONE,
    PermissionBackend,
    PermissionFlow,
)
from mobile.app.ui import theme
from mobile.app.ui.context import Controller, UiContext
from mobile.app.ui.screens import MAIN_CYCLE, SCREENS
from mobile.app.ui.surface import GestureSurface

log = logging.getLogger(__name__)

#: how often the guidance loop runs, s (position updates arrive about once a second)
TICK_S = 0.2
#: how often to ask Android whether TalkBack touch exploration is on, s
TALKBACK_POLL_S = 3.0


def build_ui(controller: Controller, clock: Callable[[], float] = time.monotonic) -> GestureSurface:
    """The root widget with all screens, speaking through the controller's queue."""
    return GestureSurface(UiContext.for_controller(controller), SCREENS, MAIN_CYCLE, clock=clock)


class LotseApp(App):
    """`start` and `start_params` choose the first screen (the simulate mode opens guidance)."""

    title = "Lotse"

    def __init__(
        self,
        controller: Controller,
        start: str = "start",
        start_params: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        touch_exploration: Callable[[], bool] | None = None,
        permissions: PermissionBackend | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.controller = controller
        self.surface: GestureSurface | None = None
        self._start = start
        self._start_params = start_params or {}
        self._clock = clock
        self._touch_exploration = touch_exploration
        self._permissions = permissions
        self._permission_flow: PermissionFlow | None = None
        self._last_error = ""

    def build(self) -> GestureSurface:
        Window.clearcolor = theme.BLACK
        self.surface = build_ui(self.controller, self._clock)
        self.surface.start_at(self._start, **self._start_params)
        Window.bind(on_keyboard=self._on_keyboard)
        Clock.schedule_interval(self.tick, getattr(self.controller, "tick_s", TICK_S))
        if self._permissions is not None:
            self.ask_permissions(self._permissions)
        if self._touch_exploration is not None:
            self.check_touch_exploration()
            Clock.schedule_interval(lambda _dt: self.check_touch_exploration(), TALKBACK_POLL_S)
        return self.surface

    def on_stop(self) -> None:
        Window.unbind(on_keyboard=self._on_keyboard)

    def _on_keyboard(self, _window: Any, key: int, *_args: Any) -> bool:
        return self.surface is not None and self.surface.on_key(key)

    def tick(self, _dt: float = 0.0) -> None:
        """One turn of the guidance loop; a failing tick is said once, not every 0.2 s."""
        surface = self.surface
        try:
            self.controller.tick(self._clock())
            self._last_error = ""
        except Exception as exc:  # the loop must survive: say it once, keep ticking
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            log.warning("controller tick failed: %s", reason, exc_info=True)
            if reason != self._last_error and surface is not None:
                surface.ctx.say(surface.ctx.t("common.failed", why=reason))
            self._last_error = reason
        if surface is not None:
            surface.live_update()
            surface.ctx.announcer.pump()
        if self._permission_flow is not None:
            self._permission_flow.poll()

    def ask_permissions(self, backend: PermissionBackend) -> None:
        """Say why, ask Android, then start the radio with what was allowed; each refusal is
        followed by a spoken fallback (GPS only, typing instead of dictation)."""
        surface = self.surface
        assert surface is not None
        flow = PermissionFlow(backend, surface.ctx.say, surface.ctx.lang,
                              quiet=surface.ctx.announcer.quiet)
        self._permission_flow = flow

        def granted(allowed: set[str]) -> None:
            surface.ctx.microphone = MICROPHONE in allowed
            self.controller.start_radio(ble=BLUETOOTH in allowed, gps=LOCATION in allowed)

        flow.start(granted)

    def check_touch_exploration(self) -> None:
        try:
            enabled = bool(self._touch_exploration())
        except Exception as exc:  # pyjnius errors: keep the mode we have, log why
            log.warning("cannot ask for touch exploration: %s", exc)
            return
        if self.surface is not None and enabled != self.surface.exploration_mode:
            log.info("touch exploration %s", "on" if enabled else "off")
            self.surface.exploration_mode = enabled
