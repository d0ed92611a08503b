"""Beacon health for staff: which beacons have gone quiet, which run low on battery; audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from beacon_registry.api.deps import ContextDep, SessionDep, auth_first, require_role
from beacon_registry.input_rules import INT32_MAX
from beacon_registry.models import AuditEntry, Beacon
from beacon_registry.sightings import evidence

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
    """Quiet and weak beacons. Staff's own battery reading and phones' reports stand side by
    side: a report can add a beacon to the lists (evidence), never take it off one."""
    since = ctx.now() - timedelta(days=days)
    seen = evidence(session, since)
    live = session.scalars(select(Beacon).where(Beacon.status == "active").order_by(Beacon.id))

    def row(b: Beacon) -> dict[str, Any]:
        ev = seen.get(b.id, {})
        last = ev.get("last_seen_at")
        return {
            "id": b.id,
            "identity": b.identity,
            "placement_de": b.placement_de,
            "last_seen_at": last.isoformat() if last else None,
            "sightings": ev.get("sightings", 0),
            "battery_mv": b.battery_mv,
            "reported_battery_mv": ev.get("reported_battery_mv"),
        }

    rows = [row(b) for b in live]
    low = [r for r in rows if any(v is not None and v < battery_below_mv
                                  for v in (r["battery_mv"], r["reported_battery_mv"]))]
    return {
        "not_seen_days": days,
        "not_seen": [r for r in rows if r["sightings"] == 0],
        "battery_below_mv": battery_below_mv,
        "low_battery": low,
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
