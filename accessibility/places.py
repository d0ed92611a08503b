"""Place phrases: name, kind, open state, offers; and the "Where am I" / "What's around" summaries.

Takes plain data: callers evaluate `opening_hours` themselves (opening-hours-py, Europe/Berlin)
and pass an `OpeningState`; this module only formats, so the phone and the server say the same.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from accessibility import messages
from accessibility.streets import street_at
from accessibility.units import (
    clock_time,
    compass_phrase,
    distance_phrase,
    format_distance,
    weekday_name,
)

log = logging.getLogger(__name__)

CLOSING_SOON_MIN = 30  # min: below this say "schließt in 20 Minuten" instead of the time
AROUND_LIMIT = 5  # places in a "What's around" summary
UNCERTAIN_FROM_M = 15.0  # m: from this position uncertainty on, say so first


@dataclass(frozen=True)
class OpeningState:
    """Opening state at `now`, as computed by the caller. All datetimes timezone-aware.

    `is_open` None means no opening hours are known. `closes_at` None while open means no
    closing is in sight (24/7). `closed_today` says the place does not open again today.
    """

    now: datetime
    is_open: bool | None
    closes_at: datetime | None = None
    opens_at: datetime | None = None
    closed_today: bool = False

    @property
    def next_change(self) -> datetime | None:
        """When the state changes next: closing time while open, opening time while closed."""
        return self.closes_at if self.is_open else self.opens_at

    def __post_init__(self) -> None:
        for name in ("now", "closes_at", "opens_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"OpeningState.{name} must be timezone-aware")


@dataclass(frozen=True)
class NearbyPlace:
    """One place for "What's around": distance from the walker, clock direction if known."""

    name: str
    category: str | None
    distance_m: float
    clock: int | None = None
    state: OpeningState | None = None
    offers: Sequence[str] = field(default_factory=tuple)


def category_text(category: str | None, lang: str) -> str | None:
    """OSM shop/amenity value in words ("bakery" → "Bäckerei"), or None when it has none.

    OSM values are English tags, not words: spoken raw they put "pub" or "mobile phone" into a
    German sentence. A value the catalogue lacks (a newer extract) is left out of the phrase
    and logged once, so the name and the opening state are still said.
    """
    if not category:
        return None
    key = f"category.{category}"
    if messages.has(key, lang):
        return messages.text(key, lang)
    _log_untranslated(category, lang)
    return None


@lru_cache(maxsize=256)
def _log_untranslated(category: str, lang: str) -> None:
    log.info("no %s word for place category %r; left out of the phrase", lang, category)


def opening_text(state: OpeningState | None, lang: str) -> str:
    """ "geöffnet bis 19 Uhr", "heute geschlossen", "öffnet morgen um 9 Uhr" …"""
    messages.check_lang(lang)
    if state is None or state.is_open is None:
        return messages.text("place.hours_unknown", lang)
    now = state.now
    if state.is_open:
        if state.closes_at is None:
            return messages.text("place.open_always", lang)
        minutes = int((state.closes_at - now).total_seconds() // 60)
        if 0 <= minutes < CLOSING_SOON_MIN:
            return messages.plural("place.closes_soon", minutes, lang)
        closes = state.closes_at.astimezone(now.tzinfo)
        return messages.text("place.open_until", lang, time=clock_time(closes, lang))
    if state.opens_at is None:
        return messages.text("place.closed_today" if state.closed_today else "place.closed", lang)
    opens = state.opens_at.astimezone(now.tzinfo)
    days = (opens.date() - now.date()).days
    at = clock_time(opens, lang)
    if days == 0:
        said = messages.text("place.opens_today", lang, time=at)
    elif days == 1:
        said = messages.text("place.opens_tomorrow", lang, time=at)
    else:
        said = messages.text("place.opens_on", lang, weekday=weekday_name(opens, lang), time=at)
    if days >= 1 and state.closed_today:
        return f"{messages.text('place.closed_today', lang)}, {said}"
    return said


def place_status_text(
    name: str,
    category: str | None,
    state: OpeningState | None,
    lang: str = "de",
    offers: Sequence[str] = (),
    events: Sequence[str] = (),
) -> str:
    """ "Bäckerei Schmitt, Bäckerei, geöffnet bis 19 Uhr." plus one sentence per offer/event."""
    parts = [name.strip()]
    kind = category_text(category, lang)
    if kind and kind.lower() not in name.lower():
        parts.append(kind)
    if state is not None:
        parts.append(opening_text(state, lang))
    sentences = [", ".join(parts)]
    sentences += [messages.text("place.offer", lang, text=o.strip()) for o in offers if o.strip()]
    sentences += [messages.text("place.event", lang, text=e.strip()) for e in events if e.strip()]
    return " ".join(_end(s) for s in sentences)


def where_am_i_text(
    lang: str = "de",
    street: str | None = None,
    heading_deg: float | None = None,
    crossing_distance_m: float | None = None,
    crossing: str | None = None,
    uncertainty_m: float | None = None,
) -> list[str]:
    """ "Where am I": nearest street, direction faced, next crossing — one idea per message."""
    messages.check_lang(lang)
    if street is None:
        return [_end(messages.text("where.unknown", lang))]
    said: list[str] = []
    if uncertainty_m is not None and uncertainty_m >= UNCERTAIN_FROM_M:
        said.append(
            messages.text("where.uncertain", lang, distance=format_distance(uncertainty_m, lang))
        )
    said.append(messages.text("where.here", lang, street=street_at(street, lang)))
    if heading_deg is not None:
        said.append(
            messages.text("where.facing", lang, direction=compass_phrase(heading_deg, lang))
        )
    if crossing_distance_m is not None:
        noun = messages.text(f"crossing.noun.{crossing or 'unknown'}", lang)
        distance = distance_phrase(crossing_distance_m, lang, dative=True)
        said.append(messages.text("where.crossing", lang, distance=distance, crossing=noun))
    return [_end(s) for s in said]


def around_texts(
    places: Sequence[NearbyPlace], lang: str = "de", limit: int = AROUND_LIMIT
) -> list[str]:
    """ "What's around": up to `limit` places, nearest first, each with distance and open state."""
    messages.check_lang(lang)
    nearest = sorted(places, key=lambda p: p.distance_m)[:limit]
    if not nearest:
        return [_end(messages.text("around.none", lang))]
    said = []
    for place in nearest:
        clock = messages.text("frame.clock", lang, clock=place.clock) if place.clock else ""
        where = messages.text(
            "around.place",
            lang,
            name=place.name,
            distance=format_distance(place.distance_m, lang),
            clock=clock,
        ).strip()
        kind = category_text(place.category, lang)
        parts = [where] + ([kind] if kind and kind.lower() not in place.name.lower() else [])
        if place.state is not None:
            parts.append(opening_text(place.state, lang))
        said.append(_end(", ".join(parts)))
    return said


def _end(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
