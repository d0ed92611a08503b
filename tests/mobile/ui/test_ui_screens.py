"""Every screen renders, is large and high-contrast, and each flow calls the controller."""

from __future__ import annotations

from kivy.core.image import Image as CoreImage
from kivy.metrics import dp
from ui_harness import UiTest

from mobile.app.controller import ControllerError
from mobile.app.settings import SettingsError

#: every screen with what it needs to show real content
SCREENS = {
    "start": {},
    "search": {},
    "favourites": {},
    "favourite": {"favourite": {"name": "Zuhause", "lat": 49.4452, "lon": 7.7655}},
    "preview": {"destination": {"name": "Stiftsplatz", "lat": 49.4441, "lon": 7.7698}},
    "guidance": {},
    "around": {},
    "ahead": {},
    "settings": {},
    "simulate": {},
}


def contrast_of(path) -> tuple[float, float]:
    """(share of dark pixels, share of bright pixels) of a PNG, read back with Kivy."""
    image = CoreImage(str(path), keep_data=True)
    w, h = image.size
    dark = bright = total = 0
    for y in range(0, h, 6):
        for x in range(0, w, 6):
            r, g, b, _a = image.read_pixel(x, y)
            lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
            dark += lum < 0.15
            bright += lum > 0.8
            total += 1
    return dark / total, bright / total


class TestEveryScreen(UiTest):
    def test_each_screen_renders_large_targets_and_a_legible_screenshot(self):
        self.controller.guiding = SCREENS["preview"]["destination"]
        self.controller.last_guidance = "In 40 Metern rechts abbiegen, dann 30 Meter geradeaus."
        for name, params in SCREENS.items():
            self.ui.show(name, **params)
            self.frames(3)
            items = self.ui.ring.items
            assert items, f"{name}: nothing to focus"
            for item in items:
                assert item.label.strip(), f"{name}: an element without a label"
                assert item.height >= dp(48) and item.width >= dp(48), (name, item.label)
                assert item.x >= 0 and item.right <= self.Window.width, (name, item.label)
                assert item.spoken("de").startswith(item.label)
            path = self.screenshot(name)
            self.touch_each_visible(name, items)
            dark, bright = contrast_of(path)
            assert dark > 0.3 and bright > 0.01, f"{name}: screenshot blank or low contrast"


    def touch_each_visible(self, name, items):
        """Explore by touch: every element on screen says its label (and state) when touched."""
        touched = 0
        for item in items:
            _, bottom = item.to_window(*item.pos)
            if bottom < 0 or bottom + item.height > self.Window.height:
                continue  # scrolled out of view: reached by swiping, tested elsewhere
            self.touch(item)
            assert self.said[-1] == item.spoken("de"), (name, item.label)
            touched += 1
        assert touched >= min(len(items), 3), name


