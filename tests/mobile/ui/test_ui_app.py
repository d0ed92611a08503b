"""The Kivy App around the controller: the tick loop, failing ticks, TalkBack detection."""

from __future__ import annotations

import time

from kivy.clock import Clock
from ui_double import ControllerDouble
from ui_harness import UiTest

from mobile.app.kivy_app import TICK_S, LotseApp


class TestApp(UiTest):
    def make_app(self, **kwargs) -> LotseApp:
        controller = ControllerDouble()
        app = LotseApp(controller, clock=controller.clock, **kwargs)
        self.Window.remove_widget(self.ui)
        self.ui = app.build()
        self.controller, self.clock = controller, controller.clock
        self.Window.add_widget(self.ui)
        self.addCleanup(lambda: Clock.unschedule(app.tick))
        return app

    def test_the_clock_drives_the_controller_tick_and_refreshes_guidance(self):
        app = self.make_app(start="guidance")
        assert self.ui.manager.current == "guidance"
        self.controller.guiding = {"name": "Stiftsplatz"}
        Clock.tick()
        before = len(self.controller.called("tick"))
        time.sleep(TICK_S * 1.5)  # one interval of real time for Kivy's clock
        Clock.tick()
        assert len(self.controller.called("tick")) > before
        assert self.controller.called("tick")[-1] == (self.clock(),)
        assert self.element("Nächste Ansage").value_text == "In 40 Metern rechts abbiegen."
        app.tick()
        # back from guidance leads to the start screen beneath it
        self.swipe("down")
        assert self.ui.manager.current == "start"

    def test_a_failing_tick_is_said_once_and_the_loop_goes_on(self):
        app = self.make_app()
        self.controller.fail["tick"] = RuntimeError("Bluetooth ist aus")
        for _ in range(5):
            app.tick()
            self.clock.advance(0.2)
        self.settle_ui()
        assert self.said.count("Das ging nicht: Bluetooth ist aus") == 1
        del self.controller.fail["tick"]
        app.tick()  # recovered: the same trouble later is news again
        self.controller.fail["tick"] = RuntimeError("Bluetooth ist aus")
        app.tick()
        self.settle_ui()
        assert self.said.count("Das ging nicht: Bluetooth ist aus") == 2

    def test_talkback_touch_exploration_switches_the_touch_mode(self):
        state = {"on": True}
        app = self.make_app(touch_exploration=lambda: state["on"])
        assert self.ui.exploration_mode
        state["on"] = False
        app.check_touch_exploration()
        assert not self.ui.exploration_mode

    def settle_ui(self):
        for _ in range(20):
            self.clock.advance(1.0)
            self.ui.ctx.announcer.pump()

    def test_the_back_button_reaches_the_surface_and_does_not_close_the_app(self):
        app = self.make_app(start="settings")
        self.addCleanup(app.on_stop)
        assert self.Window.dispatch("on_keyboard", 27, 0, "", []) is True
        assert self.ui.manager.current == "start"
