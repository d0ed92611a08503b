"""The screens on the engine's real GuideController: real inner-city network, real pipeline,
real simulated walk, real speech queue (voice recorded), driven by touches on rendered screens."""

from __future__ import annotations

import pytest
from ui_double import HandClock
from ui_harness import UiTest

from accessibility.voices import RecorderVoice
from mobile.app.controller import ControllerError, GuideController
from mobile.app.kivy_app import build_ui

#: simulated seconds the walk runs in this test, and the app's tick step
WALK_S = 90.0
STEP_S = 0.5


class TestRealEngine(UiTest):
    @pytest.fixture(autouse=True)
    def _real_controller(self, cc_network, tmp_path):
        self.real_clock = HandClock()
        self.real_voice = RecorderVoice(clock=self.real_clock)
        self.real = GuideController(self.real_voice, settings_path=tmp_path / "settings.json",
                                    network=cc_network, clock=self.real_clock)
        # route on the phone: the test must not depend on a server
        self.real.update_settings(route_on_server=False)

    def use_real_controller(self):
        self.Window.remove_widget(self.ui)
        self.controller, self.clock = self.real, self.real_clock
        self.ui = build_ui(self.real, clock=self.real_clock)
        self.Window.add_widget(self.ui)
        self.ui.home()
        self.frames()

    @property
    def said(self):
        return self.real_voice.texts

    def walk(self, seconds: float) -> None:
        """What the app's clock does: tick the controller, refresh the screen, deliver UI speech."""
        for _ in range(int(seconds / STEP_S)):
            self.real_clock.advance(STEP_S)
            self.real.tick(self.real_clock())
            self.ui.live_update()
            self.ui.ctx.announcer.pump()

    def test_simulated_walk_from_the_simulate_screen(self):
        self.use_real_controller()
        self.double_tap(self.element("Simulation für Tester"))
        self.double_tap(self.element("Simulation starten"))
        assert self.ui.manager.current == "guidance"
        assert self.real.status()["mode"] == "simulated"

        self.walk(WALK_S)
        status = self.real.status()
        assert status["guiding"] and status["progress_m"] > 30  # the walker got going
        next_row = self.element("Nächste Ansage")
        assert next_row.value_text == status["next"] and status["next"]
        assert self.element("Entfernung").value_text.endswith("Meter")
        assert "genau" in self.element("Position").value_text
        engine_said = [u.text for u in self.real_voice.spoken if u.text != next_row.label]
        assert len(engine_said) >= 3  # mode, departure and at least one guidance message

        self.touch(next_row)
        self.walk(10)
        assert any(text.startswith("Nächste Ansage: ") for text in self.said[-6:])

        # guidance goes on while the walker asks what is around and where they are
        self.swipe("down")
        assert self.ui.manager.current == "simulate"  # back, the way the walker came
        self.swipe("up")
        assert self.ui.manager.current == "start"  # the main screens
        expected = self.real.where_am_i()  # no tick until the double tap: the same answer
        self.double_tap(self.element("Wo bin ich?"))
        self.walk(8)
        assert expected in self.said and expected != "Position unbekannt."
        self.double_tap(self.element("Was ist in der Nähe?"))
        around = [item["label"] for item in self.real.around()]
        assert [i.label for i in self.ui.ring.items][:len(around)] == around
        self.double_tap(self.element("Neu abfragen"))
        self.walk(5)
        assert self.real.status()["guiding"]

        self.ui.show("guidance")
        self.double_tap(self.element("Führung beenden"))
        assert self.real.status()["guiding"]  # the first double tap only asks
        self.double_tap(self.element("Führung beenden"))
        self.walk(5)
        assert "Führung beendet." in self.said, "\n".join(self.said[-10:])
        assert self.ui.manager.current == "start" and not self.real.status()["guiding"]

    def test_search_finds_real_places_and_a_hit_opens_the_preview(self):
        self.use_real_controller()
        self.double_tap(self.element("Ziel wählen"))
        self.element("Suchtext").text = "stiftsplatz"
        self.double_tap(self.element("Suchen"))
        hits = self.real.search("stiftsplatz")
        assert hits and self.said[-1].startswith(f"{len(hits)} Treffer: {hits[0]['name']}")
        self.double_tap(self.ui.ring.current)
        assert self.ui.manager.current == "preview"
        assert self.ui.screen.destination == hits[0]

    def test_where_am_i_without_a_position_says_so(self):
        self.use_real_controller()
        self.double_tap(self.element("Wo bin ich?"))
        self.walk(3)
        assert self.said[-1] == "Position unbekannt."
        # a destination cannot be previewed without knowing where the walk starts
        destination = {"name": "Stiftsplatz", "lat": 49.4441, "lon": 7.7698}
        with pytest.raises(ControllerError) as refused:
            self.real.preview(destination)
        self.ui.show("preview", destination=destination)
        self.walk(3)
        assert self.said[-2:] == [str(refused.value), "Route nach Stiftsplatz"]
        self.double_tap(self.element("Losgehen"))
        self.walk(3)
        assert self.said[-1] == "Keine Route." and not self.real.status()["guiding"]
