"""Real Kivy rendering for the screen tests: a phone-shaped offscreen window and real touches.

Built on `kivy.tests.common.GraphicUnitTest` (window set-up and teardown); touches are Kivy's
`UnitTestTouch` motion events dispatched through the event loop, as from a touchscreen.
"""

from __future__ import annotations

from pathlib import Path

from kivy.metrics import dp
from kivy.tests.common import GraphicUnitTest, UnitTestTouch
from ui_double import ControllerDouble

from mobile.app.kivy_app import build_ui

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
#: a phone in portrait (px at density 1)
WINDOW_SIZE = (480, 900)


class UiTest(GraphicUnitTest):
    """Each test gets a fresh controller double and UI on the start screen."""

    def setUp(self) -> None:
        super().setUp()
        self.Window.size = WINDOW_SIZE
        self.controller = ControllerDouble()
        self.clock = self.controller.clock
        self.ui = build_ui(self.controller, clock=self.clock)
        self.Window.add_widget(self.ui)
        self.ui.home()
        self.frames()

    def frames(self, count: int = 3) -> None:
        self.advance_frames(count)

    # --- speech ---------------------------------------------------------------------------
    @property
    def said(self) -> list[str]:
        return self.controller.voice.texts

    def settle(self, seconds: float = 30.0) -> None:
        """Let time pass in steps, as the app tick would, until all queued speech is out."""
        for _ in range(int(seconds)):
            self.clock.advance(1.0)
            self.controller.tick(self.clock())
            self.ui.poll()
            self.ui.ctx.announcer.pump()

    # --- touches --------------------------------------------------------------------------
    def centre(self, widget) -> tuple[float, float]:
        return widget.to_window(*widget.center)

    def touch(self, widget_or_pos, hold: float = 0.05, after: float = 1.0) -> None:
        """One finger down and up; `after` s pass before the next (more than a double tap's gap)."""
        self.frames(1)  # lay out what changed, as the screen would before a finger lands
        x, y = widget_or_pos if isinstance(widget_or_pos, tuple) else self.centre(widget_or_pos)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.clock.advance(hold)
        touch.touch_up()
        self.clock.advance(after)
        self.ui.poll()  # the app's tick: a single tap is said once no second tap can follow

    def double_tap(self, widget_or_pos) -> None:
        """Double tap at a position, or use an element as a blind user does: touch it first
        (unless it has the focus already) to hear it, then double tap (anywhere: on it)."""
        if not isinstance(widget_or_pos, tuple) and self.ui.ring.current is not widget_or_pos:
            if self.on_screen(widget_or_pos):
                self.touch(widget_or_pos)
            else:
                self.reach(widget_or_pos.label)  # scrolled away: swipe to it
        self.frames(1)
        x, y = widget_or_pos if isinstance(widget_or_pos, tuple) else self.centre(widget_or_pos)
        for _ in range(2):
            touch = UnitTestTouch(x, y)
            touch.touch_down()
            self.clock.advance(0.05)
            touch.touch_up()
            self.clock.advance(0.1)
        self.clock.advance(1.0)
        self.frames(1)

    def swipe(self, direction: str, fingers: int = 1, length_dp: float = 200) -> None:
        dx, dy = {"right": (1, 0), "left": (-1, 0), "up": (0, 1), "down": (0, -1)}[direction]
        w, h = self.Window.size
        starts = [(w / 2 + i * dp(60) - dx * dp(100), h / 2 - dy * dp(100)) for i in range(fingers)]
        touches = [UnitTestTouch(x, y) for x, y in starts]
        for touch in touches:
            touch.touch_down()
        for step in (0.5, 1.0):
            self.clock.advance(0.1)
            for touch, (x, y) in zip(touches, starts, strict=True):
                touch.touch_move(x + dx * dp(length_dp) * step, y + dy * dp(length_dp) * step)
        for touch in touches:
            touch.touch_up()
        self.clock.advance(1.0)
        self.frames(1)

    def slide(self, start, end, seconds: float = 2.0, steps: int = 20) -> None:
        """One finger kept down, moving slowly from one element to another (exploring)."""
        (x0, y0), (x1, y1) = self.centre(start), self.centre(end)
        touch = UnitTestTouch(x0, y0)
        touch.touch_down()
        for i in range(1, steps + 1):
            self.clock.advance(seconds / steps)
            touch.touch_move(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps)
        touch.touch_up()
        self.clock.advance(1.0)

    def on_screen(self, widget) -> bool:
        """Whether the whole element is inside the window and its list's visible part."""
        self.frames(1)
        _, bottom = widget.to_window(*widget.pos)
        scroll = self.ui.screen.scroll
        _, scroll_bottom = scroll.to_window(*scroll.pos)
        top = min(self.Window.height, scroll_bottom + scroll.height) \
            if widget.parent is self.ui.screen.body else self.Window.height
        return bottom >= max(0, scroll_bottom if widget.parent is self.ui.screen.body else 0) \
            and bottom + widget.height <= top

    def element(self, label: str):
        """The focusable element of the current screen whose label is `label`."""
        for item in self.ui.ring.items:
            if item.label == label:
                return item
        raise AssertionError(f"no element {label!r} on {self.ui.manager.current}: "
                             f"{[i.label for i in self.ui.ring.items]}")

    def reach(self, label: str):
        """Swipe right until `label` has the focus (scrolls it into view), as a blind user would."""
        target = self.element(label)
        for _ in self.ui.ring.items:
            if self.ui.ring.current is target:
                self.frames(1)
                return target
            self.swipe("right")
        raise AssertionError(f"swiping never reached {label!r}")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.frames(2)
        self.ui.export_to_png(str(path))
        return path
