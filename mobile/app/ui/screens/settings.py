"""Settings: every row cycles through its values on a double tap and says the new one.

Changes go through `controller.update_settings`, which validates and saves them. Turning
tester logging on is followed by a spoken note of what is recorded and where it stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal

from mobile.app.ui.screens.base import VoicedScreen
from mobile.app.ui.widgets import VoicedButton

#: speech rates offered, relative to the voice's normal rate (AppSettings allows 0.5–2.0)
SPEECH_RATES = (0.75, 1.0, 1.25, 1.5, 2.0, 0.5)


@dataclass(frozen=True)
class Choice:
    """One settings row: the AppSettings field, its label key and the values it cycles through."""

    field: str
    label_key: str
    values: tuple[Any, ...]


CHOICES = (
    Choice("lang", "settings.lang", ("de", "en")),
    Choice("verbosity", "settings.verbosity", ("brief", "normal", "detailed")),
    Choice("speech_rate", "settings.rate", SPEECH_RATES),
    Choice("clock_face", "settings.clock_face", (False, True)),
    Choice("profile", "settings.profile", ("blind", "low_vision", "walk")),
    Choice("avoid_steps", "settings.avoid_steps", (False, True)),
    Choice("signalled_crossings_only", "settings.signalled", (False, True)),
    Choice("prefer_tactile_paving", "settings.tactile", (None, True, False)),
    Choice("route_on_server", "settings.server", (True, False)),
    Choice("logging_enabled", "settings.logging", (False, True)),
)


def value_label(value: Any, ctx) -> str:
    """A setting's value in words: "an", "Deutsch", "1,25"."""
    if value is None:
        return ctx.t("value.default")
    if isinstance(value, bool):
        return ctx.t("value.on" if value else "value.off")
    if isinstance(value, float):
        return format_decimal(value, locale=ctx.lang())
    return ctx.t(f"value.{value}")


class SettingsScreen(VoicedScreen):
    screen_name = "settings"
    title_key = "settings.title"

    def build(self) -> None:
        self.rows: dict[str, VoicedButton] = {}
        for choice in CHOICES:
            self.rows[choice.field] = self.button(choice.label_key, self._cycler(choice))
        self.button("common.back", lambda: self.ctx.navigator.back())

    def show(self, **params: Any) -> None:
        self.refresh_values()

    def relabel(self) -> None:
        super().relabel()
        if hasattr(self, "rows"):
            self.refresh_values()

    def refresh_values(self) -> None:
        settings = self.ctx.controller.settings
        for choice in CHOICES:
            value = getattr(settings, choice.field)
            self.rows[choice.field].value_text = value_label(value, self.ctx)

    def _cycler(self, choice: Choice):
        def cycle() -> None:
            current = getattr(self.ctx.controller.settings, choice.field)
            values = choice.values
            following = values[(values.index(current) + 1) % len(values)] \
                if current in values else values[0]
            self.ctx.call(self.ctx.controller.update_settings, **{choice.field: following})
            if getattr(self.ctx.controller.settings, choice.field) != following:
                return  # refused; ctx.call has said why
            for callback in self.ctx.on_settings_changed:
                callback()
            spoken = self.rows[choice.field].spoken(self.ctx.lang())
            if choice.field == "logging_enabled" and following:
                spoken = f"{spoken}. {self.ctx.t('settings.logging_on')}"
            self.ctx.say(spoken)

        return cycle
