"""Around me and ahead of me: places, crossings and intersections near the walker, nearest
first, each with distance and direction; double tap one to hear the route there."""

from __future__ import annotations

from typing import Any

from mobile.app.ui.screens.base import VoicedScreen
from mobile.app.ui.widgets import VoicedButton


class AroundScreen(VoicedScreen):
    """ "Um mich herum": everything within 60 m, all round."""

    screen_name = "around"
    title_key = "around.title"
    #: True: only what lies within 50 m in the walking direction ("Vor mir")
    ahead = False

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
        controller = self.ctx.controller
        found = self.ctx.call(controller.ahead if self.ahead else controller.around)
        if found:
            rows = [VoicedButton(label=item["label"], action=self._choose(item))
                    for item in found]
        else:
            why = self.ctx.call(controller.nothing_near, self.ahead) or self.ctx.t("around.none")
            rows = [VoicedButton(label=why)]
        self._items = self.replace_rows(self._items, rows, before=self._refresh_button)

    def _choose(self, item: dict[str, Any]):
        """Any entry can become the destination: its route is previewed."""
        return lambda: self.ctx.navigator.show("preview", destination=item)


class AheadScreen(AroundScreen):
    """ "Vor mir": within 50 m in the walking direction."""

    screen_name = "ahead"
    title_key = "ahead.title"
    ahead = True
