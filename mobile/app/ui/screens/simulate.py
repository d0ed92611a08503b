"""Simulate mode for testers: walk a virtual person from A to B through the real pipeline.

The controller's simulated walk feeds synthetic beacon adverts into the same guidance loop the
street uses; this screen only asks where from and where to, then shows the guidance screen.
"""

from __future__ import annotations

from typing import Any

from mobile.app.ui.screens.base import VoicedScreen
from mobile.app.ui.widgets import Caption, VoicedTextInput

DEFAULT_FROM = "Hauptbahnhof"
DEFAULT_TO = "Stiftsplatz"


class SimulateScreen(VoicedScreen):
    screen_name = "simulate"
    title_key = "simulate.title"

    def build(self) -> None:
        self.keyed(self.add(Caption()), "simulate.from")
        self.origin = self.keyed(self.add(VoicedTextInput(text=DEFAULT_FROM)), "simulate.from")
        self.keyed(self.add(Caption()), "simulate.to")
        self.destination = self.keyed(self.add(VoicedTextInput(text=DEFAULT_TO)), "simulate.to")
        self.button("simulate.go", self.start)
        self.button("common.back", lambda: self.ctx.navigator.back())

    def show(self, **params: Any) -> None:
        if "origin" in params:
            self.origin.text = params["origin"]
        if "destination" in params:
            self.destination.text = params["destination"]

    def start(self) -> None:
        origin, destination = self.origin.text.strip(), self.destination.text.strip()
        if not origin or not destination:
            self.ctx.say(self.ctx.t("search.empty_query"))
            return
        self.ctx.controller.start_simulation(origin, destination)  # it says "Simulation" itself
        self.ctx.navigator.show("guidance")
