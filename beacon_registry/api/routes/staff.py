"""Staff CRUD routers, one per resource (the bulk and health endpoints sit in their own files)."""

from __future__ import annotations

from beacon_registry.api.crud import crud_router
from beacon_registry.schemas import BeaconPatch, NoticePatch, ObstaclePatch, PlacePatch
from beacon_registry.service import BEACON, NOTICE, OBSTACLE, PLACE

beacons = crud_router(BEACON, "beacons", BeaconPatch)
places = crud_router(PLACE, "places", PlacePatch)
notices = crud_router(NOTICE, "notices", NoticePatch)
obstacles = crud_router(OBSTACLE, "obstacles", ObstaclePatch)
