"""Bulk import with a per-row report.

Rule (stated in the API too): every row is checked by the same write path as a single POST. With
`on_error="reject_all"` (the default) one bad row means nothing is written and the report lists
every bad row; with `on_error="skip"` the good rows are written and the bad ones reported.
A row whose identity (beacon) or OSM id (place) exists already updates that record instead of
duplicating it, so re-importing a plan is safe.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from beacon_registry import service
from beacon_registry.area import ServiceArea
from beacon_registry.errors import Conflict, ImportRejected, RegistryError
from beacon_registry.models import Beacon, Place
from beacon_registry.schemas import beacon_identity
from beacon_registry.service import BEACON, PLACE, Entity

logger = logging.getLogger(__name__)

MAX_ROWS = 5000


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    committed: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "rejected": self.rejected,
            "committed": self.committed,
            "ids": self.created + self.updated + self.unchanged,
        }


def _key(entity: Entity, parsed) -> tuple[str | None, str | None]:
    """(field, key) that identifies a row across imports: beacon identity or place OSM id."""
    if entity is BEACON:
        field = "uuid" if parsed.kind == "ibeacon" else "namespace"
        return field, beacon_identity(
            parsed.kind, parsed.uuid, parsed.major, parsed.minor, parsed.namespace, parsed.instance
        )
    if entity is PLACE and parsed.osm_id:
        return "osm_id", parsed.osm_id
    return None, None


def _existing(session: Session, entity: Entity, key: str | None) -> Any:
    if key is None:
        return None
    if entity is BEACON:
        return session.scalar(select(Beacon).where(Beacon.identity == key))
    return session.scalar(select(Place).where(Place.osm_id == key))


def _changed(entity: Entity, obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    current = service.snapshot(entity, obj)
    probe = entity.schema_in.model_validate(values).model_dump(mode="json")
    return {k: values[k] for k in values if k in probe and probe[k] != current.get(k)}


def import_rows(
    session: Session,
    area: ServiceArea,
    actor: str,
    entity: Entity,
    rows: list[dict[str, Any]],
    on_error: str = "reject_all",
    text_cells: bool = False,
) -> ImportReport:
    """Apply rows (1-based `row` numbers in the report; the header is not counted).

    `text_cells`: rows from a CSV file, whose numbers arrive as text.
    """
    report = ImportReport()
    if len(rows) > MAX_ROWS:
        report.rejected.append(
            {"row": None, "field": "file", "error": f"at most {MAX_ROWS} rows per import"}
        )
        report.committed = False
        raise ImportRejected(report.as_dict())
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        try:
            if "_error" in row:
                raise service.InvalidField(row["_error"], "geometry")
            parsed = service.parse_in(entity, row, text_cells)
            field_name, key = _key(entity, parsed)
            if key is not None:
                if key in seen:
                    raise Conflict(f"same identity as row {seen[key]} of this file", field_name)
                seen[key] = number
            obj = _existing(session, entity, key)
            if obj is None:
                report.created.append(service.create(session, area, actor, entity, parsed).id)
            else:
                changes = _changed(entity, obj, parsed.model_dump(exclude_unset=True))
                if not changes:
                    report.unchanged.append(obj.id)
                    continue
                # update() refuses retired records: a retired identity is not silently revived
                service.update(session, area, actor, entity, obj.id, changes, obj.version)
                report.updated.append(obj.id)
        except RegistryError as exc:
            report.rejected.append({"row": number, "field": exc.field, "error": str(exc)})
    if report.rejected and on_error == "reject_all":
        report.committed = False
        report.created, report.updated, report.unchanged = [], [], []
        raise ImportRejected(report.as_dict())
    return report
