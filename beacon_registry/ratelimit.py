"""Rate limits every server process shares: counters in the database, one row per key and window.

A fixed window (the count of the current minute) is one upsert per request on SQLite and on
PostgreSQL alike and needs nothing shared but the database. Keys are salted hashes of what is
limited (an address, an address range), so the table never holds an address; rows of past
windows are swept once per window by whichever process opens it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from beacon_registry.models import RateCounter

#: length of one counting window (s)
WINDOW_S = 60
#: salt of the hashed keys; one per deployment (LOTSE_RATE_SALT), the same on every process
_SALT = os.environ.get("LOTSE_RATE_SALT", "lotse-rate-limit").encode()


def address_keys(address: str) -> dict[str, str]:
    """The address itself and its range: /24 for IPv4, /64 for IPv6."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return {"address": address, "range": address}
    prefix = 24 if ip.version == 4 else 64
    return {"address": str(ip), "range": str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))}


def _count(session: Session, key: str, window: int) -> int:
    """Add one to (key, window) and return the new count (one statement, atomic)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(RateCounter)
        .values(key=key, window=window, count=1)
        .on_conflict_do_update(
            index_elements=["key", "window"], set_={"count": RateCounter.count + 1}
        )
        .returning(RateCounter.count)
    )
    return session.execute(stmt).scalar_one()


def _window(now: datetime, period_s: int) -> int:
    return int(now.timestamp()) // period_s


def over_limit(
    session: Session, checks: list[tuple[str, str, int]], now: datetime
) -> str | None:
    """Count one request under each (limit name, subject, limit); the first name over its limit.

    Runs inside the caller's transaction and commits with it (a refused request is rolled back
    and so not counted); rows are always touched in the same order (the checks, then the
    sweep), so concurrent requests cannot deadlock.
    """
    window = _window(now, WINDOW_S)
    over, opened = None, False
    for name, subject, limit in checks:
        key = hashlib.sha256(_SALT + f"{name}:{subject}".encode()).hexdigest()
        count = _count(session, key, window)
        opened = opened or count == 1
        if count > limit and over is None:
            over = name
    if opened and once_per(session, "sweep", WINDOW_S, now):
        session.execute(delete(RateCounter).where(RateCounter.window < window - 1,
                                                  RateCounter.key.notlike("once:%")))
    return over


def once_per(session: Session, task: str, period_s: int, now: datetime) -> bool:
    """True for exactly one caller per period across all processes (the one that opens it)."""
    window = _window(now, period_s)
    if _count(session, f"once:{task}", window) != 1:
        return False
    session.execute(delete(RateCounter).where(RateCounter.key == f"once:{task}",
                                              RateCounter.window < window))
    return True
