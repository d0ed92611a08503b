"""Short spoken-style status of a place ("geöffnet bis 19:00 Uhr"), German by default.

Uses `accessibility.places.place_status_text` when that part provides it, so the phone and the
server say the same words; otherwise this small formatter speaks for the registry.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from babel.dates import format_date

from beacon_registry.opening import TZ, OpeningState

logger = logging.getLogger(__name__)

_WORDS = {
    "de": {
        "open_always": "durchgehend geöffnet",
        "open_until": "geöffnet bis {time} Uhr",
        "open_until_day": "geöffnet bis {day} {time} Uhr",
        "opens_at": "geschlossen, öffnet um {time} Uhr",
        "opens_day": "geschlossen, öffnet {day} um {time} Uhr",
        "closed": "geschlossen",
        "unknown": "Öffnungszeiten unbekannt",
        "tomorrow": "morgen",
    },
    "en": {
        "open_always": "open around the clock",
        "open_until": "open until {time}",
        "open_until_day": "open until {day} {time}",
        "opens_at": "closed, opens at {time}",
        "opens_day": "closed, opens {day} at {time}",
        "closed": "closed",
        "unknown": "opening hours unknown",
        "tomorrow": "tomorrow",
    },
}


def _day(change: datetime, now: datetime, lang: str) -> str | None:
    """None for today, "morgen"/"tomorrow", else the weekday name in the language."""
    days = (change.date() - now.date()).days
    if days == 0:
        return None
    if days == 1:
        return _WORDS[lang]["tomorrow"]
    if lang == "en":
        return "on " + format_date(change, "EEEE", locale="en")
    return "am " + format_date(change, "EEEE", locale="de")


def status_text(state: OpeningState, now: datetime, lang: str = "de") -> str:
    words = _WORDS.get(lang, _WORDS["de"])
    local_now = now.astimezone(TZ)
    change = state.next_change.astimezone(TZ) if state.next_change else None
    if state.state == "unknown":
        return words["unknown"]
    if change is None:
        return words["open_always"] if state.is_open else words["closed"]
    time_text = change.strftime("%H:%M")
    # a bar closing at 02:00 tonight closes "bis 2:00 Uhr", not "bis morgen"
    day = None if change - local_now < timedelta(hours=12) else _day(change, local_now, lang)
    if state.is_open:
        key = "open_until_day" if day else "open_until"
    else:
        key = "opens_day" if day else "opens_at"
    return words[key].format(time=time_text, day=day)
