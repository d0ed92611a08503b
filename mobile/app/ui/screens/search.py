"""Destination search: type (or dictate) a name, hear the hits, double tap one to preview."""

from __future__ import annotations

from typing import Any

from mobile.app.ui.dictation import Dictation
from mobile.app.ui.screens.base import VoicedScreen
from mobile.app.ui.widgets import VoicedButton, VoicedTextInput


def result_label(hit: dict) -> str:
    """A hit as it is said: name, then what it is when the search knows."""
    kind = hit.get("category") or hit.get("kind")
    return f"{hit.get('name', '?')}, {kind}" if kind else str(hit.get("name", "?"))


class SearchScreen(VoicedScreen):
    screen_name = "search"
    title_key = "search.title"

    def build(self) -> None:
        self.field = self.keyed(self.add(VoicedTextInput()), "search.field")
        self.field.bind(on_text_validate=lambda *_: self.search())
        self.button("search.go", self.search)
        self.button("search.dictate", self._dictate)
        self._results: list[VoicedButton] = []
        self._back = self.button("common.back", lambda: self.ctx.navigator.back())
        self._dictation: Dictation | None = None

    def show(self, **params: Any) -> None:
        self.field.focus = False

    def search(self) -> None:
        query = self.field.text.strip()
        self.field.focus = False
        if not query:
            self.ctx.say(self.ctx.t("search.empty_query"))
            return
        hits = self.ctx.call(self.ctx.controller.search, query)
        if hits is None:
            return
        rows = [VoicedButton(label=result_label(hit), action=self._choose(hit)) for hit in hits]
        self._results = self.replace_rows(self._results, rows, before=self._back)
        nav = self.ctx.navigator
        nav.refresh_focusables()
        if not rows:
            self.ctx.say(self.ctx.t("search.none"))
            return
        # one message: the count and the first hit, which takes the focus
        nav.ring.focus(rows[0], announce=False)
        self.ctx.say(f"{self.ctx.t('search.found', n=len(rows))} {rows[0].spoken(self.ctx.lang())}")

    def _choose(self, hit: dict):
        return lambda: self.ctx.navigator.show("preview", destination=hit)

    def _dictate(self) -> None:
        if self._dictation is None:
            self._dictation = Dictation()
        if not self._dictation.start(self._dictated):
            self.ctx.say(self.ctx.t("search.no_dictation"))
            return
        self.ctx.say(self.ctx.t("search.listening"))

    def _dictated(self, text: str) -> None:
        self.field.text = text
        self.search()
