"""The focus ring: which element of the current screen the user is on, and moving it.

A blind user cannot see where the buttons are; they touch to hear (the element under the finger
takes the focus), swipe to step through all elements in reading order, and double tap to use the
focused one. The ring knows nothing of Kivy beyond the small `Focusable` protocol.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from mobile.app.ui.strings import t

log = logging.getLogger(__name__)


class Focusable(Protocol):
    focused: bool

    def spoken(self, lang: str) -> str: ...

    def activate(self) -> None: ...


class FocusRing:
    """Ordered focusable elements of one screen and the index of the focused one.

    `say(text)` speaks; `lang()` gives the user's language at the time of speaking.
    Moving past either end stays at the end and says so (no silent wrap-around: the user would
    not know they started over).
    """

    def __init__(self, say: Callable[[str], None], lang: Callable[[], str]) -> None:
        self._say = say
        self._lang = lang
        self._items: list[Focusable] = []
        self._index: int | None = None

    @property
    def items(self) -> list[Focusable]:
        return list(self._items)

    @property
    def current(self) -> Focusable | None:
        return None if self._index is None else self._items[self._index]

    def set_items(self, items: Sequence[Focusable], keep: bool = True) -> None:
        """Replace the elements; keep the focus on the same element when it is still there."""
        previous = self.current if keep else None
        for item in self._items:
            item.focused = False
        self._items = list(items)
        self._index = None
        if previous is not None and previous in self._items:
            self._index = self._items.index(previous)
            previous.focused = True

    def focus(self, item: Focusable, announce: bool = True) -> None:
        if item not in self._items:
            return
        self._set_index(self._items.index(item))
        if announce:
            self.announce()

    def restore(self, item: Focusable | None) -> None:
        """Put the focus back quietly (a swipe that began with a touch on another element)."""
        if item is None:
            self._clear()
        elif item in self._items:
            self._set_index(self._items.index(item))

    def next(self) -> None:
        self._step(+1)

    def previous(self) -> None:
        self._step(-1)

    def announce(self) -> None:
        if self.current is not None:
            self._say(self.current.spoken(self._lang()))

    def activate(self) -> bool:
        """Use the focused element; False when nothing is focused."""
        if self.current is None:
            return False
        log.debug("activate %r", self.current)
        self.current.activate()
        return True

    def _step(self, delta: int) -> None:
        if not self._items:
            return
        if self._index is None:
            target = 0 if delta > 0 else len(self._items) - 1
        else:
            target = self._index + delta
        if not 0 <= target < len(self._items):
            self._say(t("common.last" if delta > 0 else "common.first", self._lang()))
            return
        self._set_index(target)
        self.announce()

    def _set_index(self, index: int) -> None:
        self._clear()
        self._index = index
        self._items[index].focused = True

    def _clear(self) -> None:
        if self.current is not None:
            self.current.focused = False
        self._index = None
