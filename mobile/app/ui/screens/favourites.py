"""Favourites: the user's saved destinations; double tap one to hear its route."""

from __future__ import annotations

from typing import Any

from mobile.app.ui.screens.base import VoicedScreen
from mobile.app.ui.widgets import VoicedButton


def as_destination(favourite: Any) -> dict:
    """A favourite (`AppSettings.favourites` entry or dict) in the search-hit form."""
    if hasattr(favourite, "model_dump"):
        favourite = favourite.model_dump()
    return {"name": favourite["name"], "lat": favourite["lat"], "lon": favourite["lon"]}


class FavouritesScreen(VoicedScreen):
    screen_name = "favourites"
    title_key = "favourites.title"

    def build(self) -> None:
        self._rows: list[VoicedButton] = []
        self._back = self.button("common.back", lambda: self.ctx.navigator.back())

    def show(self, **params: Any) -> None:
        favourites = [as_destination(f) for f in (self.ctx.controller.favourites or ())]
        rows = [VoicedButton(label=f["name"], action=self._choose(f)) for f in favourites]
        self._rows = self.replace_rows(self._rows, rows, before=self._back)

    def entry_text(self) -> str:
        if not self._rows:
            return f"{self.heading.text}. {self.ctx.t('favourites.none')}"
        return f"{self.heading.text}. {self.ctx.t('common.elements', n=len(self._rows))}"

    def _choose(self, destination: dict):
        return lambda: self.ctx.navigator.show("preview", destination=destination)
