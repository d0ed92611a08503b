"""Destination search: type (each character said) or dictate a name or a category word, hear
the hits nearest first, double tap one to preview its route."""

from __future__ import annotations

from typing import Any

from mobile.app.ui.dictation import Dictation
from mobile.app.ui.screens.base import VoicedScreen
from mobile.app.ui.widgets import VoicedButton, VoicedTextInput


def result_label(hit: dict) -> str:
    """A hit as it is said: the controller's label (name, what it is in the user's language,
    distance and direction); the bare name when a hit comes without one."""
    return str(hit.get("label") or hit.get("name") or "?")


def typed_echo(before: str, after: str, t) -> str | None:
    """What a screen reader says for an edit: the character typed, "x gelöscht", or the whole
    new text (dictation, a paste); None when nothing changed."""
    if after == before:
        return None
    if after.startswith(before) and len(after) == len(before) + 1:
        char = after[-1]
        return t("search.space") if char.isspace() else char
    if before.startswith(after) and len(before) == len(after) + 1:
        char = before[-1]
        return t("search.deleted", char=t("search.space") if char.isspace() else char)
    if not after:
        return t("common.empty")
    return after if after.strip() else t("search.space")


class SearchScreen(VoicedScreen):
    screen_name = "search"
    title_key = "search.title"

    def build(self) -> None:
        self.field = self.keyed(self.add(VoicedTextInput()), "search.field")
        self.field.bind(on_text_validate=lambda *_: self.search())
        self.field.bind(text=self._echo)
        self._typed = ""
        self.button("search.go", self.search)
        self.button("search.dictate", self._dictate)
        self._results: list[VoicedButton] = []
        self._back = self.button("common.back", lambda: self.ctx.navigator.back())
        self._dictation: Dictation | None = None

    def show(self, **params: Any) -> None:
        self.field.focus = False

    def _echo(self, _field: Any, text: str) -> None:
        """Every typed character is said at once, cutting the one before (as TalkBack does)."""
        said = typed_echo(self._typed, text, self.ctx.t)
        self._typed = text
        if said is not None:
            self.ctx.announcer.interrupt()
            self.ctx.say(said)

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
        if not self.ctx.microphone:  # the permission was refused: typing still works
            self.ctx.say(self.ctx.t("search.no_dictation"))
            return
        if self._dictation is None:
            self._dictation = Dictation()
        if not self._dictation.start(self._dictated):
            self.ctx.say(self.ctx.t("search.no_dictation"))
            return
        self.ctx.say(self.ctx.t("search.listening"))

    def _dictated(self, text: str) -> None:
        self.field.text = text
        self.search()
