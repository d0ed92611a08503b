"""Large, high-contrast widgets that can say what they are.

Each focusable widget has a `label`, an optional `value_text` (the state: "an", "Deutsch"), a
`focused` flag drawn as inverted colours, `spoken(lang)` for the self-voicing layer and
`activate()` for a double tap. Touches never reach them directly: the root gesture surface
decides what a touch means, so a stray touch can never press a button by accident.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Line
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput

from mobile.app.ui import theme
from mobile.app.ui.strings import t

log = logging.getLogger(__name__)


def fit_words(widget: Label, base_size: float) -> None:
    """Wrap by word, never inside one: when the longest word of the text is wider than the
    row (a long street name at 200 % font scale), shrink this row's type until it fits."""
    room = widget.width - 2 * theme.padding()
    words = widget.text.split()
    size = base_size
    if words and room > 0:
        probe = CoreLabel(font_size=base_size, bold=widget.bold)
        widest = max(probe.get_extents(word)[0] for word in words)
        if widest > room:  # below the floor a giant word is split rather than made unreadable
            size = base_size * max(room / widest * WORD_FIT_MARGIN, MIN_WORD_FIT_SHARE)
    if abs(widget.font_size - size) > 0.5:
        widget.font_size = size


#: shrink a little below the exact fit, so rounding in the text layout never splits the word
WORD_FIT_MARGIN = 0.97
#: never shrink a row's type below this share of the user's size
MIN_WORD_FIT_SHARE = 0.5


def _draw_border(widget, *_args) -> None:
    """A white frame (yellow when focused) so every target's edge is visible to low vision."""
    widget.canvas.after.clear()
    with widget.canvas.after:
        Color(*(theme.YELLOW if widget.focused else theme.WHITE))
        width = theme.BORDER_DP * (2 if widget.focused else 1)
        Line(rectangle=(widget.x, widget.y, widget.width, widget.height), width=width)


class VoicedButton(Button):
    """A button, list entry or setting row; `action` runs on activation."""

    voiced = True
    #: destructive: the first double tap asks, the second acts (the gesture surface decides)
    confirm = False
    label = StringProperty("")
    value_text = StringProperty("")
    focused = BooleanProperty(False)
    action = ObjectProperty(None, allownone=True)

    def __init__(self, label: str = "", action: Callable[[], None] | None = None, **kwargs):
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", theme.row_height())
        kwargs.setdefault("font_size", theme.font_button())
        super().__init__(
            background_normal="",
            background_down="",
            halign="left",
            valign="middle",
            padding=(theme.padding(), theme.padding()),
            **kwargs,
        )
        self.label = label
        self.action = action
        self._base_font = self.font_size
        self.bind(label=self._refresh, value_text=self._refresh, focused=self._refresh)
        self.bind(pos=self._redraw, size=self._redraw, focused=self._redraw)
        self.bind(width=self._wrap, text=self._wrap)
        self.bind(texture_size=self._grow)
        self._refresh()

    def _wrap(self, *_args) -> None:
        self.text_size = (self.width, None)
        fit_words(self, self._base_font)

    def spoken(self, lang: str) -> str:
        return f"{self.label}: {self.value_text}" if self.value_text else self.label

    def activate(self) -> None:
        if self.action is None:
            return
        self.action()

    def _refresh(self, *_args) -> None:
        self.text = f"{self.label}: {self.value_text}" if self.value_text else self.label
        self.background_color = theme.YELLOW if self.focused else theme.ELEMENT_BG
        self.color = theme.BLACK if self.focused else theme.WHITE

    def _redraw(self, *_args) -> None:
        _draw_border(self)

    def _grow(self, *_args) -> None:
        """Long texts (a maneuver, a shop with opening hours) wrap and make the row taller."""
        self.height = max(theme.row_height(), self.texture_size[1] + 2 * theme.padding())


class VoicedTextInput(TextInput):
    """A text field; activation opens the keyboard. It says its label and what is typed."""

    voiced = True
    label = StringProperty("")
    focused = BooleanProperty(False)

    def __init__(self, label: str = "", **kwargs):
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", theme.row_height())
        kwargs.setdefault("font_size", theme.font_button())
        super().__init__(
            multiline=False,
            background_normal="",
            background_active="",
            background_color=theme.ELEMENT_BG,
            foreground_color=theme.WHITE,
            cursor_color=theme.YELLOW,
            hint_text_color=(0.85, 0.85, 0.85, 1),
            padding=(theme.padding(), theme.padding()),
            **kwargs,
        )
        self.label = label
        self.hint_text = label
        self.bind(pos=self._redraw, size=self._redraw, focused=self._redraw)

    def spoken(self, lang: str) -> str:
        content = self.text.strip() or t("common.empty", lang)
        return f"{self.label}, {t('common.field', lang)}: {content}"

    def activate(self) -> None:
        self.focus = True

    def _redraw(self, *_args) -> None:
        _draw_border(self)


class Caption(Label):
    """A visible name above a text field (the field's hint vanishes once something is typed);
    not focusable: the field itself says its label."""

    label = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(
            size_hint_y=None,
            height=theme.min_target(),
            font_size=theme.font_button(),
            color=theme.WHITE,
            halign="left",
            valign="bottom",
            **kwargs,
        )
        self.bind(label=self.setter("text"))
        self.bind(width=lambda *_: setattr(self, "text_size", (self.width, self.height)))


class Title(Label):
    """The screen's heading: large yellow text; not focusable (the screen says it on entry)."""

    def __init__(self, text: str = "", **kwargs):
        super().__init__(
            text=text,
            size_hint_y=None,
            height=theme.row_height(),
            font_size=theme.font_title(),
            bold=True,
            color=theme.YELLOW,
            halign="left",
            valign="middle",
            **kwargs,
        )
        self._base_font = self.font_size
        self.bind(width=self._wrap, text=self._wrap)
        self.bind(texture_size=self._grow)

    def _wrap(self, *_args) -> None:
        self.text_size = (self.width, None)
        fit_words(self, self._base_font)

    def _grow(self, *_args) -> None:
        """A long heading ("Route nach …") wraps and makes the title taller."""
        self.height = max(theme.row_height(), self.texture_size[1] + 2 * theme.padding())
