"""Guidance: the next maneuver, how far, how sure the position is; repeat, pause, stop.

The rows show the controller's `status()` and are refreshed on every app tick; touching one
says it. The controller speaks the maneuvers itself at the right moment; this screen only
shows them and offers the controls.
"""

from __future__ import annotations

from typing import Any

from mobile.ui.screens.base import VoicedScreen
from mobile.ui.widgets import VoicedButton


class GuidanceScreen(VoicedScreen):
    screen_name = "guidance"
    title_key = "guidance.title"

    def build(self) -> None:
        self.next_row = self.keyed(self.add(VoicedButton()), "guidance.next")
        self.distance_row = self.keyed(self.add(VoicedButton()), "guidance.distance")
        self.quality_row = self.keyed(self.add(VoicedButton()), "guidance.quality")
        self.mode_row = self.keyed(self.add(VoicedButton()), "guidance.mode")
        self.button("guidance.repeat", lambda: self.ctx.controller.repeat())
        self.pause_button = self.button("guidance.pause", self._toggle_pause)
        self.mark_button = self.button("guidance.mark", self._mark)
        self.button("guidance.stop", self._stop)
        self.paused = False

    def show(self, **params: Any) -> None:
        self.paused = False
        self.live_update()

    def live_update(self) -> None:
        status = self.ctx.peek(self.ctx.controller.status) or {}
        t = self.ctx.t
        self.next_row.value_text = str(status.get("next") or "–")
        distance = status.get("distance_m")
        self.distance_row.value_text = (
            t("guidance.distance_value", m=round(distance)) if distance is not None
            else t("guidance.unknown")
        )
        self.quality_row.value_text = str(status.get("position_quality") or t("guidance.unknown"))
        mode = status.get("mode")
        self.mode_row.value_text = t(f"mode.{mode}") if mode in ("online", "offline", "simulated") \
            else str(mode or t("guidance.unknown"))
        self.paused = bool(status.get("paused", self.paused))
        self.pause_button.value_text = t("value.on") if self.paused else t("value.off")

    def _toggle_pause(self) -> None:
        controller = self.ctx.controller
        if self.paused:
            controller.resume()
            self.paused = False
            self.ctx.say(self.ctx.t("guidance.resumed"))
        else:
            controller.pause()
            self.paused = True
            self.ctx.say(self.ctx.t("guidance.paused"))
        self.live_update()

    def _mark(self) -> None:
        self.ctx.controller.mark_problem()
        self.ctx.say(self.ctx.t("guidance.marked"))

    def _stop(self) -> None:
        self.ctx.controller.stop()
        self.ctx.say(self.ctx.t("guidance.stopped"))
        self.ctx.navigator.home()
