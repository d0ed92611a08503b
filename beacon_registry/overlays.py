"""`RegistryOverlays`: the routing core's overlay provider, filled from the obstacles table.

Reads the table on every call, with no cache: a route asked for right after an obstacle is
created must avoid it, and one asked for after its window ends must not. The query is one
indexed-size SELECT over a handful of rows, cheap next to a route search.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from beacon_registry.bundle import current_obstacles_clause, obstacle_json
from beacon_registry.models import Obstacle

logger = logging.getLogger(__name__)


class RegistryOverlays:
    """Implements `routing_service.overlays.OverlayProvider` over the registry database."""

    def __init__(self, session_factory: sessionmaker) -> None:
        self._session_factory = session_factory

    def obstacles(self, when: datetime | None = None) -> list[dict]:
        """Obstacles valid at `when`, in the bundle's JSON form."""
        when = when or datetime.now(UTC)
        with self._session_factory() as session:
            rows = session.scalars(
                select(Obstacle).where(current_obstacles_clause(when)).order_by(Obstacle.id)
            )
            return [obstacle_json(o) for o in rows]

    def overlays(self, when: datetime | None = None) -> Sequence:
        from routing_service.overlays import overlay_from_geojson

        result = []
        for data in self.obstacles(when):
            try:
                result.append(overlay_from_geojson(data))
            except (ValueError, KeyError, TypeError) as exc:
                logger.warning("obstacle %s cannot become an overlay: %s", data["id"], exc)
        return result
