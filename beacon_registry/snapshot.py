"""What phones read, held in memory by each process: beacons, places, notices and obstacles as one
read-only snapshot, so a beacon lookup or a bundle request asks no database and takes no thread.

The snapshot follows the database the way the router's obstacle copy does:

* at once after this process commits a change to one of the four tables (a session event), and
* when the tables' fingerprint (per table: row count, sum of row versions, newest id and update
  time) has changed; that is one query, asked at most every ``check_interval_s``, so a write
  made through another worker or host is served here within that interval. On the event loop
  the query is asked a little ahead (``CHECK_AHEAD_S``), in the background, so no request waits
  for it while requests keep coming; only the first after a quiet spell does. On an SQLite file
  the loop first reads SQLite's own change counter (``PRAGMA data_version``, microseconds, no
  thread) and asks the fingerprint only when another connection has committed since.

Only the tables whose fingerprint changed are read again. Rows are SQLAlchemy Core rows
(attribute access like the ORM objects, no session attached), shared by every thread and replaced
whole, never changed in place. Which notices and obstacles are current depends on the moment
asked; that set is worked out once per window change, not per request.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import anyio.to_thread
from anyio import CancelScope
from sqlalchemy import Engine, Row, event, func, literal, select, union_all
from sqlalchemy.orm import Session, sessionmaker

from beacon_registry.models import Beacon, Notice, Obstacle, Place

log = logging.getLogger(__name__)

#: how stale the snapshot may be with respect to writes made through another process (seconds)
CHECK_INTERVAL_S = 0.1
#: how long before it falls due the event loop starts the check in the background: enough for a
#: check to end in time, so no request waits for it under steady load
CHECK_AHEAD_S = 0.025
TABLES = (Beacon, Place, Notice, Obstacle)
_CHANGED = "lotse_public_tables_changed"


@dataclass(frozen=True)
class Current:
    """The notices and obstacles in force from `since` until just before `until`."""

    since: datetime | None
    until: datetime | None
    notices: tuple[Row, ...]
    obstacles: tuple[Row, ...]

    def holds_at(self, now: datetime) -> bool:
        after_since = self.since is None or self.since <= now
        return after_since and (self.until is None or now < self.until)

    @cached_property
    def key(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(n.id for n in self.notices), tuple(o.id for o in self.obstacles)

    @cached_property
    def notices_by_target(self) -> dict[tuple[str, Any], list[Row]]:
        """("beacon", id), ("place", id) and ("area", name) → current notices, in id order."""
        index: dict[tuple[str, Any], list[Row]] = {}
        for n in self.notices:
            for target in (("beacon", n.beacon_id), ("place", n.place_id), ("area", n.area)):
                if target[1] is not None:
                    index.setdefault(target, []).append(n)
        return index


@dataclass(eq=False)
class Snapshot:
    """The four public tables at one moment of the database (rows in id order)."""

    generation: int
    rows: dict[type, tuple[Row, ...]]
    _current: Current | None = field(default=None, repr=False)

    @cached_property
    def beacons(self) -> tuple[Row, ...]:
        """Every beacon that is not retired (planned ones are in the bundle, marked so)."""
        return tuple(b for b in self.rows[Beacon] if b.status != "retired")

    @cached_property
    def beacon_by_identity(self) -> dict[str, Row]:
        return {b.identity: b for b in self.beacons}

    @cached_property
    def place_by_id(self) -> dict[int, Row]:
        return {p.id: p for p in self.rows[Place]}

    @cached_property
    def active_places(self) -> tuple[Row, ...]:
        return tuple(p for p in self.rows[Place] if p.status == "active")

    def current(self, now: datetime) -> Current:
        """Active notices and obstacles whose window holds `now` (valid_from ≤ now < valid_to)."""
        memo = self._current
        if memo is not None and memo.holds_at(now):
            return memo
        since: datetime | None = None
        until: datetime | None = None
        chosen: dict[type, tuple[Row, ...]] = {}
        for model in (Notice, Obstacle):
            inside = []
            for row in self.rows[model]:
                if row.status != "active":
                    continue
                if row.valid_from <= now < row.valid_to:
                    inside.append(row)
                # the set changes at the next boundary after now, and changed at the last before
                for edge in (row.valid_from, row.valid_to):
                    if edge <= now:
                        since = edge if since is None else max(since, edge)
                    else:
                        until = edge if until is None else min(until, edge)
            chosen[model] = tuple(inside)
        self._current = Current(since, until, chosen[Notice], chosen[Obstacle])
        return self._current


def _fingerprint_query():
    parts = [
        select(literal(model.__tablename__), func.count(model.id),
               func.coalesce(func.sum(model.version), 0), func.max(model.id),
               func.max(model.updated_at))
        for model in TABLES
    ]
    return union_all(*parts)


class SnapshotKeeper:
    """Holds the latest `Snapshot` of one database and renews it when it may be stale.

    `current()` is for the event loop: it serves from memory. `CHECK_AHEAD_S` before a check
    falls due it starts one in a worker thread behind the request, which does not wait; when
    a renewal is due (this process wrote, or the last check is a whole interval old) one
    request makes it and waits, while requests arriving meanwhile get the previous snapshot.
    At most one renewal runs per process. `get()` is the same for sync callers, always waiting.
    """

    def __init__(self, session_factory: sessionmaker, check_interval_s: float = CHECK_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._session_factory = session_factory
        self._interval, self._clock = check_interval_s, clock
        self._renewing = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._fingerprints: dict[str, tuple] = {}
        self._checked_at = -float("inf")
        #: the check started ahead of time, kept until it ends (the loop holds tasks weakly)
        self._ahead: asyncio.Task | None = None
        self._file = FileVersion.of(session_factory.kw.get("bind"))
        self._file_seen: int | None = None  # the file's version the snapshot was read after
        self._writes, self._seen = 1, 0  # commits touching the tables made / renewed after
        event.listen(session_factory, "after_flush", _note_change)
        event.listen(session_factory, "after_commit", self._after_commit)
        #: renewals that read a table again (tests and the bench read it)
        self.reloads = 0

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            self._writes += 1

    def invalidate(self) -> None:
        self._writes += 1

    def stale(self) -> bool:
        return (self._snapshot is None or self._writes != self._seen
                or self._clock() - self._checked_at >= self._interval)

    async def current(self) -> Snapshot:
        if self._snapshot is None:  # nothing to serve yet: wait for the first reading
            return await anyio.to_thread.run_sync(self.get)
        if self._clock() - self._checked_at < self._interval - CHECK_AHEAD_S \
                and self._writes == self._seen:
            return self._snapshot
        version = self._file.read() if self._file is not None and self._writes == self._seen \
            else None
        if version is not None and version == self._file_seen:
            self._checked_at = self._clock()  # nobody has committed since: nothing to ask
        elif self.stale():
            if self._renewing.acquire(blocking=False):
                try:
                    with CancelScope(shield=True):  # a gone client must not leave it half done
                        await anyio.to_thread.run_sync(self._renew)
                    self._file_seen = version
                finally:
                    self._renewing.release()
        elif self._renewing.acquire(blocking=False):
            self._ahead = asyncio.get_running_loop().create_task(self._renew_ahead(version))
        return self._snapshot

    async def _renew_ahead(self, version: int | None) -> None:
        """The check made before it is due; a failure is only logged here, the renewal that
        falls due then tries again and reports it to its caller."""
        try:
            await anyio.to_thread.run_sync(self._renew)
            self._file_seen = version
        except Exception:  # noqa: BLE001 - reported by the renewal that falls due
            log.warning("snapshot check ahead of time failed", exc_info=True)
        finally:
            self._renewing.release()
            self._ahead = None

    def get(self) -> Snapshot:
        if self.stale():
            with self._renewing:
                if self.stale():
                    self._renew()
        assert self._snapshot is not None
        return self._snapshot

    def _renew(self) -> None:
        """Ask the fingerprint; read again the tables whose fingerprint changed."""
        writes, now = self._writes, self._clock()
        with self._session_factory() as session:
            prints = {row[0]: tuple(row[1:]) for row in session.execute(_fingerprint_query())}
            changed = [m for m in TABLES
                       if self._snapshot is None or prints[m.__tablename__]
                       != self._fingerprints.get(m.__tablename__)]
            if changed:
                rows = dict(self._snapshot.rows) if self._snapshot else {}
                for model in changed:
                    rows[model] = _read_again(session, model, rows.get(model),
                                              prints[model.__tablename__])
                generation = self._snapshot.generation + 1 if self._snapshot else 1
                self._snapshot = Snapshot(generation, rows)
                self._fingerprints = prints
                self.reloads += 1
        self._checked_at, self._seen = now, writes


def _read_again(session: Session, model: type, before: tuple[Row, ...] | None,
                fingerprint: tuple) -> tuple[Row, ...]:
    """The table's rows in id order. With rows read before, only those changed since (updated
    at or after the newest time stamp seen, or with a new id) are read and merged in by id, and
    kept only if the result has the fingerprint's row count, version sum and newest id; any
    other change (a deleted row, a clock behind the others') reads the whole table."""
    table = model.__table__
    if before:
        since = max(r.updated_at for r in before)
        newest = max(r.id for r in before)
        merged = {r.id: r for r in before}
        fresh = session.execute(select(table).where(
            (table.c.updated_at >= since) | (table.c.id > newest)))
        merged.update((r.id, r) for r in fresh)
        rows = tuple(merged[i] for i in sorted(merged))
        count, versions, last_id = fingerprint[:3]
        if (len(rows), sum(r.version for r in rows), rows[-1].id) == (count, versions, last_id):
            return rows
    return tuple(session.execute(select(table).order_by(table.c.id)))


class FileVersion:
    """SQLite's change counter of one database file (``PRAGMA data_version``), read on a
    connection of its own: its value changes whenever another connection has committed, and
    reading it takes microseconds, so the event loop itself can look before asking more."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None

    @classmethod
    def of(cls, engine: Engine | None) -> FileVersion | None:
        """For an engine on an SQLite file; None for other databases and in-memory ones."""
        if engine is None or engine.dialect.name != "sqlite":
            return None
        path = engine.url.database
        return cls(path) if path and path != ":memory:" else None

    def read(self) -> int | None:
        """The counter now, or None when it cannot be read (then the fingerprint decides)."""
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(self._path, check_same_thread=False)
            return self._connection.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            log.warning("cannot read the change counter of %s", self._path, exc_info=True)
            return None


def _note_change(session: Session, _context: Any) -> None:
    changed: Iterable[object] = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, TABLES) for obj in changed):
        session.info[_CHANGED] = True
