"""Distances, directions and clock times as the walker hears them, per locale (Babel).

Rounding follows NavCog: below 10 m an exact figure is false precision ("wenige Meter"), up to
50 m a 5 m step, above that 10 m steps; from a kilometre on, kilometres with one decimal.
"""

from __future__ import annotations

import math
from datetime import datetime

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from accessibility import messages

FEW_METRES_BELOW_M = 10.0  # m: below this say "wenige Meter"
FINE_STEP_UP_TO_M = 50.0  # m: up to here round to FINE_STEP_M
FINE_STEP_M = 5  # m
COARSE_STEP_M = 10  # m
KILOMETRES_FROM_M = 1000.0  # m: from here on say kilometres


def round_distance(metres: float) -> int | None:
    """Metres rounded NavCog style; None below FEW_METRES_BELOW_M ("a few metres")."""
    if metres < 0:
        raise ValueError(f"distance must not be negative, not {metres!r}")
    if metres < FEW_METRES_BELOW_M:
        return None
    step = FINE_STEP_M if metres <= FINE_STEP_UP_TO_M else COARSE_STEP_M
    return max(int(FEW_METRES_BELOW_M), math.floor(metres / step + 0.5) * step)


def distance_phrase(metres: float, lang: str, dative: bool = False) -> str:
    """The spoken distance; `dative` gives the German form after "in" ("in 20 Metern")."""
    suffix = ".dat" if dative else ""
    rounded = round_distance(metres)
    if rounded is None:
        return messages.text(f"distance.few{suffix}", lang)
    locale = messages.babel_locale(lang)
    if rounded >= KILOMETRES_FROM_M:
        km = round(rounded / 1000, 1)
        spoken = format_decimal(km, format="#,##0.#", locale=locale)
        return messages.plural(f"distance.km{suffix}", 1 if km == 1 else 2, lang, n=spoken)
    return messages.text(f"distance.m{suffix}", lang, n=format_decimal(rounded, locale=locale))


def format_distance(metres: float, lang: str) -> str:
    """Public form of a distance: "wenige Meter", "25 Meter", "1,2 Kilometer"."""
    return distance_phrase(metres, lang)


def clock_from_angle(angle_deg: float) -> int:
    """Clock-face hour for a signed turn angle (+ = right): 0° is 12 o'clock, 90° is 3 o'clock."""
    hour = round((angle_deg % 360) / 30) % 12
    return 12 if hour == 0 else hour


_COMPASS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")


def compass_point(bearing_deg: float) -> str:
    """Bearing (0 = north, clockwise) as one of eight compass points: "n", "ne", …"""
    return _COMPASS[round((bearing_deg % 360) / 45) % 8]


def compass_phrase(bearing_deg: float, lang: str) -> str:
    """Bearing (0 = north, clockwise) as one of eight compass words."""
    return messages.text(f"compass.{compass_point(bearing_deg)}", lang)


def clock_time(when: datetime, lang: str) -> str:
    """A time of day for speech: "19 Uhr", "9:30 Uhr" / "7 pm", "9:30 am"."""
    key = "time.pattern.hour" if when.minute == 0 else "time.pattern.minute"
    pattern = messages.text(key, lang)
    return format_time(when, format=pattern, locale=messages.babel_locale(lang))


def weekday_name(when: datetime, lang: str) -> str:
    return format_date(when, format="EEEE", locale=messages.babel_locale(lang))
