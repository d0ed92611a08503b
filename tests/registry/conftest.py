"""Registry fixtures: every database test runs on SQLite and on the real PostgreSQL server.

Isolation by fresh schema: each test gets a new SQLite file, or a PostgreSQL `public` schema
dropped and re-created (`db_url`, in tests/conftest.py), and then the real Alembic migrations;
nothing leaks between tests.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from registry_data import AREA, TUESDAY_NOON, FixedClock

from beacon_registry.api.deps import RegistryContext
from beacon_registry.app import create_app, open_registry
from beacon_registry.tokens import create_token


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
