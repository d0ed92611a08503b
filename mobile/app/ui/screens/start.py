"""The first screen: where am I, destination, favourites, repeat, ahead, around, and the rest."""

from __future__ import annotations

from mobile.app.ui.screens.base import VoicedScreen


class StartScreen(VoicedScreen):
    screen_name = "start"
    title_key = "start.title"

    def build(self) -> None:
        nav = lambda name: lambda: self.ctx.navigator.show(name)  # noqa: E731
        self.button("start.where", self._where_am_i)
        self.button("start.search", nav("search"))
        self.button("start.favourites", nav("favourites"))
        self.button("start.repeat", lambda: self.ctx.controller.repeat())
        self.button("start.ahead", nav("ahead"))
        self.button("start.around", nav("around"))
        self.button("start.settings", nav("settings"))
        self.button("start.simulate", nav("simulate"))

    def _where_am_i(self) -> None:
        self.ctx.say(self.ctx.controller.where_am_i())
