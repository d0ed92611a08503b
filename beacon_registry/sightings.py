"""Anonymous beacon sightings from phones: they keep last-seen and battery current for staff.

Privacy by design: the stored row holds the beacon, the time, the RSSI and the TLM battery only.
The rate limiter counts per client address in memory and forgets it; nothing identifying is
written anywhere.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from beacon_registry.lookup import find_beacon
from beacon_registry.models import Beacon, Sighting

logger = logging.getLogger(__name__)

#: sightings one client may send per window before getting 429
RATE_LIMIT = 60
RATE_WINDOW_S = 60.0


class RateLimiter:
    """Sliding-window counter per key, in memory only (the key is never stored)."""

    def __init__(
        self, limit: int = RATE_LIMIT, window_s: float = RATE_WINDOW_S, clock=time.monotonic
    ) -> None:
        self.limit, self.window_s, self._clock = limit, window_s, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] > self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:  # drop idle keys so memory stays bounded
                for k in [k for k, v in self._hits.items() if not v]:
                    del self._hits[k]
            return True


def record_sighting(
    session: Session, identity: str, rssi: int, battery_mv: int | None, now: datetime
) -> int:
    """Store one sighting and refresh the beacon's last-seen time and battery; returns its id."""
    beacon = find_beacon(session, identity)
    session.add(Sighting(beacon_id=beacon.id, at=now, rssi=rssi, battery_mv=battery_mv))
    # a Core UPDATE, not the ORM: a phone's sighting must not bump the staff-facing version
    values: dict = {"last_seen_at": now}
    if battery_mv is not None:
        values["battery_mv"] = battery_mv
    session.execute(update(Beacon.__table__).where(Beacon.id == beacon.id).values(**values))
    return beacon.id
