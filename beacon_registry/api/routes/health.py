"""Beacon health for staff: which beacons have gone quiet, which run low on battery; audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import or_, select

from beacon_registry.api.deps import ContextDep, SessionDep, auth_first, require_role
from beacon_registry.input_rules import INT32_MAX
from beacon_registry.models import AuditEntry, Beacon

router = APIRouter(prefix="/v1/staff", tags=["staff: health"], route_class=auth_first("staff"))

#: a CR2477 cell reads about 3000 mV fresh; below this it should be changed soon
LOW_BATTERY_MV = 2500


@router.get("/beacons/health", dependencies=[require_role("staff")])
def beacon_health(
    session: SessionDep,
    ctx: ContextDep,
    days: Annotated[int, Query(ge=1, le=365)] = 7,
    battery_below_mv: Annotated[int, Query(ge=0, le=10000)] = LOW_BATTERY_MV,
) -> dict[str, Any]:
    since = ctx.now() - timedelta(days=days)
    live = select(Beacon).where(Beacon.status == "active").order_by(Beacon.id)
    silent = session.scalars(
        live.where(or_(Beacon.last_seen_at.is_(None), Beacon.last_seen_at < since))
    )
    low = session.scalars(live.where(Beacon.battery_mv < battery_below_mv))

    def row(b: Beacon) -> dict[str, Any]:
        return {
            "id": b.id,
            "identity": b.identity,
            "placement_de": b.placement_de,
            "last_seen_at": b.last_seen_at.isoformat() if b.last_seen_at else None,
            "battery_mv": b.battery_mv,
        }

    return {
        "not_seen_days": days,
        "not_seen": [row(b) for b in silent],
        "battery_below_mv": battery_below_mv,
        "low_battery": [row(b) for b in low],
    }


@router.get("/audit", dependencies=[require_role("staff")])
def audit_log(
    session: SessionDep,
    entity: Annotated[str | None, Query(max_length=24)] = None,
    entity_id: Annotated[int | None, Query(ge=1, le=INT32_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    return [
        {
            "id": a.id,
            "at": a.at.isoformat(),
            "actor": a.actor,
            "entity": a.entity,
            "entity_id": a.entity_id,
            "action": a.action,
            "before": a.before,
            "after": a.after,
        }
        for a in session.scalars(stmt)
    ]
