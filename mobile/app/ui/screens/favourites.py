"""Favourites: the user's saved destinations in their order; double tap one to use or edit it."""

from __future__ import annotations

from typing import Any

from mobile.app.ui.screens.base import VoicedScreen
from mobile.app.ui.widgets import VoicedButton, VoicedTextInput


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
        return lambda: self.ctx.navigator.show("favourite", favourite=destination)


class FavouriteScreen(VoicedScreen):
    """One favourite: its route, rename, move up or down, delete (asks for a second double tap)."""

    screen_name = "favourite"
    title_key = "favourites.title"

    def build(self) -> None:
        self.favourite: dict | None = None
        self.button("favourite.route", self._route)
        self.name_field = self.keyed(self.add(VoicedTextInput()), "favourite.name")
        self.name_field.bind(on_text_validate=lambda *_: self._rename())
        self.button("favourite.rename", self._rename)
        self.button("favourite.up", lambda: self._move(-1))
        self.button("favourite.down", lambda: self._move(+1))
        self.delete_button = self.button("favourite.delete", self._delete)
        self.delete_button.confirm = True
        self.button("common.back", lambda: self.ctx.navigator.back())

    def show(self, **params: Any) -> None:
        if "favourite" in params:
            self.favourite = params["favourite"]
        self.name_field.text = ""
        self.relabel()

    def relabel(self) -> None:
        super().relabel()
        favourite = getattr(self, "favourite", None)
        if favourite:
            self.heading.text = self.ctx.t("favourite.title", name=favourite["name"])

    def _route(self) -> None:
        self.ctx.navigator.show("preview", destination=self.favourite)

    def _rename(self) -> None:
        new_name = self.name_field.text.strip()
        self.name_field.focus = False
        if not new_name:
            self.ctx.say(self.ctx.t("search.empty_query"))
            return
        if self.ctx.call(self.ctx.controller.rename_favourite, self.favourite["name"],
                         new_name) is None:
            return
        self.favourite = {**self.favourite, "name": new_name}
        self.name_field.text = ""
        self.relabel()
        self.ctx.say(self.ctx.t("favourite.renamed", name=new_name))

    def _move(self, step: int) -> None:
        name = self.favourite["name"]
        if self.ctx.call(self.ctx.controller.move_favourite, name, step) is None:
            return
        names = [f.name for f in self.ctx.controller.favourites]
        self.ctx.say(self.ctx.t("favourite.moved", name=name, n=names.index(name) + 1,
                                total=len(names)))

    def _delete(self) -> None:
        name = self.favourite["name"]
        if self.ctx.call(self.ctx.controller.delete_favourite, name) is None:
            return
        self.ctx.say(self.ctx.t("favourite.deleted", name=name))
        self.ctx.navigator.back()
