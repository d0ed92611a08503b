"""`lotse serve`'s whole app over the real inner-city network, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from beacon_registry.tokens import create_token
from lotse_server.serve import build_app


@pytest.fixture
def app(db_url, cc_network):
    application = build_app(database_url=db_url, network=cc_network)
    yield application
    application.state.registry.session_factory.kw["bind"].dispose()


@pytest.fixture
def client(app):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def auth(app):
    with app.state.registry.session_factory.begin() as session:
        tokens = {role: create_token(session, role, f"{role}-srv") for role in ("staff", "tester")}
    return lambda role: {"Authorization": f"Bearer {tokens[role]}"}
