"""Explore by touch, double tap to activate, swipes to move — on the real rendered screens."""

from __future__ import annotations

from kivy.tests.common import UnitTestTouch
from ui_harness import UiTest


class TestGestures(UiTest):
    def test_touching_each_element_says_its_label_and_focuses_it(self):
        items = self.ui.ring.items
        assert [i.label for i in items[:2]] == ["Wo bin ich?", "Ziel wählen"]
        for item in items:
            self.touch(item)
            assert self.said[-1] == item.label
            assert self.ui.ring.current is item and item.focused
        assert sum(i.focused for i in items) == 1

    def test_sliding_a_finger_slowly_says_each_element_it_crosses(self):
        items = self.ui.ring.items
        self.slide(items[0], items[4])
        assert self.ui.ring.current is items[4]
        crossed = [text for text in self.said if text in {i.label for i in items[1:5]}]
        assert crossed == [i.label for i in items[1:5]]
        assert self.ui.manager.current == "start"  # exploring never activates or navigates

    def test_a_new_touch_cuts_the_label_still_playing(self):
        first, second = self.ui.ring.items[3:5]
        self.touch(first, after=0.5)  # the next touch comes while the first label still plays
        stops = len(self.controller.voice.stops)
        self.touch(second)
        assert self.said[-2:] == [first.label, second.label]
        assert len(self.controller.voice.stops) == stops + 1

    def test_double_tap_anywhere_activates_the_focused_element_not_the_one_under_it(self):
        assert self.ui.ring.current.label == "Wo bin ich?"
        self.double_tap(self.centre(self.element("Favoriten")))  # the finger lands elsewhere
        assert self.controller.called("where_am_i") == [()]
        assert self.ui.manager.current == "start" and self.ui.ring.current.label == "Wo bin ich?"
        assert self.said[-1].startswith("Ungefähr an der Fackelstraße")
        assert "Favoriten" not in self.said  # the taps never read what was under the finger

        self.double_tap(self.element("Ziel wählen"))
        assert self.ui.manager.current == "search"
        self.settle()
        assert self.said[-2:] == ["Ziel suchen", "Suchtext, Eingabefeld: leer"]

    def test_double_tap_on_empty_space_uses_the_focused_element(self):
        self.touch(self.element("Was ist in der Nähe?"))
        self.double_tap((self.Window.width / 2, 5))  # below the last element
        assert self.ui.manager.current == "around"

    def test_swipes_right_and_left_step_through_elements_and_say_each(self):
        items = self.ui.ring.items
        assert self.ui.ring.current is items[0]
        self.swipe("right")
        assert self.ui.ring.current is items[1] and self.said[-1] == items[1].label
        self.swipe("right")
        self.swipe("left")
        assert self.ui.ring.current is items[1] and self.said[-1] == items[1].label
        for _ in items:
            self.swipe("right")
        assert self.ui.ring.current is items[-1]
        assert self.said[-1] == "Ende der Liste."

    def test_a_swipe_that_starts_on_an_element_moves_from_the_previous_focus(self):
        items = self.ui.ring.items
        self.touch(items[1])
        # the swipe starts at the window centre, over another element
        self.swipe("right")
        assert self.ui.ring.current is items[2]

    def test_swipe_down_goes_back_and_two_finger_swipes_change_screens(self):
        self.double_tap(self.element("Ziel wählen"))
        assert self.ui.manager.current == "search"
        self.swipe("down")
        assert self.ui.manager.current == "start"
        self.swipe("up")
        assert self.ui.manager.current == "around"
        self.swipe("left", fingers=2)
        assert self.ui.manager.current == "settings"
        self.swipe("right", fingers=2)  # back: cycling builds no history, back leads home
        assert self.ui.manager.current == "start"
        self.settle()
        assert "Umgebung. 2 Elemente" in self.said

    def test_ui_speech_never_talks_over_a_safety_warning(self):
        self.controller.warn("Achtung: Baustelle auf dem Gehweg.")
        stops = len(self.controller.voice.stops)
        self.touch(self.element("Favoriten"), after=0.2)
        assert self.said[-1] == "Achtung: Baustelle auf dem Gehweg."
        assert len(self.controller.voice.stops) == stops
        self.settle()
        assert self.said[-1] == "Favoriten"

    def test_with_touch_exploration_on_a_tap_activates_the_focus(self):
        """TalkBack passes the user's double tap on as one tap, wherever the finger was."""
        self.ui.exploration_mode = True
        self.settle()
        before = len(self.said)
        self.touch(self.element("Favoriten"), hold=0.8)  # a press: TalkBack's, the app stays quiet
        assert len(self.said) == before and self.ui.ring.current.label == "Wo bin ich?"
        self.swipe("right")
        assert self.ui.ring.current.label == "Ziel wählen" and self.said[-1] == "Ziel wählen"
        self.touch((self.Window.width / 2, self.Window.height / 2))
        assert self.ui.manager.current == "search"


class TestKeys(UiTest):
    """Android's back button, a Bluetooth keyboard or a desktop tester's arrows."""

    def test_arrows_move_enter_activates_escape_goes_back(self):
        self.ui.on_key(275)
        assert self.said[-1] == "Ziel wählen"
        self.ui.on_key(13)
        assert self.ui.manager.current == "search"
        self.ui.on_key(13)  # Enter on the search field opens the keyboard
        field = self.element("Suchtext")
        assert field.focus
        assert not self.ui.on_key(275)  # while typing, arrows belong to the text field
        assert self.ui.on_key(27) and not field.focus  # back closes the keyboard first
        assert self.ui.on_key(27) and self.ui.manager.current == "start"
        assert not self.ui.on_key(27)  # on the start screen back leaves the app, as usual


class TestMouse(UiTest):
    """A sighted tester at a desktop: clicks are touches, the wheel scrolls."""

    def test_a_mouse_wheel_scrolls_the_list_and_says_nothing(self):
        self.double_tap(self.element("Einstellungen"))
        self.frames(2)
        scroll = self.ui.screen.scroll
        assert scroll.scroll_y == 1.0
        said = len(self.said)
        x, y = self.centre(scroll)
        wheel = UnitTestTouch(x, y)
        wheel.profile.append("button")
        wheel.button = "scrollup"  # Kivy: wheel towards the user scrolls the content up
        wheel.touch_down()
        wheel.touch_up()
        self.frames(2)
        assert scroll.scroll_y < 1.0 and len(self.said) == said
