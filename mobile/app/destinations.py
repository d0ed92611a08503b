"""Destination search as a blind user does it: a category word or a name, heard as a short list.

"Apotheke", "Kino", "Bäcker", "Bushaltestelle", "toilet": a query that is a category word (the
catalogue's own `category.*` words in German and English, plus the synonyms in
`app.search.words.*`) lists the nearest places of that category. Anything else is a name search
on the map (typo- and umlaut-tolerant, `routing_service.places`). Either way a place appears once
(a square, its street and its bus stop are one destination), is labelled in the user's language,
and the list runs nearest first, each entry with its distance and direction.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from accessibility import messages
from lotse_common.geodesy import to_xy
from mobile.app.answers import direction_text, kind_text
from mobile.app.surroundings import bearing
from routing_service.places import fold

#: how many hits a list holds: more is too long to listen to
MAX_HITS = 8
#: entries of one name closer than this are one place (a square, its street, its stop), m
SAME_PLACE_M = 150.0
#: OSM categories that one search word stands for beyond its own key
CATEGORY_MEMBERS: dict[str, tuple[str, ...]] = {
    "bus_stop": ("bus_stop", "stop_position", "platform"),
}
#: a query this long may be the start of a category word ("Bäcker" for "Bäckerei")
MIN_PREFIX = 4
#: … and covers at least this share of it ("markt" is no "marktplatz")
PREFIX_SHARE = 0.6


@lru_cache(maxsize=1)
def category_words() -> dict[str, str]:
    """Folded word -> category, from the catalogue in every language."""
    words: dict[str, str] = {}
    for lang in messages.LANGS:
        for msg in messages.catalog(lang):
            key = msg.id if isinstance(msg.id, str) else ""
            if key.startswith("category."):
                category, texts = key[len("category."):], [msg.string]
            elif key.startswith("app.search.words."):
                category, texts = key[len("app.search.words."):], msg.string.split(",")
            else:
                continue
            for text in texts:
                if fold(text):
                    words.setdefault(fold(text), category)
    return words


def category_of(query: str) -> str | None:
    """The category a query names ("apotheken" -> pharmacy), or None for a name search."""
    q = fold(query)
    if not q:
        return None
    words = category_words()
    if q in words:
        return words[q]
    for word, category in words.items():
        # "baecker" starts "baeckerei"; "apotheken" is "apotheke" and a plural ending
        starts = word.startswith(q) and len(q) >= PREFIX_SHARE * len(word)
        if len(q) >= MIN_PREFIX and (starts or q.startswith(word) and len(q) - len(word) <= 2):
            return category
    return None


def in_category(place: dict[str, Any], category: str) -> bool:
    members = CATEGORY_MEMBERS.get(category, (category,))
    return place.get("category") in members or category == "bus_stop" and \
        place.get("kind") == "public_transport"


def search(query: str, places: list[dict[str, Any]], name_search: Callable[[str], list[dict]],
           origin: tuple[float, float] | None, heading_deg: float | None,
           lang: str) -> list[dict[str, Any]]:
    """Hits as dicts (name, lat, lon, kind, category, distance_m, label), nearest first."""
    category = category_of(query)
    if category is not None:
        hits = [dict(p) for p in places if in_category(p, category) and p.get("name")]
    else:
        hits = [dict(h) for h in name_search(query)]
    hits = _one_per_place(hits)
    if origin is not None:
        x0, y0 = to_xy(*origin)
        for hit in hits:
            x, y = to_xy(float(hit["lat"]), float(hit["lon"]))
            hit["distance_m"] = round(math.hypot(x - x0, y - y0), 1)
            hit["bearing_deg"] = round(bearing(x0, y0, x, y), 1)
        if category is not None:
            hits.sort(key=lambda h: h["distance_m"])
        else:  # names that match as typed first, then the rest; nearest first in each
            q = fold(query)
            hits.sort(key=lambda h: (not fold(h["name"]).startswith(q), h["distance_m"]))
    hits = hits[:MAX_HITS]
    for hit in hits:
        hit["label"] = hit_label(hit, heading_deg, lang)
        hit.pop("tags", None)
    return hits


def hit_label(hit: dict[str, Any], heading_deg: float | None, lang: str) -> str:
    """ "Markt-Apotheke, Apotheke, 30 Meter nach Westen" in the user's language."""
    from accessibility.units import format_distance

    name = str(hit.get("name") or "?")
    kind = kind_text(hit, lang)
    parts = [name] + ([kind] if kind and kind.lower() not in name.lower() else [])
    if hit.get("distance_m") is not None:
        parts.append(f"{format_distance(hit['distance_m'], lang)} "
                     f"{direction_text(hit['bearing_deg'], heading_deg, lang)}")
    return ", ".join(parts)


def _one_per_place(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first hit of each name stands for the others of that name nearby."""
    kept: list[dict[str, Any]] = []
    for hit in hits:
        x, y = to_xy(float(hit["lat"]), float(hit["lon"]))
        if any(fold(k["name"]) == fold(hit["name"]) and
               math.hypot(x - k["_x"], y - k["_y"]) <= SAME_PLACE_M for k in kept):
            continue
        kept.append(hit | {"_x": x, "_y": y})
    return [{k: v for k, v in h.items() if k not in ("_x", "_y")} for h in kept]
