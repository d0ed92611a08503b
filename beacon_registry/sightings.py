"""Anonymous beacon sightings from phones: evidence for staff, never the staff's own record.

A sighting adds a row (beacon, time, RSSI, TLM battery) and nothing else: it does not write
the beacon's battery or last-seen, so no phone can make a dead beacon look alive on the staff
screen; beacon health shows the evidence beside what staff recorded. Limits per address, per
address range and per beacon are counted in the database, so they hold across processes.
After `RETENTION_DAYS` the rows are folded into one row per beacon and day.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from beacon_registry.lookup import find_beacon
from beacon_registry.models import Sighting, SightingDay
from beacon_registry.ratelimit import address_keys, once_per, over_limit

logger = logging.getLogger(__name__)

#: sightings per minute from one address, from one /24 (IPv4) or /64 (IPv6), for one beacon
PER_ADDRESS = 60
PER_RANGE = 600
PER_BEACON = 600
#: days single sightings are kept before they are aggregated per beacon and day
RETENTION_DAYS = 30
#: how often (s) some process folds expired sightings
PRUNE_EVERY_S = 3600


class TooManySightings(Exception):
    """Over one of the limits; `limit` names which."""

    def __init__(self, limit: str) -> None:
        super().__init__(limit)
        self.limit = limit


def record_sighting(
    session: Session, client: str, identity: str, rssi: int, battery_mv: int | None,
    now: datetime,
) -> int:
    """Store one sighting as evidence (raises TooManySightings, NotFound); returns the beacon id."""
    keys = address_keys(client)
    over = over_limit(session, [("sighting-address", keys["address"], PER_ADDRESS),
                                ("sighting-range", keys["range"], PER_RANGE),
                                ("sighting-beacon", identity, PER_BEACON)], now)
    if over is not None:
        raise TooManySightings(over)
    beacon = find_beacon(session, identity)
    session.add(Sighting(beacon_id=beacon.id, at=now, rssi=rssi, battery_mv=battery_mv))
    if once_per(session, "prune-sightings", PRUNE_EVERY_S, now):
        prune(session, now)
    return beacon.id


def prune(session: Session, now: datetime, keep_days: int = RETENTION_DAYS) -> int:
    """Fold sightings older than `keep_days` into `SightingDay` rows; returns rows folded."""
    cutoff = now - timedelta(days=keep_days)
    old = select(Sighting).where(Sighting.at < cutoff)
    days: dict[tuple[int, date], SightingDay] = {}
    folded = 0
    for s in session.scalars(old.order_by(Sighting.id)):
        key = (s.beacon_id, s.at.date())
        day = days.get(key) or session.get(SightingDay, key)
        if day is None:
            day = SightingDay(beacon_id=key[0], day=key[1], count=0, rssi_min=s.rssi,
                              rssi_max=s.rssi, battery_min_mv=None)
            session.add(day)
        days[key] = day
        day.count += 1
        day.rssi_min, day.rssi_max = min(day.rssi_min, s.rssi), max(day.rssi_max, s.rssi)
        if s.battery_mv is not None:
            day.battery_min_mv = min(day.battery_min_mv or s.battery_mv, s.battery_mv)
        folded += 1
    session.execute(delete(Sighting).where(Sighting.at < cutoff))
    if folded:
        logger.info("folded %d sightings older than %d days", folded, keep_days)
    return folded


def evidence(session: Session, since: datetime) -> dict[int, dict[str, Any]]:
    """Per beacon since `since`: sightings, the last one, and the lowest battery phones reported."""
    recent = session.execute(
        select(Sighting.beacon_id, func.count(), func.max(Sighting.at),
               func.min(Sighting.battery_mv))
        .where(Sighting.at >= since)
        .group_by(Sighting.beacon_id)
    )
    out = {bid: {"sightings": n, "last_seen_at": last, "reported_battery_mv": low}
           for bid, n, last, low in recent}
    folded = session.execute(
        select(SightingDay.beacon_id, func.sum(SightingDay.count),
               func.max(SightingDay.day), func.min(SightingDay.battery_min_mv))
        .where(SightingDay.day >= since.date())
        .group_by(SightingDay.beacon_id)
    )
    for bid, n, last_day, low in folded:
        row = out.setdefault(bid, {"sightings": 0, "last_seen_at": None,
                                   "reported_battery_mv": None})
        row["sightings"] += int(n)
        if row["last_seen_at"] is None:
            row["last_seen_at"] = datetime.combine(last_day, datetime.min.time(), since.tzinfo)
        if low is not None:
            current = row["reported_battery_mv"]
            row["reported_battery_mv"] = low if current is None else min(current, low)
    return out
