"""Explore by touch, double tap to activate, swipes to move — on the real rendered screens."""

from __future__ import annotations

from ui_harness import UiTest


class TestStartScreen(UiTest):
    def test_touching_each_element_says_its_label(self):
        labels = [item.label for item in self.ui.ring.items]
        assert labels[:2] == ["Wo bin ich?", "Ziel wählen"]
        for item in self.ui.ring.items:
            self.touch(item)
            assert self.said[-1] == item.label
            assert self.ui.ring.current is item and item.focused

    def test_shot(self):
        self.screenshot("start")
