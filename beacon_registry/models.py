"""The registry's tables: what city staff keep and what phones read.

Every editable record carries `version` (SQLAlchemy's version_id_col), so two staff members
editing the same beacon cannot silently overwrite each other: the second write fails with 409.
Records are retired rather than deleted so the audit log and old bundles still make sense.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from beacon_registry.db import Base, UTCDateTime, utcnow

#: longest free text a staff member may enter (placement, notice text, description)
MAX_TEXT = 500
STATUSES = ("planned", "active", "retired")


class _Versioned:
    """Columns every staff-edited record shares: optimistic lock, status and time stamps."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )


class Place(_Versioned, Base):
    __tablename__ = "places"
    __mapper_args__ = {"version_id_col": _Versioned.version}  # type: ignore[attr-defined]

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    opening_hours: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    phone: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    #: "node/123" / "way/456": re-imports of an extract update instead of duplicating
    osm_id: Mapped[str | None] = mapped_column(String(40), unique=True)


class Beacon(_Versioned, Base):
    __tablename__ = "beacons"
    __mapper_args__ = {"version_id_col": _Versioned.version}  # type: ignore[attr-defined]

    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    #: "ibeacon:<uuid>:<major>:<minor>" or "eddystone:<namespace>:<instance>", lower case
    identity: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    uuid: Mapped[str | None] = mapped_column(String(36))
    major: Mapped[int | None] = mapped_column(Integer)
    minor: Mapped[int | None] = mapped_column(Integer)
    namespace: Mapped[str | None] = mapped_column(String(20))
    instance: Mapped[str | None] = mapped_column(String(12))
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    level: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    placement_de: Mapped[str] = mapped_column(String(MAX_TEXT), nullable=False, default="")
    placement_en: Mapped[str] = mapped_column(String(MAX_TEXT), nullable=False, default="")
    measured_power: Mapped[int] = mapped_column(Integer, nullable=False, default=-59)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    installed_on: Mapped[date | None] = mapped_column(Date)
    #: staff-owned: phones' sightings never write these; they are evidence in `sightings`
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    battery_mv: Mapped[int | None] = mapped_column(Integer)


class Notice(_Versioned, Base):
    __tablename__ = "notices"
    __mapper_args__ = {"version_id_col": _Versioned.version}  # type: ignore[attr-defined]

    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    text_de: Mapped[str] = mapped_column(String(MAX_TEXT), nullable=False)
    text_en: Mapped[str] = mapped_column(String(MAX_TEXT), nullable=False, default="")
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    beacon_id: Mapped[int | None] = mapped_column(ForeignKey("beacons.id"))
    #: name of the service area the notice concerns as a whole ("innenstadt")
    area: Mapped[str | None] = mapped_column(String(80))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class Obstacle(_Versioned, Base):
    __tablename__ = "obstacles"
    __mapper_args__ = {"version_id_col": _Versioned.version}  # type: ignore[attr-defined]

    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    #: GeoJSON Point or LineString, [lon, lat]
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    effect: Mapped[str] = mapped_column(String(16), nullable=False)
    factor: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    description_de: Mapped[str] = mapped_column(String(MAX_TEXT), nullable=False, default="")
    description_en: Mapped[str] = mapped_column(String(MAX_TEXT), nullable=False, default="")


class AuditEntry(Base):
    """Who changed what, when, with the record before and after (JSON)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    entity: Mapped[str] = mapped_column(String(24), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a leaked database leaks no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Sighting(Base):
    """One anonymous report that a phone heard a beacon: no user, device or address is kept.

    Kept for the retention period, then folded into `SightingDay`.
    """

    __tablename__ = "sightings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    beacon_id: Mapped[int] = mapped_column(ForeignKey("beacons.id"), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    rssi: Mapped[int] = mapped_column(Integer, nullable=False)
    battery_mv: Mapped[int | None] = mapped_column(Integer)


class SightingDay(Base):
    """Sightings of one beacon on one (UTC) day, aggregated once they pass the retention period."""

    __tablename__ = "sighting_days"

    beacon_id: Mapped[int] = mapped_column(ForeignKey("beacons.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    rssi_min: Mapped[int] = mapped_column(Integer, nullable=False)
    rssi_max: Mapped[int] = mapped_column(Integer, nullable=False)
    battery_min_mv: Mapped[int | None] = mapped_column(Integer)


class RateCounter(Base):
    """Requests per key in one fixed time window, shared by every server process.

    The key is a salted hash of an address or address range, never the address itself, and
    rows are dropped soon after their window ends.
    """

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: window number: seconds since the epoch divided by the window's length
    window: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)


class TesterLog(Base):
    """An uploaded tester trip log (JSON Lines), kept verbatim for the people who analyse it."""

    __tablename__ = "tester_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(80), nullable=False)
    line_count: Mapped[int] = mapped_column(Integer, nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    sessions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
