"""Guidance: the next maneuver, how far, how sure, the last message said; repeat, pause, stop.

The rows show the controller's `status()` and are refreshed on every app tick; touching one
says it. The controller speaks the maneuvers itself at the right moment; this screen only
shows them and offers the controls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mobile.app.ui import theme
from mobile.app.ui.screens.base import VoicedScreen
from mobile.app.ui.widgets import VoicedButton


class GuidanceScreen(VoicedScreen):
    screen_name = "guidance"
    title_key = "guidance.title"

    def build(self) -> None:
        # the next maneuver in the largest type: the one thing a low-vision walker glances at
        self.next_row = self.keyed(self.add(VoicedButton(font_size=theme.font_big())),
                                   "guidance.next")
        self.distance_row = self.keyed(self.add(VoicedButton()), "guidance.distance")
        self.quality_row = self.keyed(self.add(VoicedButton()), "guidance.quality")
        # the last guidance message in full, as it was said (with its chained "then …")
        self.last_row = self.keyed(self.add(VoicedButton()), "guidance.last")
        self.button("guidance.repeat", lambda: self.ctx.controller.repeat())
        self.pause_button = self.button("guidance.pause", self._toggle_pause)
        self.mark_button = self.button("guidance.mark", self._mark)
        self.stop_button = self.button("guidance.stop", self._stop)
        self.stop_button.confirm = True  # ending the guidance asks for a second double tap
        self.paused = False

    def show(self, **params: Any) -> None:
        self.paused = False
        # marking a problem is for testers: only there while the test log is on
        logging_on = bool(getattr(self.ctx.controller.settings, "logging_enabled", False))
        if logging_on and self.mark_button.parent is None:
            self.replace_rows([], [self.mark_button], before=self.stop_button)
        elif not logging_on and self.mark_button.parent is not None:
            self.body.remove_widget(self.mark_button)
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
        self.quality_row.value_text = position_text(status, t)
        self.last_row.value_text = str(status.get("last_guidance") or "–")
        self.paused = bool(status.get("paused", self.paused))
        self.pause_button.value_text = t("value.on") if self.paused else t("value.off")

    # the controller says "paused", "stopped", "marked" itself, through its own queue
    def _toggle_pause(self) -> None:
        if self.paused:
            self.ctx.controller.resume()
        else:
            self.ctx.controller.pause()
        self.paused = not self.paused
        self.live_update()

    def _mark(self) -> None:
        self.ctx.controller.mark_problem()

    def _stop(self) -> None:
        self.ctx.controller.stop()
        self.ctx.navigator.home()


#: position quality (0 useless … 1 within a metre or two) from which a word applies
QUALITY_WORDS = ((0.7, "quality.good"), (0.35, "quality.fair"), (0.0, "quality.poor"))


def position_text(status: dict[str, Any], t: Callable[..., str]) -> str:
    """How sure the position is, in words: "ungefähr, auf 15 Meter genau, Beacons, Simulation"."""
    quality, uncertainty = status.get("position_quality"), status.get("uncertainty_m")
    if uncertainty is None or not isinstance(quality, int | float):
        parts = [t("guidance.unknown")]
    else:
        word = next(key for floor, key in QUALITY_WORDS if quality >= floor)
        parts = [t(word), t("guidance.accuracy", m=round(uncertainty))]
    if status.get("position_source") in ("beacon", "gps"):
        parts.append(t(f"source.{status['position_source']}"))
    if status.get("mode") in ("online", "offline", "simulated"):
        parts.append(t(f"mode.{status['mode']}"))
    return ", ".join(parts)
