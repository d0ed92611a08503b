"""Places around the walker, and whether they are open now, in Europe/Berlin time.

`opening_hours` strings from OSM or the registry are evaluated with opening-hours-py (the engine OSM
tools use) rather than parsed by hand; `accessibility.places` then says it. A string the engine
cannot read makes the place "opening hours unknown", never an error in the middle of a walk.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import opening_hours

from accessibility.places import NearbyPlace, OpeningState, place_status_text
from accessibility.units import clock_from_angle
from mobile.positioning_geo import to_xy

log = logging.getLogger(__name__)

BERLIN = ZoneInfo("Europe/Berlin")
#: kinds worth mentioning while walking or on "around me" (streets and stops are not places)
PLACE_KINDS = frozenset({"shop", "amenity", "tourism", "historic", "leisure", "craft"})


def is_place(p: dict[str, Any]) -> bool:
    kind = p.get("kind")
    return bool(p.get("name")) and (kind is None or kind in PLACE_KINDS) \
        and p.get("lat") is not None and p.get("lon") is not None


def opening_hours_of(p: dict[str, Any]) -> str | None:
    """From a bundle place (`opening_hours`) or a network place (`tags.opening_hours`)."""
    return p.get("opening_hours") or (p.get("tags") or {}).get("opening_hours")


def opening_state(spec: str | None, when: datetime) -> OpeningState | None:
    """The state `accessibility.places` phrases; None when there are no usable hours."""
    if not spec:
        return None
    now = when.astimezone(BERLIN)
    try:
        oh = opening_hours.OpeningHours(spec)
        state = "open" if oh.is_open(now) else "closed" if oh.is_closed(now) else "unknown"
        change = oh.next_change(now)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        today = list(oh.intervals(midnight, midnight + timedelta(days=1)))
    except (opening_hours.ParserError, ValueError, TypeError, OverflowError) as exc:
        log.debug("unreadable opening_hours %r: %s", spec, exc)
        return None
    if change is not None and change.tzinfo is None:
        change = change.replace(tzinfo=BERLIN)
    if state not in ("open", "closed"):
        return None
    open_today = any(iv[2] == opening_hours.State.OPEN for iv in today)
    if state == "open":
        return OpeningState(now=now, is_open=True, closes_at=change)
    return OpeningState(now=now, is_open=False, opens_at=change, closed_today=not open_today)


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
