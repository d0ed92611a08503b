"""Engine and session factory for the registry, SQLite (WAL) by default, PostgreSQL by URL.

One place decides how a URL becomes an engine so the CLI, the app, the overlay provider and the
tests all see the same pragmas and time handling.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

logger = logging.getLogger(__name__)


class Base(DeclarativeBase):
    """Declarative base; Alembic's env.py takes its metadata from here."""


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC out, on SQLite (no zones) and PostgreSQL alike.

    Stored as naive UTC so both back-ends compare and sort the same way.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime reached the database; convert to UTC first")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout for concurrent writers."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 15})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no branch - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


def ensure_sqlite_dir(url: str) -> None:
    """The default SQLite file lives in var/, which a fresh checkout does not have yet."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        from pathlib import Path

        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
