"""The sentences of "Wo bin ich?", "Vor mir" and "Um mich herum", from `Surroundings` data.

Deciding what is near is `mobile.app.surroundings`; this module only says it, in the user's
language, through the catalogue (`app.where.*`, `app.item.*`, `app.dir.*`). A fix always yields
an answer: the nearest street, else the nearest named place, else "no street name nearby" —
never "position unknown" while the phone knows where it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accessibility import messages
from accessibility.places import category_text, opening_text
from accessibility.streets import street_at
from accessibility.units import clock_from_angle, compass_phrase, format_distance
from lotse_common.opening import opening_state
from mobile.app.surroundings import PLACE_NEAR_M, Item, Surroundings, relative_angle
from mobile.guidance.texts import say

#: from this uncertainty on the position is called uncertain (m)
UNCERTAIN_FROM_M = 15.0
#: uncertainties below this are said as this (m): "wenige Meter genau" says too little
SMALLEST_SAID_M = 10.0
#: when no street is near, a named place this far still tells where one is (m)
FAR_PLACE_M = 150.0


def direction_text(bearing_deg: float, heading_deg: float | None, lang: str) -> str:
    """ "auf 2 Uhr" relative to the heading; "nach Nordosten" when the heading is not known."""
    if heading_deg is None:
        return say("dir.compass", lang, direction=compass_phrase(bearing_deg, lang))
    return say("dir.clock", lang, clock=clock_from_angle(relative_angle(bearing_deg,
                                                                        heading_deg)))


def kind_text(item: Item | dict[str, Any], lang: str) -> str | None:
    """What a thing is, in words of the user's language (never a raw OSM tag)."""
    if isinstance(item, Item):
        kind, category = item.kind, item.detail
    else:
        kind, category = item.get("kind"), item.get("category")
    if kind == "crossing":
        return messages.text(f"crossing.noun.{category or 'unknown'}", lang)
    if kind == "intersection":
        return say("item.intersection", lang)
    if kind == "public_transport" or category in ("stop_position", "platform", "bus_stop"):
        return say("kind.stop", lang)
    if kind == "street":
        return say("kind.street", lang)
    return category_text(category, lang)


def item_text(item: Item, heading_deg: float | None, lang: str,
              when: datetime | None = None) -> str:
    """ "Markt-Apotheke, Apotheke, 30 Meter auf 2 Uhr, geöffnet bis 19 Uhr" — one row."""
    kind = kind_text(item, lang)
    if item.kind in ("crossing", "intersection"):  # what it is first, then the streets
        parts = [p for p in (kind, item.name) if p]
    else:
        parts = [item.name] + ([kind] if kind and kind.lower() not in item.name.lower() else [])
    parts.append(f"{format_distance(item.distance_m, lang)} "
                 f"{direction_text(item.bearing_deg, heading_deg, lang)}")
    if item.opening_hours and when is not None:
        state = opening_state(item.opening_hours, when)
        if state is not None and state.is_open is not None:
            parts.append(opening_text(state, lang))
    return ", ".join(parts)


def where_am_i_sentences(s: Surroundings, lat: float, lon: float, uncertainty_m: float,
                         heading: tuple[float, str] | None, lang: str) -> list[str]:
    """Street and house numbers or a named place, direction faced, next crossing, certainty."""
    distance = format_distance(max(uncertainty_m, SMALLEST_SAID_M), lang)
    said = [say("where.unsure" if uncertainty_m >= UNCERTAIN_FROM_M else "where.sure", lang,
                distance=distance)]
    heading_deg = heading[0] if heading else None
    street = s.nearest_street(lat, lon)
    place = s.nearest_place(lat, lon, PLACE_NEAR_M if street else FAR_PLACE_M)
    if street is not None:
        said.append(say("where.street", lang, street=street_at(street[0], lang)))
        numbers = s.house_numbers(street[0], lat, lon)
        if numbers is not None and numbers[0] != numbers[1]:
            said.append(say("where.numbers", lang, low=numbers[0], high=numbers[1]))
        elif numbers is not None:
            said.append(say("where.number", lang, n=numbers[0]))
    else:
        said.append(say("where.no_street", lang))
    if place is not None:
        said.append(say("where.place", lang, place=item_text(place, heading_deg, lang)))
    if heading is None:
        said.append(say("where.no_heading", lang))
    else:
        said.append(say(f"where.{heading[1]}", lang,
                        direction=compass_phrase(heading[0], lang)))
    crossing = s.next_crossing(lat, lon, heading_deg)
    if crossing is None:
        said.append(say("where.no_crossing", lang))
    else:
        said.append(say("where.crossing", lang, crossing=item_text(crossing, heading_deg, lang)))
    return said
