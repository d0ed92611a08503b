"""Route preview: every maneuver read as a list before leaving (Wayfindr), then "Losgehen".

On arrival the whole route is read out; afterwards each step can be heard again by swiping
through the list, and "Losgehen" starts the guidance.
"""

from __future__ import annotations

from typing import Any

from mobile.app.ui.screens.base import VoicedScreen
from mobile.app.ui.widgets import VoicedButton


class PreviewScreen(VoicedScreen):
    screen_name = "preview"
    title_key = "preview.title"
    #: the steps are read on arrival; the focus lands quietly on the first element after them
    announce_first = False

    def build(self) -> None:
        self.destination: Any = None
        self.steps: list[str] = []
        self._rows: list[VoicedButton] = []
        self._go = self.button("preview.go", self._start)
        self.button("preview.read_all", self.read_all)
        self._save = self.button("preview.save", self._save_favourite)
        self.button("preview.share", self._share)
        self._back = self.button("common.back", lambda: self.ctx.navigator.back())

    def show(self, **params: Any) -> None:
        if "destination" in params:
            self.destination = params["destination"]
            self.steps = []
            if self.destination is not None:
                self.steps = self.ctx.call(self.ctx.controller.preview, self.destination) or []
        rows = [VoicedButton(label=text) for text in self.steps]
        self._rows = self.replace_rows(self._rows, rows, before=self._back)
        self.relabel()

    def relabel(self) -> None:
        super().relabel()
        name = _name(getattr(self, "destination", None))
        if name:
            self.heading.text = self.ctx.t("preview.for", name=name)

    def entry_text(self) -> str:
        if not self.steps:
            return self.heading.text  # why there is no route has just been said
        return f"{self.heading.text}. {self.ctx.t('preview.steps', n=len(self.steps))}"

    def after_entry(self) -> None:
        self.read_all()

    def read_all(self) -> None:
        self.ctx.announcer.say(*self.steps)

    def _start(self) -> None:
        if self.destination is None or not self.steps:
            self.ctx.say(self.ctx.t("preview.none"))
            return
        self.ctx.controller.start_guidance(self.destination)
        self.ctx.navigator.show("guidance")

    def _share(self) -> None:
        """The steps as text to Android's share sheet, or a file on a desktop."""
        if not self.steps:
            self.ctx.say(self.ctx.t("preview.none"))
            return
        shared = self.ctx.call(self.ctx.controller.share_route)
        if shared is not None:
            self.ctx.say(self.ctx.t("share.saved", path=shared) if shared
                         else self.ctx.t("share.sent"))

    def _save_favourite(self) -> None:
        place = self.destination
        if not isinstance(place, dict) or not {"name", "lat", "lon"} <= set(place):
            return
        self.ctx.controller.add_favourite(place["name"], float(place["lat"]), float(place["lon"]))
        self.ctx.say(self.ctx.t("preview.saved", name=place["name"]))


def _name(destination: Any) -> str:
    if isinstance(destination, dict):
        return str(destination.get("name") or "")
    return str(getattr(destination, "name", "") or "")
