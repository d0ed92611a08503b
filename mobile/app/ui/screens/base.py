"""What all screens share: a heading, one scrolling column of large elements, relabelling.

A screen lists its elements top to bottom; that order is the swipe order. Labels are kept as
string keys so that switching the language relabels everything at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.scrollview import ScrollView

from mobile.app.ui import theme
from mobile.app.ui.context import UiContext
from mobile.app.ui.widgets import Title, VoicedButton

log = logging.getLogger(__name__)


class VoicedScreen(Screen):
    """Base of every screen. Subclasses set `screen_name`, `title_key` and fill `build()`."""

    screen_name = ""
    title_key = ""
    #: say the first element after the heading on arrival (the preview reads its steps instead)
    announce_first = True

    def __init__(self, ctx: UiContext, **kwargs: Any) -> None:
        super().__init__(name=self.screen_name, **kwargs)
        self.ctx = ctx
        self._keyed: list[tuple[Any, str]] = []
        column = BoxLayout(orientation="vertical", padding=theme.padding(), spacing=theme.spacing())
        self.heading = Title()
        column.add_widget(self.heading)
        self.scroll = ScrollView(do_scroll_x=False, bar_width=theme.spacing() / 2)
        # room on the right for the scroll bar, so it never covers an element's border
        self.body = BoxLayout(orientation="vertical", size_hint_y=None, spacing=theme.spacing(),
                              padding=(0, 0, theme.spacing(), 0))
        self.body.bind(minimum_height=self.body.setter("height"))
        self.scroll.add_widget(self.body)
        column.add_widget(self.scroll)
        self.add_widget(column)
        self.build()
        self.relabel()
        ctx.on_settings_changed.append(self.relabel)

    # --- for subclasses -------------------------------------------------------------------
    def build(self) -> None:
        """Add the screen's fixed elements with `self.button(...)` / `self.add(...)`."""

    def show(self, **params: Any) -> None:
        """Called before the screen appears, with the navigator's parameters; refresh here."""

    def entry_text(self) -> str:
        """What is said on arrival, before the focused element: the heading by default."""
        return self.heading.text

    def after_entry(self) -> None:
        """Called after the arrival text was queued (the preview reads its steps here)."""

    def live_update(self) -> None:
        """Called on every app tick while the screen is visible (guidance status)."""

    # --- helpers ----------------------------------------------------------------------------
    def button(self, key: str, action: Callable[[], None] | None = None) -> VoicedButton:
        widget = VoicedButton(action=action)
        self.keyed(widget, key)
        self.body.add_widget(widget)
        return widget

    def keyed(self, widget: Any, key: str) -> Any:
        """Remember that `widget.label` is the text of `key`, for relabelling."""
        self._keyed.append((widget, key))
        widget.label = self.ctx.t(key)
        return widget

    def add(self, widget: Any) -> Any:
        self.body.add_widget(widget)
        return widget

    def replace_rows(self, old: list[Any], new: list[Any], before: Any = None) -> list[Any]:
        """Swap a list of rows (results, steps) for new ones, above `before` or at the end."""
        for widget in old:
            self.body.remove_widget(widget)
        for widget in new:
            index = self.body.children.index(before) + 1 if before is not None else 0
            self.body.add_widget(widget, index=index)
        return new

    def relabel(self) -> None:
        self.heading.text = self.ctx.t(self.title_key)
        for widget, key in self._keyed:
            widget.label = self.ctx.t(key)
            if hasattr(widget, "hint_text"):
                widget.hint_text = widget.label

    def focusables(self) -> list[Any]:
        """The voiced elements in reading (and swipe) order."""
        return [w for w in self.walk(restrict=True) if getattr(w, "voiced", False)]
