"""Place status in words through `accessibility.places`: the phone and the server say the same."""

from __future__ import annotations

from collections.abc import Sequence

from accessibility import places as spoken
from accessibility.places import OpeningState


def status_text(state: OpeningState | None, lang: str = "de") -> str:
    """ "geöffnet bis 19 Uhr", "öffnet morgen um 9 Uhr", "Öffnungszeiten unbekannt" …"""
    return spoken.opening_text(state, lang)


def place_sentence(
    name: str,
    category: str | None,
    state: OpeningState | None,
    lang: str = "de",
    offers: Sequence[str] = (),
    events: Sequence[str] = (),
) -> str:
    """The whole sentence a phone speaks for a place, offers and events included."""
    return spoken.place_status_text(name, category, state, lang, offers=offers, events=events)
