"""`lotse app`: arguments, one-line errors, and the simulate mode up to the running app."""

from __future__ import annotations

import pytest
from kivy.clock import Clock
from ui_double import HandClock
from ui_harness import UiTest

from accessibility.voices import RecorderVoice
from mobile.app import cli as cli_app
from mobile.app.controller import ControllerError, GuideController
from mobile.app.kivy_app import LotseApp


def test_help_and_unknown_options(capsys):
    with pytest.raises(SystemExit) as done:
        cli_app.main(["--help"])
    assert done.value.code == 0 and "--simulate" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        cli_app.main(["--lang", "fr"])
    err = capsys.readouterr().err
    assert done.value.code == 2 and err.count("\n") == 1 and err.startswith("lotse app: ")


def test_a_controller_that_cannot_start_is_one_line_and_exit_1(monkeypatch, capsys):
    def refuse(lang):
        raise ControllerError("Kein Ort namens 'Atlantis' gefunden.\nmore detail")

    monkeypatch.setattr(cli_app, "_controller", refuse)
    assert cli_app.main(["--simulate", "--to", "Atlantis"]) == 1
    assert capsys.readouterr().err == "lotse app: Kein Ort namens 'Atlantis' gefunden.\n"


class TestSimulateMode(UiTest):
    @pytest.fixture(autouse=True)
    def _engine(self, cc_network, tmp_path, monkeypatch):
        clock = HandClock()
        self.real = GuideController(RecorderVoice(clock=clock), network=cc_network, clock=clock,
                                    settings_path=tmp_path / "settings.json")
        self.real.update_settings(route_on_server=False)
        shutdowns = self.shutdowns = []
        monkeypatch.setattr(self.real, "shutdown", lambda: shutdowns.append(True))
        monkeypatch.setattr("mobile.app.controller.controller_for_this_device", lambda: self.real)
        started = self.started = []

        def run(app: LotseApp) -> None:  # build as App.run would, without the endless loop
            started.append(app.build())
            Clock.unschedule(app.tick)

        monkeypatch.setattr(LotseApp, "run", run)

    def test_simulate_opens_guidance_on_the_controllers_walk_in_english(self):
        assert cli_app.main(["--simulate", "--from", "Hauptbahnhof", "--to", "Stiftsplatz",
                             "--lang", "en"]) == 0
        (surface,) = self.started
        assert surface.manager.current == "guidance"
        assert self.real.settings.lang == "en" and self.real.status()["mode"] == "simulated"
        assert surface.ring.items[0].label == "Next instruction"
        assert self.shutdowns == [True]
