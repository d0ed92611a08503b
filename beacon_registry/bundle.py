"""The area bundle a phone downloads to guide offline (docs/CONTRACTS.md, "Area bundle").

The ETag is a hash of the content only (not of `generated_at`), so it changes exactly when
something a phone would use changes: a beacon, a place, a notice or obstacle starting or ending.
"""

from __future__ import annotations

import gzip
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


def beacon_json(b: Any) -> dict[str, Any]:
    return {"id": b.id, "kind": b.kind, "uuid": b.uuid, "major": b.major, "minor": b.minor,
            "namespace": b.namespace, "instance": b.instance, "lat": b.lat, "lon": b.lon,
            "level": b.level, "measured_power": b.measured_power,
            "placement_de": b.placement_de, "placement_en": b.placement_en,
            "place_id": b.place_id, "status": b.status}


def place_json(p: Any) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "category": p.category, "lat": p.lat, "lon": p.lon,
            "opening_hours": p.opening_hours, "phone": p.phone, "osm_id": p.osm_id,
            "notes": p.notes}


def notice_json(n: Any) -> dict[str, Any]:
    return {"id": n.id, "kind": n.kind, "text_de": n.text_de, "text_en": n.text_en,
            "place_id": n.place_id, "beacon_id": n.beacon_id, "area": n.area,
            "valid_from": _iso(n.valid_from), "valid_to": _iso(n.valid_to)}


def _head(area: ServiceArea) -> dict[str, Any]:
    graph_hash = area.graph_hash
    return {"area": {"name": area.name, "bbox": list(area.bbox)},
            "graph": {"hash": graph_hash,
                      "url": f"/v1/graph/{graph_hash}" if graph_hash else None},
            "attribution": ATTRIBUTION}


def bundle_content(snapshot: Snapshot, area: ServiceArea, now: datetime) -> dict[str, Any]:
    """The bundle as one dict (what `BundleCache` encodes, piece by piece)."""
    current = snapshot.current(now)
    return {**_head(area),
            "beacons": [beacon_json(b) for b in snapshot.beacons],
            "places": [place_json(p) for p in snapshot.active_places],
            "notices": [notice_json(n) for n in current.notices],
            "obstacles": [obstacle_json(o) for o in current.obstacles]}


class Built:
    """One version of the bundle: the JSON body, its ETag, and the body gzipped (made at the
    first request that accepts it: a phone on a mobile network downloads a thirteenth of it)."""

    #: zlib's fastest level: 275 kB of the inner city's bundle become 21 kB in under a
    #: millisecond; the best level saves 3 kB more at three times the time
    GZIP_LEVEL = 1

    def __init__(self, body: bytes, etag: str) -> None:
        self.body, self.etag = body, etag
        self._gzipped: bytes | None = None

    @property
    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=self.GZIP_LEVEL, mtime=0)
        return self._gzipped


class BundleCache:
    """Remembers the last bundle (as encoded JSON, and gzipped once a phone asks for that), so an
    unchanged bundle, and a 304, costs a dictionary look-up instead of serialising thousands of
    beacons. Keyed by the snapshot's generation and the notices and obstacles in force, it is
    rebuilt on the first request after any write or window change; the rebuild encodes only the
    rows that changed (each beacon's, place's and notice's JSON is remembered by the row's
    content) and joins the rest, which gives the same bytes as encoding the whole bundle at once.
    ``generated_at`` is when this process built this version.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: Built | None = None
        self._pieces: dict[Any, bytes] = {}

    def get(self, snapshot: Snapshot, area: ServiceArea, now: datetime) -> tuple[bytes, str]:
        """(JSON body, etag) of the bundle at `now`."""
        built = self.built(snapshot, area, now)
        return built.body, built.etag

    def built(self, snapshot: Snapshot, area: ServiceArea, now: datetime) -> Built:
        """The bundle at `now`, as built (or remembered) for the snapshot."""
        key = (snapshot.generation, area, snapshot.current(now).key)
        with self._lock:
            cached = self._value if key == self._key else None
        if cached is None:
            encoded = self._encode(snapshot, area, now)
            etag = f'"{hashlib.sha256(encoded).hexdigest()}"'
            head = _encode({"version": etag[1:17], "generated_at": _iso(now)})
            cached = Built(head[:-1] + b"," + encoded[1:], etag)
            with self._lock:
                self._key, self._value = key, cached
        return cached

    def _encode(self, snapshot: Snapshot, area: ServiceArea, now: datetime) -> bytes:
        """`_encode(bundle_content(...))`, from remembered pieces: orjson writes a dict with
        sorted keys as `{"key":value,...}` and a list as `[a,b,...]`, so the pieces joined in
        that order are those bytes exactly."""
        current = snapshot.current(now)
        old, pieces = self._pieces, {}

        def listed(rows, as_json) -> bytes:
            parts = []
            for row in rows:
                piece = old.get(row) or pieces.get(row)
                if piece is None:
                    piece = _encode(as_json(row))
                pieces[row] = piece
                parts.append(piece)
            return b"[" + b",".join(parts) + b"]"

        fields = {key: _encode(value) for key, value in _head(area).items()}
        fields |= {"beacons": listed(snapshot.beacons, beacon_json),
                   "places": listed(snapshot.active_places, place_json),
                   "notices": listed(current.notices, notice_json),
                   # few, and their geometry (a dict) cannot key a memory
                   "obstacles": _encode([obstacle_json(o) for o in current.obstacles])}
        self._pieces = pieces  # only the rows of this bundle: the memory never grows
        return b"{" + b",".join(_encode(k) + b":" + v for k, v in sorted(fields.items())) + b"}"


def _encode(data: Any) -> bytes:
    """Canonical JSON (sorted keys, UTF-8, no spaces): the same content always gives the same
    bytes and hash, on every worker."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
