"""The controls as a blind user works them, on the rendered screens: confirmations, typing by
ear, favourites, sharing, permissions, large type."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.metrics import Metrics
from ui_double import ControllerDouble
from ui_harness import UiTest

from accessibility.speakable import speakable
from mobile.app.kivy_app import LotseApp, build_ui
from mobile.app.permissions import BLUETOOTH, LOCATION, MICROPHONE


class TestGestureModel(UiTest):
    def test_ending_the_guidance_asks_first_and_a_swipe_away_disarms(self):
        self.controller.start_guidance({"name": "Stiftsplatz"})
        self.ui.show("guidance")
        stop = self.reach("Führung beenden")
        self.double_tap((self.Window.width / 2, 10))  # anywhere: the focus is on "beenden"
        assert not self.controller.called("stop")
        assert self.said[-1] == "Führung beenden? Zum Bestätigen noch einmal doppeltippen."
        self.swipe("left")  # the user moves on: the question lapses
        self.swipe("right")
        assert self.ui.ring.current is stop
        self.double_tap((self.Window.width / 2, self.Window.height - 10))
        assert not self.controller.called("stop")  # asked again, not done
        self.double_tap((self.Window.width / 2, self.Window.height - 10))
        assert self.controller.called("stop") and self.ui.manager.current == "start"

    def test_the_confirmation_lapses_after_a_while(self):
        self.controller.start_guidance({"name": "Stiftsplatz"})
        self.ui.show("guidance")
        self.reach("Führung beenden")
        self.double_tap((10, 10))
        self.clock.advance(15.0)
        self.double_tap((10, 10))
        assert not self.controller.called("stop")

    def test_a_swipe_never_reads_the_element_it_starts_on(self):
        self.settle()
        under = [i for i in self.ui.ring.items if i.collide_point(
            *i.to_widget(self.Window.width / 2 - 100, self.Window.height / 2))]
        before = len(self.said)
        self.swipe("right")
        assert self.said[before:] == ["Ziel wählen"]
        assert not under or under[0].label not in self.said[before:]

    def test_a_single_tap_is_said_only_once_no_second_tap_can_follow(self):
        self.settle()
        favourites = self.element("Favoriten")
        before = len(self.said)
        self.touch(favourites, after=0.2)
        assert len(self.said) == before  # could still become a double tap
        self.clock.advance(0.5)
        self.ui.poll()
        assert self.said[-1] == "Favoriten" and self.ui.ring.current is favourites


class TestTypingByEar(UiTest):
    def test_each_typed_character_is_said_and_a_deletion_too(self):
        self.double_tap(self.element("Ziel wählen"))
        field = self.element("Suchtext")
        self.double_tap(field)
        for text in ("K", "Ki", "Kin", "Kin ", "Kin"):
            field.text = text
            self.settle(1)
        assert self.said[-5:] == ["K", "i", "n", "Leerzeichen", "Leerzeichen gelöscht"]


class TestFavourites(UiTest):
    def setUp(self):
        super().setUp()
        self.controller.add_favourite("Praxis", 49.4431, 7.7702)
        self.double_tap(self.element("Favoriten"))

    def test_rename_move_and_delete_with_a_second_double_tap(self):
        self.double_tap(self.element("Praxis"))
        assert self.ui.manager.current == "favourite"
        field = self.element("Neuer Name")
        self.double_tap(field)
        field.text = "Hausarzt"
        self.double_tap(self.element("Umbenennen"))
        assert [f.name for f in self.controller.favourites] == ["Zuhause", "Hausarzt"]
        assert self.said[-1] == "Umbenannt in Hausarzt."

        self.double_tap(self.element("Nach oben"))
        assert [f.name for f in self.controller.favourites] == ["Hausarzt", "Zuhause"]
        assert self.said[-1] == "Hausarzt ist jetzt an Platz 1 von 2."

        self.double_tap(self.element("Favorit löschen"))
        assert len(self.controller.favourites) == 2  # asked first
        assert self.said[-1] == "Favorit löschen? Zum Bestätigen noch einmal doppeltippen."
        self.double_tap((self.Window.width / 2, 10))
        assert [f.name for f in self.controller.favourites] == ["Zuhause"]
        assert self.ui.manager.current == "favourites"
        assert [i.label for i in self.ui.ring.items] == ["Zuhause", "Zurück"]

    def test_a_name_taken_already_is_refused_aloud(self):
        self.double_tap(self.element("Praxis"))
        field = self.element("Neuer Name")
        self.double_tap(field)
        field.text = "Zuhause"
        self.double_tap(self.element("Umbenennen"))
        assert self.said[-1] == "Das geht nicht: Zuhause."
        assert [f.name for f in self.controller.favourites] == ["Zuhause", "Praxis"]


class TestShare(UiTest):
    def test_a_previewed_route_is_shared_as_text(self):
        self.ui.show("preview", destination={"name": "Stiftsplatz", "lat": 49.4441,
                                             "lon": 7.7698})
        self.double_tap(self.reach("Route teilen"))
        assert self.controller.called("share_route")
        # the voice reads the speakable form; the screen keeps the written path
        assert self.said[-1] == speakable("Route als Text gespeichert: /tmp/route.txt", "de")


class FakePermissions:
    """The platform seam as Android would answer: `answers` says what the user allows."""

    def __init__(self, answers: dict[str, bool], voice) -> None:
        self.answers = answers
        self.voice = voice
        self.asked: list[tuple[list[str], int]] = []

    def granted(self, need: str) -> bool:
        return False

    def request(self, needs, done) -> None:
        self.asked.append((list(needs), len(self.voice.texts)))
        done({need: self.answers[need] for need in needs})


class TestPermissions(UiTest):
    def run_app(self, answers: dict[str, bool]) -> FakePermissions:
        controller = ControllerDouble()
        backend = FakePermissions(answers, controller.voice)
        app = LotseApp(controller, clock=controller.clock, permissions=backend)
        self.Window.remove_widget(self.ui)
        self.controller, self.clock = controller, controller.clock
        self.ui = app.build()
        self.Window.add_widget(self.ui)
        self.addCleanup(lambda: Clock.unschedule(app.tick))
        for _ in range(40):  # the app's clock: ticks speak, then the system dialog shows
            self.clock.advance(0.5)
            app.tick()
        return backend

    def test_refused_bluetooth_and_microphone_leave_gps_and_typing_and_say_so(self):
        backend = self.run_app({LOCATION: True, BLUETOOTH: False, MICROPHONE: False})
        explanation = next(t for t in self.said if t.startswith("Lotse fragt gleich"))
        assert "Standort" in explanation and "Bluetooth" in explanation
        assert self.said.index(explanation) < backend.asked[0][1]  # heard before the dialog
        assert backend.asked[0][0] == [LOCATION, BLUETOOTH, MICROPHONE]
        assert "Ohne Bluetooth nutze ich nur GPS, die Position ist ungenauer." in self.said
        assert "Ohne Mikrofon gibt es kein Diktat. Bitte das Ziel tippen." in self.said
        assert self.controller.radio == {"ble": False, "gps": True}
        self.double_tap(self.element("Ziel wählen"))
        self.double_tap(self.element("Diktieren"))
        assert self.said[-1] == "Diktat gibt es auf diesem Gerät nicht. Bitte tippen."

    def test_refused_location_says_what_still_works(self):
        self.run_app({LOCATION: False, BLUETOOTH: True, MICROPHONE: True})
        assert any(t.startswith("Ohne Standort kann ich Sie nicht führen. Suchen") for t in
                   self.said)
        assert self.controller.radio == {"ble": True, "gps": False}

    def test_all_allowed_starts_everything_without_fallbacks(self):
        self.run_app({LOCATION: True, BLUETOOTH: True, MICROPHONE: True})
        assert self.controller.radio == {"ble": True, "gps": True}
        assert not any(t.startswith("Ohne ") for t in self.said)


#: a four-line instruction with a chained part and a long name, as the guidance may say it
LONG_INSTRUCTION = ("In 20 Metern an der Ampel mit Tonsignal die Fackelstraße überqueren, "
                    "Leitlinie vorhanden, dann 40 Meter geradeaus bis zum "
                    "Landesbibliothekszentrum.")


class TestLargeType(UiTest):
    def setUp(self):
        self._fontscale = Metrics.fontscale
        Metrics.fontscale = 2.0  # the user's system font size at 200 %
        super().setUp()
        self.Window.remove_widget(self.ui)
        self.ui = build_ui(self.controller, clock=self.clock)
        self.Window.add_widget(self.ui)
        self.ui.home()

    def tearDown(self):
        Metrics.fontscale = self._fontscale
        super().tearDown()

    def test_a_long_instruction_is_shown_whole_and_every_control_stays_reachable(self):
        self.controller.start_guidance({"name": "Stiftsplatz"})
        self.controller.guide(LONG_INSTRUCTION)
        self.ui.show("guidance")
        self.frames(3)
        last = self.element("Zuletzt gesagt")
        assert last.value_text == LONG_INSTRUCTION  # the chained part too
        for item in self.ui.ring.items:
            self.reach(item.label)
            assert self.on_screen(item), item.label  # scrolled fully into view
            label = item._label
            assert item.texture_size[1] <= item.height + 1, item.label  # nothing cut off
            lines = [" ".join(w.text for w in line.words).strip()
                     for line in label._cached_lines if line.words]
            spoken_words = item.text.split()
            assert " ".join(lines).split() == spoken_words, (item.label, lines)  # by word
        self.screenshot("guidance_200_percent")