class TestFlows(UiTest):
    def type_and_search(self, text):
        self.double_tap(self.element("Ziel wählen"))
        field = self.element("Suchtext")
        self.double_tap(field)
        assert field.focus  # the keyboard is open for typing
        field.text = text
        self.double_tap(self.element("Suchen"))

    def test_search_preview_and_guidance(self):
        self.type_and_search("stifts")
        assert self.controller.called("search") == [("stifts",)]
        assert self.said[-1] == "1 Treffer: Stiftsplatz, Marktplatz, 300 Meter nach Norden"
        assert self.ui.ring.current.label == "Stiftsplatz, Marktplatz, 300 Meter nach Norden"

        self.double_tap(self.ui.ring.current)
        assert self.ui.manager.current == "preview"
        self.settle()
        steps = self.controller.preview(None)
        assert self.said[-len(steps) - 1:] == ["Route nach Stiftsplatz. 4 Schritte.", *steps]
        labels = [i.label for i in self.ui.ring.items]
        assert labels[0] == "Losgehen" and "In 40 Metern rechts abbiegen." in labels
        self.double_tap(self.reach("Als Favorit speichern"))
        assert self.controller.called("add_favourite") == [("Stiftsplatz", 49.4441, 7.7698)]
        assert self.said[-1] == "Stiftsplatz ist jetzt ein Favorit."

        self.double_tap(self.element("Losgehen"))
        (destination,) = self.controller.called("start_guidance")[0]
        assert destination["name"] == "Stiftsplatz"
        assert self.ui.manager.current == "guidance"
        self.ui.live_update()
        assert self.element("Nächste Ansage").value_text == "In 40 Metern rechts abbiegen."
        assert self.element("Entfernung").value_text == "39 Meter"

        self.double_tap(self.element("Pause"))
        assert self.controller.called("pause") and self.said[-1] == "Führung pausiert."
        assert self.element("Pause").value_text == "an"
        self.double_tap(self.element("Pause"))
        assert self.controller.called("resume") and self.element("Pause").value_text == "aus"
        self.double_tap(self.element("Führung beenden"))
        assert not self.controller.called("stop")  # a destructive action asks first
        assert self.said[-1] == "Führung beenden? Zum Bestätigen noch einmal doppeltippen."
        self.double_tap((self.Window.width / 2, 20))  # anywhere: the focus is still on it
        assert self.controller.called("stop") and self.ui.manager.current == "start"

    def test_an_empty_search_and_one_without_hits_are_said(self):
        self.type_and_search("  ")
        assert self.said[-1] == "Bitte erst einen Suchtext eingeben."
        assert not self.controller.called("search")
        self.element("Suchtext").text = "Flughafen"
        self.double_tap(self.element("Suchen"))
        assert self.said[-1] == "Nichts gefunden."

    def test_dictation_says_when_the_platform_has_none(self):
        self.double_tap(self.element("Ziel wählen"))
        self.double_tap(self.element("Diktieren"))
        assert self.said[-1] == "Diktat gibt es auf diesem Gerät nicht. Bitte tippen."

    def test_a_failing_route_is_said_and_nothing_starts(self):
        self.controller.fail["preview"] = ControllerError("Kein Weg gefunden.")
        self.ui.show("preview", destination={"name": "Insel", "lat": 49.0, "lon": 7.0})
        self.settle()
        assert "Kein Weg gefunden." in self.said  # the controller's sentence, as it is
        self.double_tap(self.element("Losgehen"))
        assert not self.controller.called("start_guidance")
        assert self.said[-1] == "Keine Route."

    def test_a_favourite_opens_its_route(self):
        self.double_tap(self.element("Favoriten"))
        self.settle()
        assert self.said[-2:] == ["Favoriten. 1 Elemente", "Zuhause"]
        self.double_tap(self.element("Zuhause"))
        assert self.ui.manager.current == "favourite"
        self.double_tap(self.element("Route anzeigen"))
        assert self.controller.called("preview")[-1] == (
            {"name": "Zuhause", "lat": 49.4452, "lon": 7.7655},)

    def test_around_me_lists_what_the_controller_knows_and_any_row_is_a_destination(self):
        self.double_tap(self.element("Was ist in der Nähe?"))
        first = self.element("Stadtbibliothek, Bibliothek, 40 Meter auf 2 Uhr")
        self.touch(first)
        assert self.said[-1] == first.label
        self.double_tap(self.element("Neu abfragen"))
        assert len(self.controller.called("around")) == 2
        self.double_tap(self.element("Ampel mit Tonsignal, Fackelstraße, 15 Meter auf 12 Uhr"))
        assert self.ui.manager.current == "preview"
        assert self.controller.called("preview")[-1][0]["name"] == "Fackelstraße"

    def test_simulate_mode_runs_the_controllers_simulated_walk(self):
        self.double_tap(self.element("Simulation für Tester"))
        self.double_tap(self.element("Simulation starten"))
        assert self.controller.called("start_simulation") == [("Hauptbahnhof", "Stiftsplatz")]
        assert self.ui.manager.current == "guidance"
        self.ui.live_update()
        assert self.element("Position").value_text == \
            "ungefähr, auf 15 Meter genau, Beacons, Simulation"
        assert "Problem markieren" not in [i.label for i in self.ui.ring.items]

    def test_testers_can_mark_a_problem_while_the_log_is_on(self):
        self.controller.update_settings(logging_enabled=True)
        self.controller.start_guidance({"name": "Stiftsplatz"})
        self.ui.show("guidance")
        self.double_tap(self.element("Problem markieren"))
        assert self.controller.called("mark_problem")
        assert self.said[-1] == "Problemstelle markiert."


def test_every_value_a_settings_row_offers_is_one_the_engine_accepts():
    from mobile.app.settings import AppSettings
    from mobile.app.ui.screens.settings import CHOICES

    for choice in CHOICES:
        assert getattr(AppSettings(), choice.field) in choice.values, choice.field
        for value in choice.values:
            assert getattr(AppSettings().changed(**{choice.field: value}), choice.field) == value


class TestSettings(UiTest):
    def setUp(self):
        super().setUp()
        self.double_tap(self.element("Einstellungen"))

    def test_switching_to_english_relabels_every_screen(self):
        self.double_tap(self.element("Sprache"))
        assert self.controller.called("update_settings") == [({"lang": "en"},)]
        assert self.said[-1] == "Language: English"
        self.swipe("down")
        assert [i.label for i in self.ui.ring.items][:2] == ["Where am I?", "Choose destination"]
        assert self.controller.voice.spoken[-1].lang == "en"

    def test_each_row_cycles_its_values(self):
        self.double_tap(self.element("Sprechtempo"))
        assert self.controller.settings.speech_rate == 1.25
        assert self.said[-1] == "Sprechtempo: 1,25"
        self.double_tap(self.element("Ausführlichkeit"))
        assert self.controller.settings.verbosity == "detailed"
        self.double_tap(self.element("Leitlinien bevorzugen"))
        assert self.controller.settings.prefer_tactile_paving is True
        self.double_tap(self.element("Richtung als Uhrzeit"))
        assert self.controller.settings.clock_face is True and self.said[-1].endswith(": an")

    def test_turning_logging_on_says_what_is_recorded(self):
        row = self.reach("Testprotokoll")
        _, bottom = row.to_window(*row.pos)
        assert bottom >= 0 and bottom + row.height <= self.Window.height  # scrolled into view
        self.double_tap(row)
        assert self.controller.settings.logging_enabled
        assert self.said[-1].startswith("Testprotokoll: an. Protokoll an.")

    def test_a_refused_setting_is_said_and_the_row_keeps_its_value(self):
        self.controller.fail["update_settings"] = SettingsError("speech_rate: too fast")
        self.double_tap(self.element("Sprechtempo"))
        assert self.said[-1] == "Das ging nicht: speech_rate: too fast"
        assert self.element("Sprechtempo").value_text == "1"
