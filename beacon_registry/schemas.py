"""Pydantic schemas: what staff may send (In/Patch) and what the API returns (Out).

Format rules live here (UUID shape, hex lengths, ranges, text lengths, time windows); rules that
need the database or the service area live in `service`. Naive datetimes are read as Berlin time,
because that is the clock city staff think in.
"""

from __future__ import annotations

import operator
import uuid as uuidlib
from datetime import UTC, date, datetime
from functools import reduce
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)
from shapely.geometry import shape

from beacon_registry.input_rules import Lat, Lon, RecordId, SafeStr
from beacon_registry.input_rules import geometry as clean_geometry
from beacon_registry.models import MAX_TEXT
from beacon_registry.opening import TZ
from beacon_registry.opening import validate as validate_opening_hours

Text = Annotated[SafeStr, Field(max_length=MAX_TEXT)]
U16 = Annotated[int, Field(ge=0, le=65535)]
OsmId = Annotated[str, Field(max_length=40, pattern=r"^(node|way|relation)/[0-9]+$")]


def _aware(value: datetime) -> datetime:
    """Naive means Berlin; everything is kept in UTC so responses look alike before and after."""
    return (value.replace(tzinfo=TZ) if value.tzinfo is None else value).astimezone(UTC)


Moment = Annotated[datetime, AfterValidator(_aware)]


def _hex(value: str, nbytes: int, name: str) -> str:
    text = value.strip().lower().removeprefix("0x")
    if len(text) != 2 * nbytes or any(c not in "0123456789abcdef" for c in text):
        raise ValueError(f"{name} must be {nbytes} bytes as {2 * nbytes} hex digits")
    return text


def canonical_uuid(value: str) -> str:
    try:
        return str(uuidlib.UUID(value.strip()))
    except (ValueError, AttributeError) as exc:
        raise ValueError("uuid must be a UUID like f7826da6-4fa2-4e98-8024-bc5b71e0893e") from exc


def beacon_identity(
    kind: str,
    uuid: str | None,
    major: int | None,
    minor: int | None,
    namespace: str | None,
    instance: str | None,
) -> str:
    """The unique key of a beacon as it is heard on the air."""
    if kind == "ibeacon":
        return f"ibeacon:{uuid}:{major}:{minor}"
    return f"eddystone:{namespace}:{instance}"


class _Window(BaseModel):
    """Notices and obstacles hold only inside their validity window."""

    valid_from: Moment
    valid_to: Moment

    @model_validator(mode="after")
    def _window_order(self):
        if self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be later than valid_from")
        return self


class BeaconIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["ibeacon", "eddystone"]
    uuid: SafeStr | None = None
    major: U16 | None = None
    minor: U16 | None = None
    namespace: SafeStr | None = None
    instance: SafeStr | None = None
    lat: Lat
    lon: Lon
    level: Annotated[int, Field(ge=-5, le=50)] = 0
    placement_de: Text = ""
    placement_en: Text = ""
    measured_power: Annotated[int, Field(ge=-127, le=20)] = -59
    place_id: RecordId | None = None
    status: Literal["planned", "active"] = "active"
    installed_on: date | None = None
    battery_mv: Annotated[int, Field(ge=0, le=10000)] | None = None

    @model_validator(mode="after")
    def _identity(self):
        if self.kind == "ibeacon":
            for name in ("uuid", "major", "minor"):
                if getattr(self, name) is None:
                    raise ValueError(f"{name} is required for an iBeacon")
            if self.namespace or self.instance:
                raise ValueError("namespace/instance belong to Eddystone beacons, not iBeacons")
            self.uuid = canonical_uuid(self.uuid)
        else:
            for name in ("namespace", "instance"):
                if getattr(self, name) is None:
                    raise ValueError(f"{name} is required for an Eddystone beacon")
            if self.uuid or self.major is not None or self.minor is not None:
                raise ValueError("uuid/major/minor belong to iBeacons, not Eddystone beacons")
            self.namespace = _hex(self.namespace, 10, "namespace")
            self.instance = _hex(self.instance, 6, "instance")
        return self


class PlaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[SafeStr, Field(min_length=1, max_length=200)]
    category: Annotated[SafeStr, Field(max_length=80)] = ""
    lat: Lat
    lon: Lon
    opening_hours: Text | None = None
    phone: Annotated[SafeStr, Field(max_length=50)] | None = None
    notes: Text | None = None
    osm_id: OsmId | None = None
    status: Literal["planned", "active"] = "active"

    @model_validator(mode="after")
    def _hours(self):
        if self.opening_hours is not None:
            self.opening_hours = validate_opening_hours(self.opening_hours)
        return self


class NoticeIn(_Window):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["offer", "event", "warning"]
    text_de: Annotated[SafeStr, Field(min_length=1, max_length=MAX_TEXT)]
    text_en: Text = ""
    place_id: RecordId | None = None
    beacon_id: RecordId | None = None
    area: Annotated[SafeStr, Field(max_length=80)] | None = None
    status: Literal["planned", "active"] = "active"

    @model_validator(mode="after")
    def _attached(self):
        if self.place_id is None and self.beacon_id is None and not self.area:
            raise ValueError("a notice needs a place_id, a beacon_id or an area")
        return self


class ObstacleIn(_Window):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["road_works", "blocked", "hazard", "tactile_guidance"]
    #: GeoJSON Point or LineString; only type and 2-D coordinates are kept
    geometry: Annotated[dict[str, Any], BeforeValidator(clean_geometry)]
    effect: Literal["block", "penalty", "bonus"]
    factor: Annotated[float, Field(gt=0, le=100)] | None = None
    radius_m: Annotated[float, Field(gt=0, le=200)] | None = None
    description_de: Text = ""
    description_en: Text = ""
    status: Literal["planned", "active"] = "active"

    @model_validator(mode="after")
    def _shape_and_effect(self):
        try:
            geom = shape(self.geometry)
        except Exception as exc:  # shapely raises several types for malformed GeoJSON
            raise ValueError(f"geometry is not valid GeoJSON ({exc})") from exc
        if geom.is_empty or not geom.is_valid:
            raise ValueError("geometry is empty or invalid")
        if self.effect == "penalty" and self.factor is not None and self.factor <= 1:
            raise ValueError("factor of a penalty must be greater than 1")
        if self.effect == "bonus" and self.factor is not None and self.factor >= 1:
            raise ValueError("factor of a bonus must be smaller than 1")
        return self


def _constrained(base: type[BaseModel], name: str) -> Any:
    """A field's type with its constraints and validators (Patch: each may be left out)."""
    info = base.model_fields[name]
    return Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation


def _plain(tp: Any) -> Any:
    """A type without constraints or validators: what a stored value is, not what may be sent."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _plain(get_args(tp)[0])
    if origin in (Union, UnionType):
        return reduce(operator.or_, (_plain(arg) for arg in get_args(tp)))
    return tp


def patch_model(base: type[BaseModel]) -> type[BaseModel]:
    """Partial update: every field of ``base`` optional with its own type and rules, plus the
    `version` the client last read. Rules between fields run on the merged record (`service`)."""
    fields: dict[str, Any] = {name: (_constrained(base, name) | None, None)
                              for name in base.model_fields}
    return create_model(f"{base.__name__[:-2]}Patch", __config__=ConfigDict(extra="forbid"),
                        version=(RecordId, ...), **fields)


def out_model(base: type[BaseModel], **extra: Any) -> type[BaseModel]:
    """What the API returns for a stored record: ``base``'s fields with plain types, no rules.

    Stored rows passed the rules when they were written; re-running them on every read would
    turn a row into a 500 as soon as a rule is tightened.
    """
    fields: dict[str, Any] = {}
    for name, info in base.model_fields.items():
        if name == "status":
            continue
        default = ... if info.is_required() else info.get_default(call_default_factory=True)
        fields[name] = (_plain(info.annotation), default)
    return create_model(f"{base.__name__[:-2]}Out", __base__=_Out, **fields, **extra)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int
    version: int
    status: str
    created_at: datetime
    updated_at: datetime


BeaconPatch = patch_model(BeaconIn)
PlacePatch = patch_model(PlaceIn)
NoticePatch = patch_model(NoticeIn)
ObstaclePatch = patch_model(ObstacleIn)


class Retire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: RecordId


BeaconOut = out_model(BeaconIn, last_seen_at=(datetime | None, None))
PlaceOut = out_model(PlaceIn)
NoticeOut = out_model(NoticeIn)
ObstacleOut = out_model(ObstacleIn)
