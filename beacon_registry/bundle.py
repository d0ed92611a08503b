"""The area bundle a phone downloads to guide offline (docs/CONTRACTS.md, "Area bundle").

The ETag is a hash of the content only (not of `generated_at`), so it changes exactly when
something a phone would use changes: a beacon, a place, a notice or obstacle starting or ending.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
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


def build_bundle(session: Session, area: ServiceArea, now: datetime) -> tuple[dict[str, Any], str]:
    """(bundle, etag); `version` is the content hash, so equal content means equal version."""
    content = bundle_content(session, area, now)
    digest = hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()
    bundle = {"version": digest[:16], "generated_at": _iso(now)} | content
    return bundle, f'"{digest}"'
