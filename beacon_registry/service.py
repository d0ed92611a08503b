"""The one write path: every create, update and retire goes through here, audited and versioned.

Routes and importers call these functions inside the request's transaction; nothing here commits.
Rules that need the database or the service area (links exist, identity unique, inside the area)
are checked here so a bulk import and a single POST reject the same rows for the same reasons.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from beacon_registry.area import ServiceArea
from beacon_registry.errors import (
    Conflict,
    InvalidField,
    NotFound,
    StaleVersion,
    field_and_message,
)
from beacon_registry.models import AuditEntry, Beacon, Notice, Obstacle, Place
from beacon_registry.schemas import (
    BeaconIn,
    BeaconOut,
    NoticeIn,
    NoticeOut,
    ObstacleIn,
    ObstacleOut,
    PlaceIn,
    PlaceOut,
    beacon_identity,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entity:
    """How one kind of record is validated, stored and shown."""

    name: str
    model: type
    schema_in: type[BaseModel]
    schema_out: type[BaseModel]


BEACON = Entity("beacon", Beacon, BeaconIn, BeaconOut)
PLACE = Entity("place", Place, PlaceIn, PlaceOut)
NOTICE = Entity("notice", Notice, NoticeIn, NoticeOut)
OBSTACLE = Entity("obstacle", Obstacle, ObstacleIn, ObstacleOut)
ENTITIES = {e.name: e for e in (BEACON, PLACE, NOTICE, OBSTACLE)}


def snapshot(entity: Entity, obj: Any) -> dict[str, Any]:
    """JSON-ready picture of a record, as the API shows it and the audit log keeps it."""
    return entity.schema_out.model_validate(obj).model_dump(mode="json")


def parse_in(entity: Entity, data: dict[str, Any], text_cells: bool = False) -> BaseModel:
    """Validate raw input with the entity's schema; the first problem becomes InvalidField.

    `text_cells`: the values come from CSV cells, where numbers can only be written as text.
    """
    try:
        return entity.schema_in.model_validate(data, context={"text_cells": text_cells})
    except ValidationError as exc:
        raise invalid_from_pydantic(exc) from exc


def invalid_from_pydantic(exc: ValidationError) -> InvalidField:
    err = exc.errors()[0]
    field, msg = field_and_message([str(p) for p in err["loc"] if p != "body"], err["msg"])
    return InvalidField(msg, field)


def get(session: Session, entity: Entity, obj_id: int) -> Any:
    obj = session.get(entity.model, obj_id)
    if obj is None:
        raise NotFound(f"no {entity.name} with id {obj_id}", "id")
    return obj


def _check_rules(
    session: Session, area: ServiceArea, entity: Entity, data: BaseModel, obj_id: int | None
) -> dict[str, Any]:
    values = data.model_dump()
    if entity is OBSTACLE:
        for lon, lat in shape(values["geometry"]).coords:
            area.check(lat, lon, "geometry.")
    elif "lat" in values:
        area.check(values["lat"], values["lon"])
    for link, model in (("place_id", Place), ("beacon_id", Beacon)):
        if values.get(link) is not None and session.get(model, values[link]) is None:
            raise InvalidField(f"no {model.__name__.lower()} with id {values[link]}", link)
    if entity is BEACON:
        values["identity"] = beacon_identity(
            values["kind"],
            values["uuid"],
            values["major"],
            values["minor"],
            values["namespace"],
            values["instance"],
        )
        clash = session.scalar(select(Beacon.id).where(Beacon.identity == values["identity"]))
        if clash is not None and clash != obj_id:
            field = "uuid" if values["kind"] == "ibeacon" else "namespace"
            raise Conflict(f"beacon {clash} already has this identity", field)
    if entity is PLACE and values.get("osm_id"):
        clash = session.scalar(select(Place.id).where(Place.osm_id == values["osm_id"]))
        if clash is not None and clash != obj_id:
            raise Conflict(f"place {clash} already has this OSM id", "osm_id")
    return values


def _audit(
    session: Session, actor: str, entity: Entity, obj: Any, action: str, before: dict | None
) -> None:
    after = snapshot(entity, obj)
    session.add(
        AuditEntry(
            actor=actor,
            entity=entity.name,
            entity_id=obj.id,
            action=action,
            before=before,
            after=after,
        )
    )


def _flush(session: Session, entity: Entity) -> None:
    """Flush now so constraint and version clashes surface as 409 inside the request."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleVersion(
            f"this {entity.name} was changed by someone else; reload it", "version"
        ) from exc
    except IntegrityError as exc:
        raise Conflict(f"this {entity.name} clashes with an existing record", None) from exc


def create(
    session: Session,
    area: ServiceArea,
    actor: str,
    entity: Entity,
    data: dict[str, Any] | BaseModel,
) -> Any:
    parsed = data if isinstance(data, BaseModel) else parse_in(entity, data)
    values = _check_rules(session, area, entity, parsed, None)
    obj = entity.model(**values)
    session.add(obj)
    _flush(session, entity)
    _audit(session, actor, entity, obj, "create", None)
    logger.info("%s created %s %s", actor, entity.name, obj.id)
    return obj


def update(
    session: Session,
    area: ServiceArea,
    actor: str,
    entity: Entity,
    obj_id: int,
    changes: dict[str, Any],
    version: int,
) -> Any:
    """Apply a partial update if `version` is still current; otherwise 409 (no lost update)."""
    obj = get(session, entity, obj_id)
    if obj.version != version:
        raise StaleVersion(
            f"version {version} is stale, the {entity.name} is at version {obj.version}", "version"
        )
    if obj.status == "retired":
        raise Conflict(f"{entity.name} {obj_id} is retired", "status")
    before = snapshot(entity, obj)
    merged = {k: v for k, v in before.items() if k in entity.schema_in.model_fields}
    merged.update(changes)
    values = _check_rules(session, area, entity, parse_in(entity, merged), obj_id)
    for key, value in values.items():
        setattr(obj, key, value)
    _flush(session, entity)
    _audit(session, actor, entity, obj, "update", before)
    return obj


def retire(session: Session, actor: str, entity: Entity, obj_id: int, version: int) -> Any:
    obj = get(session, entity, obj_id)
    if obj.version != version:
        raise StaleVersion(
            f"version {version} is stale, the {entity.name} is at version {obj.version}", "version"
        )
    before = snapshot(entity, obj)
    obj.status = "retired"
    _flush(session, entity)
    _audit(session, actor, entity, obj, "retire", before)
    return obj
