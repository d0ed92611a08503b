"""Public read API for phones (no login): beacon lookup, places near a point, sightings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field, model_validator

from beacon_registry.api.deps import ContextDep, SessionDep
from beacon_registry.errors import InvalidField
from beacon_registry.lookup import beacon_lookup, places_near
from beacon_registry.schemas import BeaconIn, beacon_identity
from beacon_registry.sightings import TooManySightings, record_sighting

router = APIRouter(prefix="/v1", tags=["public"])
Lang = Annotated[Literal["de", "en"], Query()]


def identity_from(kind_hint: dict[str, Any]) -> str:
    """Validate an on-air identity with the beacon schema's rules and return its key."""
    kind = "eddystone" if kind_hint.get("namespace") or kind_hint.get("instance") else "ibeacon"
    from pydantic import ValidationError

    from beacon_registry.service import invalid_from_pydantic

    try:
        b = BeaconIn(kind=kind, lat=0.0, lon=0.0, **kind_hint)
    except ValidationError as exc:
        raise invalid_from_pydantic(exc) from exc
    return beacon_identity(b.kind, b.uuid, b.major, b.minor, b.namespace, b.instance)


@router.get("/beacons/lookup")
async def lookup_beacon(
    ctx: ContextDep,
    uuid: str | None = None,
    major: int | None = None,
    minor: int | None = None,
    namespace: str | None = None,
    instance: str | None = None,
    lang: Lang = "de",
) -> dict[str, Any]:
    given = {
        "uuid": uuid,
        "major": major,
        "minor": minor,
        "namespace": namespace,
        "instance": instance,
    }
    if not any(v is not None for v in given.values()):
        raise InvalidField("give uuid, major and minor, or namespace and instance", "uuid")
    identity = identity_from({k: v for k, v in given.items() if v is not None})
    # from the in-memory snapshot on the event loop: no database, no thread
    return beacon_lookup(await ctx.snapshots.current(), ctx.area, identity, ctx.now(), lang)


@router.get("/places/near")
def get_places_near(
    session: SessionDep,
    ctx: ContextDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    radius_m: Annotated[float, Query(gt=0, le=1000)] = 100.0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    lang: Lang = "de",
) -> list[dict[str, Any]]:
    return places_near(session, lat, lon, radius_m, ctx.now(), lang, limit)


class SightingIn(BaseModel):
    """What a phone may report: the beacon heard, how loud, and its TLM battery. Nothing else."""

    model_config = {"extra": "forbid"}
    uuid: str | None = None
    major: int | None = None
    minor: int | None = None
    namespace: str | None = None
    instance: str | None = None
    rssi: Annotated[int, Field(ge=-127, le=20)]
    battery_mv: Annotated[int, Field(ge=0, le=10000)] | None = None

    @model_validator(mode="after")
    def _some_identity(self):
        if self.uuid is None and self.namespace is None:
            raise ValueError("uuid (iBeacon) or namespace (Eddystone) is required")
        return self


@router.post("/sightings", status_code=202)
def post_sighting(
    body: SightingIn, request: Request, session: SessionDep, ctx: ContextDep
) -> dict[str, Any]:
    """Evidence that a beacon is alive; limited per address, address range and beacon."""
    client = request.client.host if request.client else "unknown"
    ident = body.model_dump(exclude={"rssi", "battery_mv"}, exclude_none=True)
    try:
        record_sighting(session, client, identity_from(ident), body.rssi, body.battery_mv,
                        ctx.now())
    except TooManySightings as exc:
        raise HTTPException(
            429, f"too many sightings ({exc.limit}); try again in a minute",
            headers={"Retry-After": "60"},
        ) from exc
    return {"accepted": True}
