"""Around me: what is near the user (shops, opening hours, crossings), one entry per item."""

from __future__ import annotations

from typing import Any

from mobile.app.ui.screens.base import VoicedScreen
from mobile.app.ui.widgets import VoicedButton


class AroundScreen(VoicedScreen):
    screen_name = "around"
    title_key = "around.title"

    def build(self) -> None:
        self._items: list[VoicedButton] = []
        self._refresh_button = self.button("around.refresh", self._refresh)

    def show(self, **params: Any) -> None:
        self._load()

    def entry_text(self) -> str:
        return f"{self.heading.text}. {self.ctx.t('common.elements', n=len(self._items))}"

    def _refresh(self) -> None:
        self._load()
        self.ctx.navigator.refresh_focusables()
        self.ctx.say(self.entry_text())

    def _load(self) -> None:
        texts = self.ctx.call(self.ctx.controller.around_me) or [self.ctx.t("around.none")]
        rows = [VoicedButton(label=text) for text in texts]
        self._items = self.replace_rows(self._items, rows, before=self._refresh_button)
