"""The area bundle a phone downloads to guide offline (docs/CONTRACTS.md, "Area bundle").

The ETag is a hash of the content only (not of `generated_at`), so it changes exactly when
something a phone would use changes: a beacon, a place, a notice or obstacle starting or ending.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from beacon_registry.area import ServiceArea
from beacon_registry.lookup import current_notices_clause
from beacon_registry.models import Beacon, Notice, Obstacle, Place

logger = logging.getLogger(__name__)

ATTRIBUTION = "© OpenStreetMap contributors"


def _iso(value: datetime) -> str:
    return value.isoformat()


def obstacle_json(o: Obstacle) -> dict[str, Any]:
    """The registry/bundle JSON form that `overlay_from_geojson` reads."""
    return {
        "id": o.id,
        "kind": o.kind,
        "geometry": o.geometry,
        "effect": o.effect,
        "factor": o.factor,
        "radius_m": o.radius_m,
        "valid_from": _iso(o.valid_from),
        "valid_to": _iso(o.valid_to),
        "description_de": o.description_de,
        "description_en": o.description_en,
    }


def current_obstacles_clause(now: datetime):
    return and_(Obstacle.status == "active", Obstacle.valid_from <= now, Obstacle.valid_to > now)


def bundle_content(session: Session, area: ServiceArea, now: datetime) -> dict[str, Any]:
    beacons = session.scalars(select(Beacon).where(Beacon.status != "retired").order_by(Beacon.id))
    places = session.scalars(select(Place).where(Place.status == "active").order_by(Place.id))
    notices = session.scalars(select(Notice).where(current_notices_clause(now)).order_by(Notice.id))
    obstacles = session.scalars(
        select(Obstacle).where(current_obstacles_clause(now)).order_by(Obstacle.id)
    )
    graph_hash = area.graph_hash
    return {
        "area": {"name": area.name, "bbox": list(area.bbox)},
        "graph": {"hash": graph_hash, "url": f"/v1/graph/{graph_hash}" if graph_hash else None},
        "beacons": [
            {
                "id": b.id,
                "kind": b.kind,
                "uuid": b.uuid,
                "major": b.major,
                "minor": b.minor,
                "namespace": b.namespace,
                "instance": b.instance,
                "lat": b.lat,
                "lon": b.lon,
                "level": b.level,
                "measured_power": b.measured_power,
                "placement_de": b.placement_de,
                "placement_en": b.placement_en,
                "place_id": b.place_id,
                "status": b.status,
            }
            for b in beacons
        ],
        "places": [
            {
                "id": p.id,
                "name": p.name,
                "category": p.category,
                "lat": p.lat,
                "lon": p.lon,
                "opening_hours": p.opening_hours,
                "phone": p.phone,
                "osm_id": p.osm_id,
                "notes": p.notes,
            }
            for p in places
        ],
        "notices": [
            {
                "id": n.id,
                "kind": n.kind,
                "text_de": n.text_de,
                "text_en": n.text_en,
                "place_id": n.place_id,
                "beacon_id": n.beacon_id,
                "area": n.area,
                "valid_from": _iso(n.valid_from),
                "valid_to": _iso(n.valid_to),
            }
            for n in notices
        ],
        "obstacles": [obstacle_json(o) for o in obstacles],
        "attribution": ATTRIBUTION,
    }


def fingerprint(session: Session, now: datetime) -> tuple:
    """Cheap summary that changes whenever the bundle's content can change.

    Rows are never deleted and every staff write bumps a row's `version`, so per table
    (count, sum of versions) grows with every write; the ids of the notices and obstacles
    current at `now` capture windows opening and closing with time.
    """
    parts: list[Any] = []
    for model in (Beacon, Place, Notice, Obstacle):
        parts.append(
            tuple(
                session.execute(
                    select(func.count(model.id), func.coalesce(func.sum(model.version), 0))
                ).one()
            )
        )
    parts.append(
        tuple(
            session.scalars(
                select(Notice.id).where(current_notices_clause(now)).order_by(Notice.id)
            )
        )
    )
    parts.append(
        tuple(
            session.scalars(
                select(Obstacle.id).where(current_obstacles_clause(now)).order_by(Obstacle.id)
            )
        )
    )
    return tuple(parts)


class BundleCache:
    """Remembers the last bundle (as encoded JSON) and its fingerprint, so an unchanged bundle,
    and a 304, costs a few aggregate queries instead of serialising thousands of beacons.
    Never stale: any write or window change alters the fingerprint and the bundle is rebuilt on
    that very request.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: tuple[bytes, str] | None = None

    def get(self, session: Session, area: ServiceArea, now: datetime) -> tuple[bytes, str]:
        """(JSON body, etag) of the bundle at `now`."""
        key = (area, fingerprint(session, now))
        with self._lock:
            cached = self._value if key == self._key else None
        if cached is None:
            content = bundle_content(session, area, now)
            encoded = _encode(content)
            cached = (encoded, f'"{hashlib.sha256(encoded).hexdigest()}"')
            with self._lock:
                self._key, self._value = key, cached
        encoded, etag = cached
        head = _encode({"version": etag[1:17], "generated_at": _iso(now)})
        return head[:-1] + b"," + encoded[1:], etag


def _encode(data: dict[str, Any]) -> bytes:
    """Canonical JSON (sorted keys): the same content always gives the same bytes and hash."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
