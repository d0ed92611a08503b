"""The root widget: every touch lands here first and becomes explore, activate or navigate.

Two touch modes, because Android's TalkBack changes what the app receives:
- direct (no screen reader), TalkBack's own gesture model: a single tap (once it is clear no
  second tap follows), a held or slowly sliding finger say the element under the finger and
  focus it; a double tap anywhere uses the focused element, never the one under the finger;
  swipes move the focus without saying what they started on;
- exploration (TalkBack touch exploration on): TalkBack eats single touches and passes the
  user's double tap on as one tap and two-finger swipes as one-finger swipes, so here a tap
  activates the focused element and swipes mean the same as in direct mode.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.metrics import dp
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from mobile.app.ui import theme
from mobile.app.ui.context import UiContext
from mobile.app.ui.focus import FocusRing
from mobile.app.ui.gestures import (
    DOUBLE_TAP,
    DOUBLE_TAP_S,
    SWIPE,
    TAP,
    Gesture,
    GestureRecognizer,
)
from mobile.app.ui.screens.base import VoicedScreen

log = logging.getLogger(__name__)

#: Kivy key codes: Escape is also Android's back button
KEY_BACK = 27
#: a destructive element armed by one double tap acts on a second one within this time (s)
CONFIRM_S = 10.0
KEY_GESTURES = {
    275: Gesture(SWIPE, 1, "right"),  # arrow right: next element
    276: Gesture(SWIPE, 1, "left"),  # arrow left: previous element
    273: Gesture(SWIPE, 1, "up"),  # arrow up: next main screen
    274: Gesture(SWIPE, 1, "down"),  # arrow down: back
    13: Gesture(DOUBLE_TAP),  # Enter: activate
    32: Gesture(DOUBLE_TAP),  # space: activate
}


class GestureSurface(FloatLayout):
    """Holds the screens, the focus ring and the back stack; is the UI's `Navigator`."""

    def __init__(
        self,
        ctx: UiContext,
        screens: Sequence[type[VoicedScreen]],
        main_cycle: Sequence[str],
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            Color(*theme.BLACK)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._fill, size=self._fill)
        self.ctx = ctx
        ctx.navigator = self
        self.exploration_mode = False
        self._clock = clock
        self._main_cycle = tuple(main_cycle)
        self._recognizer = GestureRecognizer.for_density(dp)
        self._focus_before: Any = None
        #: a single tap waiting to be explored once no second tap can follow: (x, y, t)
        self._pending_tap: tuple[float, float, float] | None = None
        #: the destructive element a first double tap armed, and when
        self._armed: tuple[Any, float] | None = None
        self._stack: list[str] = []
        self.ring = FocusRing(ctx.say, ctx.lang)
        self.manager = ScreenManager(transition=NoTransition())
        for screen_cls in screens:
            self.manager.add_widget(screen_cls(ctx))
        self.add_widget(self.manager)

    # --- navigation ---------------------------------------------------------------------------
    @property
    def screen(self) -> VoicedScreen:
        return self.manager.current_screen

    def show(self, name: str, **params: Any) -> None:
        """Go to screen `name` (remembering where we came from), say where we are."""
        if self.manager.current != name or not self._stack:
            self._stack.append(name)
        self._enter(name, params)

    def back(self) -> None:
        if len(self._stack) > 1:
            self._stack.pop()
        self._enter(self._stack[-1], {})

    def home(self) -> None:
        self._stack.clear()
        self.show(self._main_cycle[0])

    def start_at(self, name: str, **params: Any) -> None:
        """Open on `name` with the start screen beneath it, so "back" leads home."""
        home = self._main_cycle[0]
        self._stack = [] if name == home else [home]
        self.show(name, **params)

    def cycle(self, step: int) -> None:
        """Next/previous of the main screens (start, around, settings); "back" then leads home."""
        current = self.manager.current
        index = self._main_cycle.index(current) if current in self._main_cycle else -step
        self.start_at(self._main_cycle[(index + step) % len(self._main_cycle)])

    def _enter(self, name: str, params: dict[str, Any]) -> None:
        for item in self.ring.items:
            if getattr(item, "focus", False):
                item.focus = False  # leaving a text field closes its keyboard
        screen = self.manager.get_screen(name)
        self.manager.current = name
        screen.show(**params)
        self.refresh_focusables(keep=False)
        self.ctx.say(screen.entry_text())
        screen.scroll.scroll_y = 1.0  # a new screen starts at its top, where the focus is
        if self.ring.items:
            self.ring.focus(self.ring.items[0], announce=screen.announce_first)
        screen.after_entry()

    def refresh_focusables(self, keep: bool = True) -> None:
        """Re-read the current screen's elements (after results arrived or a list changed)."""
        self.ring.set_items(self.screen.focusables(), keep=keep)

    def live_update(self) -> None:
        self.poll()
        self.screen.live_update()

    def poll(self) -> None:
        """Say the element of a single tap once no second tap can follow (called every tick)."""
        tap = self._pending_tap
        if tap is not None and self._clock() - tap[2] > DOUBLE_TAP_S:
            self._pending_tap = None
            self._explore(tap[0], tap[1], repeat=True)

    # --- touches --------------------------------------------------------------------------------
    def on_touch_down(self, touch) -> bool:
        if getattr(touch, "is_mouse_scrolling", False):
            return super().on_touch_down(touch)  # a desktop mouse wheel scrolls the list
        self.poll()  # a tap long enough ago is a single tap: say its element first
        now = self._clock()
        fingers = self._recognizer.down(touch.uid, touch.x, touch.y, now)
        touch.grab(self)
        if fingers == 1:
            self.ctx.announcer.interrupt()
            self._focus_before = self.ring.current
        return True

    def on_touch_move(self, touch) -> bool:
        if touch.grab_current is self:
            exploring = self._recognizer.move(touch.uid, touch.x, touch.y, self._clock())
            if exploring and not self.exploration_mode:
                self._explore(touch.x, touch.y, repeat=False)  # say each element crossed
        return True

    def on_touch_up(self, touch) -> bool:
        if touch.grab_current is not self:
            return True
        touch.ungrab(self)
        exploring = self._recognizer.is_exploring(touch.uid)
        gesture = self._recognizer.up(touch.uid, touch.x, touch.y, self._clock())
        if gesture is not None:
            self.handle(gesture)
        elif not self._recognizer.active and not exploring and not self.exploration_mode:
            self._explore(touch.x, touch.y, repeat=True)  # a press held still: say it
        return True

    def handle(self, gesture: Gesture) -> None:
        """Act on a recognised gesture (public so a hardware key or test can drive it too)."""
        log.debug("gesture %s", gesture)
        if gesture.kind == TAP and not self.exploration_mode:
            self._pending_tap = (gesture.x, gesture.y, self._clock())
            return  # said once it is clear that no second tap follows (`poll`)
        self._pending_tap = None
        self.ctx.announcer.interrupt()  # what the touch began to say is moot now
        if gesture.kind in (DOUBLE_TAP, TAP):
            self.activate()
        elif gesture.kind == SWIPE:
            self._armed = None
            self.ring.restore(self._focus_before)
            if gesture.fingers == 1 and gesture.direction == "right":
                self.ring.next()
            elif gesture.fingers == 1 and gesture.direction == "left":
                self.ring.previous()
            elif gesture.direction in ("down", "right"):
                self.back()
            else:
                self.cycle(+1)
            Clock.schedule_once(self._scroll_to_focus)  # after the layout has caught up

    def on_key(self, key: int) -> bool:
        """Keys as gestures: Android's back button, a Bluetooth keyboard, a desktop tester.

        Returns True when the key was used (so Escape/back does not close the app).
        """
        typing = any(getattr(item, "focus", False) for item in self.ring.items)
        if key == KEY_BACK:
            self.ctx.announcer.interrupt()
            if typing:
                self._close_keyboard()
            elif len(self._stack) > 1:
                self.back()
            else:
                return False  # on the start screen, back leaves the app as everywhere on Android
            return True
        gesture = None if typing else KEY_GESTURES.get(key)
        if gesture is None:
            return False
        self._focus_before = self.ring.current
        self.handle(gesture)
        return True

    def _close_keyboard(self) -> None:
        for item in self.ring.items:
            if getattr(item, "focus", False):
                item.focus = False
        self.ring.announce()

    def activate(self) -> None:
        """Use the focused element; an element without an action says itself again."""
        item = self.ring.current
        if item is None:
            return
        if getattr(item, "action", True) is None:
            self.ring.announce()
            return
        if getattr(item, "confirm", False) and not self._confirmed(item):
            self.ctx.say(self.ctx.t("common.confirm", label=item.label))
            return
        screen_before = self.manager.current
        self.ctx.call(item.activate)
        if self.manager.current == screen_before and item in self.ring.items:
            self.refresh_focusables()

    def _confirmed(self, item: Any) -> bool:
        """A destructive element acts on the second double tap while it keeps the focus."""
        now = self._clock()
        armed = self._armed
        if armed is not None and armed[0] is item and now - armed[1] <= CONFIRM_S:
            self._armed = None
            return True
        self._armed = (item, now)
        return False

    def _explore(self, x: float, y: float, repeat: bool) -> None:
        """Focus and say the element under the finger (again, unless a double tap is coming)."""
        for item in self.ring.items:
            if item.collide_point(*item.to_widget(x, y)) and self._visible(item, x, y):
                if item is not self.ring.current:
                    self._armed = None
                    self.ctx.announcer.interrupt()  # a new element: its name cuts the last one
                    self.ring.focus(item)
                elif repeat:
                    self.ring.announce()
                return

    def _visible(self, item: Any, x: float, y: float) -> bool:
        """An element scrolled out of the list's window cannot be touched."""
        scroll = self.screen.scroll
        if item.parent is not self.screen.body:
            return True
        return scroll.collide_point(*scroll.parent.to_widget(x, y))

    def _scroll_to_focus(self, *_args: Any) -> None:
        """Keep the focused element on screen for low-vision users following along."""
        item, scroll = self.ring.current, self.screen.scroll
        if scroll.height >= self.screen.body.height:
            scroll.scroll_y = 1.0  # everything fits: top-aligned, nothing to scroll
        elif item is not None and item.parent is self.screen.body:
            scroll.scroll_to(item, padding=theme.padding(), animate=False)

    def _fill(self, *_args) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
