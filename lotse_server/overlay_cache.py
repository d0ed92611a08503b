"""Obstacles for the router from the registry's in-memory snapshot, not a query per route.

The registry keeps one snapshot per process of what phones read (``beacon_registry.snapshot``:
renewed at once after this process's own writes, and within ``CHECK_INTERVAL_S`` of another
process's, by one fingerprint query). The router's obstacles are the snapshot's active obstacles
as overlays, converted again only when the snapshot has read the obstacle table again; the
validity window is checked in memory for each route's moment. On the event loop
(``overlays_now``) a due renewal is made by one request in a worker thread while the others route
on the previous snapshot, so routes never queue behind the database. A failed renewal keeps the
last snapshot and raises, so the caller can warn that obstacle information may be missing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from beacon_registry.bundle import obstacle_json
from beacon_registry.models import Obstacle
from beacon_registry.snapshot import CHECK_INTERVAL_S, Snapshot, SnapshotKeeper
from routing_service.overlays import Overlay, overlay_from_geojson

__all__ = ["CHECK_INTERVAL_S", "CachedRegistryOverlays"]

log = logging.getLogger(__name__)


class CachedRegistryOverlays:
    """`routing_service.overlays.OverlayProvider` over the registry's `SnapshotKeeper`."""

    def __init__(self, snapshots: SnapshotKeeper) -> None:
        self._snapshots = snapshots
        #: (the snapshot's obstacle rows, their active ones as overlays by id), replaced whole
        self._converted: tuple[tuple | None, dict[int, Overlay]] = (None, {})
        #: (version, updated_at) of the row each overlay was made from, by id
        self._stamps: dict[int, tuple] = {}
        #: (the snapshot's obstacles in force at a moment, as overlays): one list per window
        self._in_force: tuple[object, list[Overlay]] = (None, [])
        #: conversions so far, one per reading of the obstacle table (tests read it)
        self.loads = 0

    def overlays(self, when: datetime) -> Sequence[Overlay]:
        """For callers off the event loop: may renew the snapshot (a database read) first."""
        return self._valid(self._snapshots.get(), when)

    async def overlays_now(self, when: datetime) -> Sequence[Overlay]:
        """For the event loop: from memory, or after a renewal made in a worker thread."""
        return self._valid(await self._snapshots.current(), when)

    def _valid(self, snapshot: Snapshot, when: datetime) -> list[Overlay]:
        """The overlays in force at `when`: the snapshot works out which obstacles are, once
        per window between two of their start or end times, and so is the list made here."""
        rows, by_id = self._converted
        if rows is not snapshot.rows[Obstacle]:  # a table not read again keeps its tuple
            rows = snapshot.rows[Obstacle]
            by_id = self._convert(rows, by_id)
            self._converted = (rows, by_id)
            self.loads += 1
        current = snapshot.current(when)
        made_for, overlays = self._in_force
        if made_for is not current:
            overlays = [by_id[o.id] for o in current.obstacles if o.id in by_id]
            self._in_force = (current, overlays)
        return overlays

    def _convert(self, rows: tuple, before: dict[int, Overlay]) -> dict[int, Overlay]:
        """The active rows as overlays by id; a row whose id, version and time stamp are those
        of an overlay made before keeps it (geometry and cost key are made once per change)."""
        made, stamps = {}, {}
        for row in rows:
            if row.status != "active":
                continue
            stamps[row.id] = stamp = (row.version, row.updated_at)
            kept = before.get(row.id)
            if kept is not None and self._stamps.get(row.id) == stamp:
                made[row.id] = kept
                continue
            overlay = next(iter(_as_overlays([obstacle_json(row)])), None)
            if overlay is not None:
                made[row.id] = overlay
        self._stamps = stamps
        return made


def _as_overlays(items) -> list[Overlay]:
    result = []
    for data in items:
        try:
            result.append(overlay_from_geojson(data))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("obstacle %s cannot become an overlay: %s", data.get("id"), exc)
    return result
