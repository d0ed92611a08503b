"""Registry fixtures: every database test runs on SQLite and on the real PostgreSQL server.

Isolation by fresh schema: each test gets a new SQLite file, or a PostgreSQL `public` schema
dropped and re-created, and then the real Alembic migrations; nothing leaks between tests.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from beacon_registry.api.deps import RegistryContext
from beacon_registry.app import create_app, open_registry
from beacon_registry.area import INNER_CITY_BBOX, ServiceArea
from beacon_registry.db import make_engine
from beacon_registry.tokens import create_token

AREA = ServiceArea(name="innenstadt", bbox=INNER_CITY_BBOX, graph_hash="cafe1234")
#: a weekday (Tuesday) noon in Berlin, written in UTC
TUESDAY_NOON = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
#: Stiftsplatz, inside the inner city
LAT, LON = 49.4447, 7.7700
UUID = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    url = request.getfixturevalue("pg_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TUESDAY_NOON)


@pytest.fixture
def ctx(db_url, clock) -> RegistryContext:
    context = open_registry(db_url, AREA)
    context.clock = clock
    yield context
    context.session_factory.kw["bind"].dispose()


@pytest.fixture
def client(ctx) -> TestClient:
    with TestClient(create_app(context=ctx)) as c:
        yield c


@pytest.fixture
def tokens(ctx) -> dict[str, str]:
    with ctx.session_factory.begin() as session:
        return {
            role: create_token(session, role, f"{role}-1") for role in ("admin", "staff", "tester")
        }


@pytest.fixture
def auth(tokens):
    def headers(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[role]}"}

    return headers


def ibeacon(major: int = 1, minor: int = 1, **extra) -> dict:
    body = {
        "kind": "ibeacon",
        "uuid": UUID,
        "major": major,
        "minor": minor,
        "lat": LAT,
        "lon": LON,
        "placement_de": "am Eingang der Stadtbibliothek, rechts der Tür",
        "placement_en": "at the entrance of the city library, right of the door",
        "measured_power": -59,
    }
    return body | extra


def place(**extra) -> dict:
    body = {
        "name": "Thalia",
        "category": "books",
        "lat": LAT,
        "lon": LON,
        "opening_hours": "Mo-Sa 09:00-19:00; PH off",
    }
    return body | extra
