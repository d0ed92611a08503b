"""What the phone hears about a beacon and what is near a point: read-only, no login.

Assembled here rather than in the routes so the bundle, the benchmarks and the tests see the same
answer the HTTP API gives.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accessibility.places import opening_text, place_status_text
from beacon_registry.area import ServiceArea
from beacon_registry.errors import NotFound
from beacon_registry.models import Beacon, Place
from beacon_registry.opening import opening_state
from beacon_registry.snapshot import Snapshot
from lotse_common.geodesy import haversine_m as distance_m

logger = logging.getLogger(__name__)


def _text(de: str, en: str, lang: str) -> str:
    return (en or de) if lang == "en" else (de or en)


def place_view(
    place: Any, now: datetime, lang: str, offers: Sequence[str] = (), events: Sequence[str] = ()
) -> dict[str, Any]:
    state = opening_state(place.opening_hours, now)
    change = state.next_change if state else None
    return {
        "id": place.id,
        "name": place.name,
        "category": place.category,
        "lat": place.lat,
        "lon": place.lon,
        "opening_hours": place.opening_hours,
        "open_now": state.is_open if state else None,
        "next_change": change.isoformat() if change else None,
        "status_text": opening_text(state, lang),
        "spoken": place_status_text(place.name, place.category, state, lang, offers, events),
        "phone": place.phone,
        "notes": place.notes,
    }


def find_beacon(session: Session, identity: str) -> Beacon:
    beacon = session.scalar(
        select(Beacon).where(Beacon.identity == identity, Beacon.status != "retired")
    )
    if beacon is None:
        raise NotFound("no beacon with this identity", "identity")
    return beacon


def beacon_lookup(
    snapshot: Snapshot, area: ServiceArea, identity: str, now: datetime, lang: str = "de"
) -> dict[str, Any]:
    """What the phone hears about the beacon with this on-air identity, from the in-memory
    snapshot: placement, linked place (open now?, offers, events) and the notices in force for
    the beacon, its place or the whole area."""
    beacon = snapshot.beacon_by_identity.get(identity)
    if beacon is None:
        raise NotFound("no beacon with this identity", "identity")
    place = snapshot.place_by_id.get(beacon.place_id) if beacon.place_id else None
    if place is not None and place.status == "retired":
        place = None
    by_target = snapshot.current(now).notices_by_target
    targets = [("beacon", beacon.id), ("area", area.name)]
    if place is not None:
        targets.append(("place", place.id))
    found = {n.id: n for target in targets for n in by_target.get(target, ())}
    notices = [found[i] for i in sorted(found)]
    at_place = [n for n in notices if place is not None and n.place_id == place.id]
    offers = [_text(n.text_de, n.text_en, lang) for n in at_place if n.kind == "offer"]
    events = [_text(n.text_de, n.text_en, lang) for n in at_place if n.kind == "event"]
    return {
        "id": beacon.id,
        "kind": beacon.kind,
        "lang": lang,
        "placement": _text(beacon.placement_de, beacon.placement_en, lang),
        "lat": beacon.lat,
        "lon": beacon.lon,
        "level": beacon.level,
        "place": place_view(place, now, lang, offers, events) if place is not None else None,
        "notices": [
            {
                "id": n.id,
                "kind": n.kind,
                "text": _text(n.text_de, n.text_en, lang),
                "valid_to": n.valid_to.isoformat(),
            }
            for n in notices
        ],
    }


def places_near(
    session: Session,
    lat: float,
    lon: float,
    radius_m: float,
    now: datetime,
    lang: str = "de",
    limit: int = 20,
) -> list[dict[str, Any]]:
    dlat = radius_m / 111_320.0
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    rows = session.scalars(
        select(Place).where(
            Place.status == "active",
            Place.lat.between(lat - dlat, lat + dlat),
            Place.lon.between(lon - dlon, lon + dlon),
        )
    )
    found = []
    for place in rows:
        d = distance_m(lat, lon, place.lat, place.lon)
        if d <= radius_m:
            found.append((d, place))
    found.sort(key=lambda item: item[0])
    return [place_view(p, now, lang) | {"distance_m": round(d, 1)} for d, p in found[:limit]]
