"""What every screen needs: the controller, a voice for UI messages, and the navigator.

The screens hold no logic; they call the controller through `UiContext.call`, which turns any
failure into one short spoken sentence instead of a crash — for a blind user, silence or a
vanished app is the worst outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from accessibility.speech import Message, Priority, SpeechQueue
from mobile.app.controller import ControllerError
from mobile.app.ui.strings import t

log = logging.getLogger(__name__)

#: key prefix of UI messages in the speech queue
UI_KEY = "ui"
#: UI speech that could not start within this time is dropped (the user has moved on), s
UI_STALE_S = 6.0


class Controller(Protocol):
    """The part of `mobile.app.controller.GuideController` the screens use (docs/CONTRACTS.md)."""

    settings: Any
    speech: SpeechQueue

    def update_settings(self, **changes: Any) -> Any: ...
    def where_am_i(self) -> str: ...
    def around_me(self) -> list[str]: ...
    def search(self, q: str) -> list[dict]: ...
    def preview(self, destination: Any) -> list[str]: ...
    def start_guidance(self, destination: Any) -> Any: ...
    def pause(self) -> Any: ...
    def resume(self) -> Any: ...
    def stop(self) -> Any: ...
    def repeat(self) -> Any: ...
    def mark_problem(self) -> Any: ...
    def status(self) -> dict: ...
    def start_simulation(self, origin: Any, destination: Any) -> Any: ...
    def add_favourite(self, name: str, lat: float, lon: float) -> Any: ...
    def rename_favourite(self, name: str, new_name: str) -> Any: ...
    def delete_favourite(self, name: str) -> Any: ...
    def move_favourite(self, name: str, step: int) -> Any: ...
    def ahead(self) -> list[dict]: ...
    def around(self) -> list[dict]: ...
    def nothing_near(self, ahead: bool = False) -> str: ...
    def share_route(self) -> str: ...
    def start_radio(self, ble: bool = True, gps: bool = True) -> Any: ...
    def tick(self, now: float) -> Any: ...


class Navigator(Protocol):
    """What screens ask of the root surface (`mobile.app.ui.surface.GestureSurface`)."""

    ring: Any

    def show(self, name: str, **params: Any) -> None: ...
    def back(self) -> None: ...
    def home(self) -> None: ...
    def refresh_focusables(self, keep: bool = True) -> None: ...


class Announcer:
    """Speaks UI labels and results through the controller's queue, like a screen reader.

    Sharing the controller's one queue is what keeps a touched button from talking over a
    safety warning: UI speech is INFO and waits here while the controller has something of its
    own playing or queued; `pump()` (every app tick) hands it over when the way is clear.
    A screen reader cuts its own chatter short when the user acts again, so `interrupt()` (on
    every new touch) drops UI speech still waiting and lets the next one cut a UI message
    that is still playing — never the controller's.
    """

    def __init__(self, queue: SpeechQueue, lang: Callable[[], str] = lambda: "de") -> None:
        self._queue = queue
        self._lang = lang
        self._clock = queue.clock
        self._waiting: list[str] = []
        self._since = 0.0
        self._cut = False

    def say(self, *texts: str) -> None:
        """Say these in order (one, or a route read as a list); the next touch cuts them."""
        texts = tuple(text for text in texts if text)
        if texts:
            self._post(list(texts))

    def interrupt(self) -> None:
        """The user acted: what the UI had not said yet is moot, what it is saying stops now
        (as a screen reader falls silent when the finger lands) — the controller's never."""
        self._waiting = []
        self._cut = True
        queue = self._queue
        current = queue.current
        if current is not None and is_ui(current) and all(is_ui(m) for m in queue.pending):
            queue.clear()
            self._cut = False

    def quiet(self) -> bool:
        """Nothing waiting, queued or playing: what was said has been heard."""
        queue = self._queue
        return not self._waiting and queue.current is None and not queue.pending

    def pump(self) -> None:
        """Hand the waiting UI speech to the queue once the controller's own speech allows.

        The queue is ticked here too, so UI speech goes on even if the controller's tick fails.
        """
        if not self._waiting:
            self._queue.tick()
            return
        if self._clock() - self._since > UI_STALE_S:
            log.debug("dropping stale UI speech %r", self._waiting)
            self._waiting = []
            return
        queue = self._queue
        current = queue.current
        if current is not None and not is_ui(current):
            return  # guidance or a warning is playing: never talk over it
        if any(not is_ui(msg) for msg in queue.pending):
            return  # the controller has something queued: it goes first
        if self._cut and (current is not None or queue.pending):
            queue.clear()  # only UI speech there: cut it short, as a screen reader does
        self._cut = False
        lang = self._lang()
        for text in self._waiting:
            queue.submit(Message(text, Priority.INFO, key=UI_KEY, lang=lang), force=True)
        self._waiting = []
        queue.tick()

    def _post(self, texts: list[str]) -> None:
        log.debug("say %r", texts)
        if not self._waiting:
            self._since = self._clock()
        self._waiting.extend(texts)
        self.pump()


def is_ui(message: Message) -> bool:
    """Whether a queued message came from the UI (and may be cut short by the next touch)."""
    return bool(message.key) and message.key.startswith(UI_KEY)


@dataclass
class UiContext:
    controller: Controller
    announcer: Announcer
    navigator: Navigator | None = None
    #: False when the microphone permission was refused: no dictation, typing still works
    microphone: bool = True
    #: called after a setting changed, so every screen can relabel (language)
    on_settings_changed: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def for_controller(cls, controller: Controller) -> UiContext:
        """UI speech goes through the controller's own queue, in the user's language."""
        return cls(controller, Announcer(controller.speech, lambda: controller.settings.lang))

    def lang(self) -> str:
        return getattr(self.controller.settings, "lang", "de")

    def t(self, key: str, **fields: object) -> str:
        return t(key, self.lang(), **fields)

    def say(self, text: str) -> None:
        self.announcer.say(text)

    def peek(self, fn: Callable[[], Any]) -> Any:
        """A read for display several times a second: on failure log it and return None
        (said once by the app's tick instead of at every refresh)."""
        try:
            return fn()
        except Exception as exc:  # display only: the tick loop reports trouble aloud
            log.debug("%s failed: %s", getattr(fn, "__name__", fn), exc)
            return None

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a controller call; on failure say why in one sentence and return None."""
        try:
            return fn(*args, **kwargs)
        except ControllerError as exc:  # already one sentence for the user
            log.info("%s refused: %s", getattr(fn, "__name__", fn), exc)
            self.say(str(exc))
            return None
        except Exception as exc:  # the UI boundary: nothing may crash the app or leave it silent
            log.warning("%s failed: %s", getattr(fn, "__name__", fn), exc, exc_info=True)
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            self.say(self.t("common.failed", why=reason))
            return None
