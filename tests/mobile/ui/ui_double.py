"""A small stand-in for `mobile.app.controller.GuideController`, for the screen tests only.

It keeps the contract's method names, records every call, speaks through a real `SpeechQueue`
with a real `RecorderVoice` on a hand-driven clock, and validates settings with the real
`AppSettings`, so the screens meet the same speech rules and setting errors as in the app.
"""

from __future__ import annotations

from typing import Any

from accessibility.speech import Message, Priority, SpeechQueue
from accessibility.voices import RecorderVoice
from mobile.app import favourites as favourite_list
from mobile.app.controller import ControllerError
from mobile.app.settings import AppSettings, Favourite

#: inner-city place names (approximate coordinates) for the canned search
PLACES = [
    {"name": "Stiftsplatz", "category": "marketplace", "kind": "amenity", "lat": 49.4441,
     "lon": 7.7698, "label": "Stiftsplatz, Marktplatz, 300 Meter nach Norden"},
    {"name": "Hauptbahnhof", "category": "station", "kind": "railway", "lat": 49.4366,
     "lon": 7.7688, "label": "Hauptbahnhof, 500 Meter nach Süden"},
    {"name": "Stadtbibliothek", "category": "library", "kind": "amenity", "lat": 49.4447,
     "lon": 7.7710, "label": "Stadtbibliothek, Bibliothek, 350 Meter nach Nordosten"},
]


class HandClock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class ControllerDouble:
    def __init__(self) -> None:
        self.clock = HandClock()
        self.voice = RecorderVoice(clock=self.clock)
        self.speech = SpeechQueue(self.voice, clock=self.clock)
        self.settings = AppSettings(
            favourites=(Favourite(name="Zuhause", lat=49.4452, lon=7.7655),)
        )
        self.calls: list[tuple[str, tuple]] = []
        self.fail: dict[str, Exception] = {}
        self.guiding: Any = None
        self.paused = False
        self.mode = "online"
        self.last_guidance: str | None = None
        self.radio: dict[str, bool] | None = None

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))
        if name in self.fail:
            raise self.fail[name]

    def called(self, name: str) -> list[tuple]:
        return [args for called, args in self.calls if called == name]

    @property
    def favourites(self):
        return self.settings.favourites

    def update_settings(self, **changes: Any) -> AppSettings:
        self._record("update_settings", changes)
        self.settings = self.settings.changed(**changes)
        return self.settings

    def where_am_i(self) -> str:
        self._record("where_am_i")
        return "Ungefähr an der Fackelstraße, in der Nähe vom Stiftsplatz."

    def around(self) -> list[dict]:
        self._record("around")
        return [{"name": "Stadtbibliothek", "lat": 49.4447, "lon": 7.7710, "kind": "place",
                 "label": "Stadtbibliothek, Bibliothek, 40 Meter auf 2 Uhr"},
                {"name": "Fackelstraße", "lat": 49.4443, "lon": 7.7680, "kind": "crossing",
                 "label": "Ampel mit Tonsignal, Fackelstraße, 15 Meter auf 12 Uhr"}]

    def ahead(self) -> list[dict]:
        self._record("ahead")
        return self.around()[1:]

    def nothing_near(self, ahead: bool = False) -> str:
        return "Nichts verzeichnet."

    def search(self, q: str) -> list[dict]:
        self._record("search", q)
        return [p for p in PLACES if q.lower() in p["name"].lower()]

    def preview(self, destination: Any) -> list[str]:
        self._record("preview", destination)
        return ["Gehen Sie los auf der Fackelstraße.", "In 40 Metern rechts abbiegen.",
                "Ampel mit Tonsignal überqueren.", "Sie sind am Ziel, rechts."]

    def start_guidance(self, destination: Any) -> None:
        self._record("start_guidance", destination)
        self.guiding = destination

    def start_simulation(self, origin: Any, destination: Any) -> None:
        self._record("start_simulation", origin, destination)
        self.guiding = destination
        self.mode = "simulated"

    def _say(self, text: str) -> None:
        """As the real controller: its own sentences go through its queue at GUIDANCE."""
        self.speech.submit(Message(text, Priority.GUIDANCE), force=True)
        self.speech.tick()

    def pause(self) -> None:
        self._record("pause")
        self.paused = True
        self._say("Führung pausiert.")

    def resume(self) -> None:
        self._record("resume")
        self.paused = False
        self._say("Führung fortgesetzt.")

    def stop(self) -> None:
        self._record("stop")
        self.guiding = None
        self._say("Führung beendet.")

    def add_favourite(self, name: str, lat: float, lon: float) -> AppSettings:
        self._record("add_favourite", name, lat, lon)
        return self.update_settings(
            favourites=(*self.favourites, Favourite(name=name, lat=lat, lon=lon)))

    def guide(self, text: str) -> None:
        """The engine's side: a guidance message of the route is said."""
        self.last_guidance = text
        self._say(text)

    def repeat(self) -> None:
        """As the real controller: the last guidance message, never the UI's last words."""
        self._record("repeat")
        self._say(self.last_guidance or "Noch keine Ansage zum Wiederholen.")

    def rename_favourite(self, name: str, new_name: str) -> AppSettings:
        self._record("rename_favourite", name, new_name)
        return self._edit(favourite_list.renamed, name, new_name)

    def delete_favourite(self, name: str) -> AppSettings:
        self._record("delete_favourite", name)
        return self._edit(favourite_list.removed, name)

    def move_favourite(self, name: str, step: int) -> AppSettings:
        self._record("move_favourite", name, step)
        return self._edit(favourite_list.moved, name, step)

    def _edit(self, change, *args) -> AppSettings:
        try:
            return self.update_settings(favourites=change(self.favourites, *args))
        except favourite_list.FavouriteError as exc:
            raise ControllerError(f"Das geht nicht: {exc}.") from None

    def share_route(self) -> str:
        self._record("share_route")
        return "/tmp/route.txt"

    def start_radio(self, ble: bool = True, gps: bool = True) -> None:
        self._record("start_radio", ble, gps)
        self.radio = {"ble": ble, "gps": gps}

    def mark_problem(self) -> None:
        self._record("mark_problem")
        self._say("Problemstelle markiert.")

    def status(self) -> dict:
        if self.guiding is None:
            return {"mode": self.mode, "next": "", "distance_m": None, "position_quality": 0.0,
                    "position_source": None, "uncertainty_m": None, "paused": False}
        return {"mode": self.mode, "next": "In 40 Metern rechts abbiegen.", "distance_m": 38.6,
                "position_quality": 0.55, "position_source": "beacon", "uncertainty_m": 14.6,
                "paused": self.paused, "last_guidance": self.last_guidance}

    def tick(self, now: float) -> None:
        self._record("tick", now)
        self.speech.tick()

    def warn(self, text: str) -> None:
        """The engine's side: a safety warning, which UI speech must never talk over."""
        self.speech.submit(Message(text, Priority.SAFETY))
        self.speech.tick()
