"""Place status in words, through `accessibility.places`, so the phone and the server say the same.

This module only adapts: the registry's `OpeningState` (state + next change from opening-hours-py)
becomes the accessibility part's `OpeningState` (is_open, closes_at / opens_at, closed_today).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from accessibility import places as spoken
from beacon_registry.opening import TZ, OpeningState

logger = logging.getLogger(__name__)


def to_spoken_state(state: OpeningState, now: datetime) -> spoken.OpeningState | None:
    if state.state == "unknown":
        return None
    local_now = now.astimezone(TZ)
    change = state.next_change.astimezone(TZ) if state.next_change else None
    if state.is_open:
        return spoken.OpeningState(now=local_now, is_open=True, closes_at=change)
    closed_today = change is None or change.date() != local_now.date()
    return spoken.OpeningState(
        now=local_now, is_open=False, opens_at=change, closed_today=closed_today
    )


def status_text(state: OpeningState, now: datetime, lang: str = "de") -> str:
    """ "geöffnet bis 19 Uhr", "öffnet morgen um 9 Uhr", "Öffnungszeiten unbekannt" …"""
    return spoken.opening_text(to_spoken_state(state, now), lang)


def place_sentence(
    name: str,
    category: str | None,
    state: OpeningState,
    now: datetime,
    lang: str = "de",
    offers: Sequence[str] = (),
    events: Sequence[str] = (),
) -> str:
    """The whole sentence a phone speaks for a place, offers and events included."""
    return spoken.place_status_text(
        name, category, to_spoken_state(state, now), lang, offers=offers, events=events
    )
