"""The area bundle a phone downloads to guide offline (docs/CONTRACTS.md, "Area bundle").

The ETag is a hash of the content only (not of `generated_at`), so it changes exactly when
something a phone would use changes: a beacon, a place, a notice or obstacle starting or ending.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import and_

from beacon_registry.area import ServiceArea
from beacon_registry.models import Obstacle
from beacon_registry.snapshot import Snapshot

logger = logging.getLogger(__name__)

ATTRIBUTION = "© OpenStreetMap contributors"


def _iso(value: datetime) -> str:
    return value.isoformat()


def obstacle_json(o: Any) -> dict[str, Any]:
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


def bundle_content(snapshot: Snapshot, area: ServiceArea, now: datetime) -> dict[str, Any]:
    current = snapshot.current(now)
    beacons, places = snapshot.beacons, snapshot.active_places
    notices, obstacles = current.notices, current.obstacles
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


class BundleCache:
    """Remembers the last bundle (as encoded JSON), so an unchanged bundle, and a 304, costs a
    dictionary look-up instead of serialising thousands of beacons. Keyed by the snapshot's
    generation and the notices and obstacles in force, it is rebuilt on the first request after
    any write or window change.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: tuple[bytes, str] | None = None

    def get(self, snapshot: Snapshot, area: ServiceArea, now: datetime) -> tuple[bytes, str]:
        """(JSON body, etag) of the bundle at `now`."""
        key = (snapshot.generation, area, snapshot.current(now).key)
        with self._lock:
            cached = self._value if key == self._key else None
        if cached is None:
            encoded = _encode(bundle_content(snapshot, area, now))
            cached = (encoded, f'"{hashlib.sha256(encoded).hexdigest()}"')
            with self._lock:
                self._key, self._value = key, cached
        encoded, etag = cached
        head = _encode({"version": etag[1:17], "generated_at": _iso(now)})
        return head[:-1] + b"," + encoded[1:], etag


def _encode(data: dict[str, Any]) -> bytes:
    """Canonical JSON (sorted keys, UTF-8, no spaces): the same content always gives the same
    bytes and hash, on every worker."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
