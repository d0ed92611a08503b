"""Obstacles for the router from an in-memory copy of the registry's table, not a query per route.

The copy holds every active obstacle (the validity window is checked in memory for each
route's moment), and is reloaded when it may be stale:

* at once after this process commits a change to an obstacle (a session event), and
* when the table's fingerprint (row count, sum of row versions, newest id and update time) has
  changed; the fingerprint is one aggregate query, asked at most every ``check_interval_s``, so
  a write through another worker is seen by this one within that interval.

A route therefore reads no database in the usual case; a failed reload keeps the last copy
and raises, so the caller can warn that obstacle information may be missing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from beacon_registry.bundle import obstacle_json
from beacon_registry.models import Obstacle
from routing_service.overlays import Overlay, overlay_from_geojson

log = logging.getLogger(__name__)

#: how stale a copy may be with respect to writes made through another worker (seconds)
CHECK_INTERVAL_S = 0.1


class CachedRegistryOverlays:
    """`routing_service.overlays.OverlayProvider` over an in-memory copy of the obstacles."""

    def __init__(self, session_factory: sessionmaker, check_interval_s: float = CHECK_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._session_factory = session_factory
        self._interval = check_interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._overlays: list[Overlay] = []
        self._fingerprint: tuple[Any, ...] | None = None
        self._checked_at = -float("inf")
        self._writes, self._seen = 1, 0  # commits touching obstacles made / reloaded after
        event.listen(session_factory, "after_flush", _note_obstacle_change)
        event.listen(session_factory, "after_commit", self._after_commit)
        #: reloads so far (tests and the bench read it)
        self.loads = 0

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            self._writes += 1

    def invalidate(self) -> None:
        self._writes += 1

    def stale(self) -> bool:
        """Whether the next `overlays` call would ask the database (an async caller then makes
        that call in a worker thread, so the event loop never waits for a connection)."""
        return self._writes != self._seen or self._clock() - self._checked_at >= self._interval

    def overlays(self, when: datetime) -> Sequence[Overlay]:
        self._refresh_if_stale()
        return [o for o in self._overlays if o.valid_at(when)]

    def _refresh_if_stale(self) -> None:
        now = self._clock()
        if self._writes == self._seen and now - self._checked_at < self._interval:
            return
        with self._lock:
            writes = self._writes
            if writes == self._seen and now - self._checked_at < self._interval:
                return  # another thread refreshed meanwhile
            with self._session_factory() as session:
                fingerprint = tuple(session.execute(select(
                    func.count(Obstacle.id), func.coalesce(func.sum(Obstacle.version), 0),
                    func.max(Obstacle.id), func.max(Obstacle.updated_at))).one())
                if fingerprint != self._fingerprint:
                    rows = session.scalars(select(Obstacle).where(Obstacle.status == "active")
                                           .order_by(Obstacle.id))
                    self._overlays = _as_overlays(obstacle_json(o) for o in rows)
                    self._fingerprint = fingerprint
                    self.loads += 1
            self._checked_at, self._seen = now, writes


_CHANGED = "lotse_obstacles_changed"


def _note_obstacle_change(session: Session, _context: Any) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, Obstacle) for obj in changed):
        session.info[_CHANGED] = True


def _as_overlays(items) -> list[Overlay]:
    result = []
    for data in items:
        try:
            result.append(overlay_from_geojson(data))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("obstacle %s cannot become an overlay: %s", data.get("id"), exc)
    return result
