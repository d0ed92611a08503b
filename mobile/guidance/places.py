"""Places around the walker, and whether they are open now, in Europe/Berlin time.

`opening_hours` strings from OSM or the registry are evaluated by `lotse_common.opening`, the
same code the registry's beacon lookup uses (Rhineland-Palatinate holidays included), so the phone
and the server never disagree about a shop; `accessibility.places` then says it. A string that
cannot be read makes the place "opening hours unknown", never an error in the middle of a walk.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from accessibility.places import NearbyPlace, place_status_text
from accessibility.units import clock_from_angle
from lotse_common.geodesy import to_xy
from lotse_common.opening import opening_state

log = logging.getLogger(__name__)

#: kinds worth mentioning while walking or on "around me" (streets and stops are not places)
PLACE_KINDS = frozenset({"shop", "amenity", "tourism", "historic", "leisure", "craft"})


def is_place(p: dict[str, Any]) -> bool:
    kind = p.get("kind")
    return bool(p.get("name")) and (kind is None or kind in PLACE_KINDS) \
        and p.get("lat") is not None and p.get("lon") is not None


def opening_hours_of(p: dict[str, Any]) -> str | None:
    """From a bundle place (`opening_hours`) or a network place (`tags.opening_hours`)."""
    return p.get("opening_hours") or (p.get("tags") or {}).get("opening_hours")


def place_phrase(p: dict[str, Any], when: datetime, lang: str = "de") -> str:
    """ "Bäckerei Müller, Bäckerei, geöffnet bis 19 Uhr." """
    return place_status_text(str(p["name"]), p.get("category"),
                             opening_state(opening_hours_of(p), when), lang)


def nearby(places: Iterable[dict[str, Any]], lat: float, lon: float, radius_m: float,
           when: datetime, heading_deg: float | None = None) -> list[NearbyPlace]:
    """Places within `radius_m`, with distance, clock direction (if heading known), open state."""
    x0, y0 = to_xy(lat, lon)
    out = []
    for p in places:
        if not is_place(p):
            continue
        x, y = to_xy(float(p["lat"]), float(p["lon"]))
        d = math.hypot(x - x0, y - y0)
        if d > radius_m:
            continue
        clock = None
        if heading_deg is not None and d > 2.0:
            bearing = math.degrees(math.atan2(x - x0, y - y0))
            clock = clock_from_angle((bearing - heading_deg + 540.0) % 360.0 - 180.0)
        out.append(NearbyPlace(str(p["name"]), p.get("category"), round(d, 1), clock,
                               opening_state(opening_hours_of(p), when)))
    return sorted(out, key=lambda n: n.distance_m)
