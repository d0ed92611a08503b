"""One factory for the staff CRUD endpoints of an entity, so beacons, places, notices and
obstacles behave alike (list, read, create, update with version, retire) without four copies.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel
from sqlalchemy import select

from beacon_registry import service
from beacon_registry.api.deps import ContextDep, CurrentToken, SessionDep, auth_first, require_role
from beacon_registry.input_rules import INT32_MAX
from beacon_registry.schemas import Retire
from beacon_registry.service import Entity

#: a record id in a path, bounded to the id column's range
ObjId = Annotated[int, Path(ge=1, le=INT32_MAX)]


def crud_router(entity: Entity, plural: str, patch_schema: type[BaseModel]) -> APIRouter:
    router = APIRouter(
        prefix=f"/v1/staff/{plural}", tags=[f"staff: {plural}"], route_class=auth_first("staff")
    )
    out = entity.schema_out

    @router.get("", response_model=list[out], dependencies=[require_role("staff")])
    def list_records(
        session: SessionDep,
        status: str | None = Query(None, pattern="^(planned|active|retired)$"),
        limit: int = Query(500, ge=1, le=5000),
        offset: int = Query(0, ge=0, le=INT32_MAX),
    ) -> Any:
        stmt = select(entity.model).order_by(entity.model.id).limit(limit).offset(offset)
        if status:
            stmt = stmt.where(entity.model.status == status)
        return list(session.scalars(stmt))

    @router.get("/{obj_id}", response_model=out, dependencies=[require_role("staff")])
    def read_record(obj_id: ObjId, session: SessionDep) -> Any:
        return service.get(session, entity, obj_id)

    @router.post("", response_model=out, status_code=201, dependencies=[require_role("staff")])
    def create_record(
        body: entity.schema_in, session: SessionDep, ctx: ContextDep, token: CurrentToken
    ) -> Any:
        return service.create(session, ctx.area, token.name, entity, body)

    @router.patch("/{obj_id}", response_model=out, dependencies=[require_role("staff")])
    def update_record(
        obj_id: ObjId, body: patch_schema, session: SessionDep, ctx: ContextDep, token: CurrentToken
    ) -> Any:
        changes = body.model_dump(exclude_unset=True)
        version = changes.pop("version")
        return service.update(session, ctx.area, token.name, entity, obj_id, changes, version)

    @router.post("/{obj_id}/retire", response_model=out, dependencies=[require_role("staff")])
    def retire_record(obj_id: ObjId, body: Retire, session: SessionDep, token: CurrentToken) -> Any:
        return service.retire(session, token.name, entity, obj_id, body.version)

    for endpoint in (list_records, read_record, create_record, update_record, retire_record):
        endpoint.__name__ = f"{endpoint.__name__}_{plural}"
    return router
