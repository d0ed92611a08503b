"""Fixtures every part's tests share: the real Kaiserslautern extracts and the databases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lotse_common.settings import PROJECT_ROOT, SHARED_OSM

CC_OSM = SHARED_OSM / "kaiserslautern_cc.osm.gz"
CITY_OSM = SHARED_OSM / "kaiserslautern.osm.gz"
UNI_OSM = SHARED_OSM / "kaiserslautern_uni.osm.gz"
#: compiled graphs survive between test runs (keyed by the extract's content hash)
GRAPH_CACHE = PROJECT_ROOT / "var" / "cache" / "tests"


@pytest.fixture(scope="session")
def cc_osm() -> Path:
    assert CC_OSM.exists(), f"the inner-city extract is missing: {CC_OSM}"
    return CC_OSM


@pytest.fixture(scope="session")
def cc_network(cc_osm):
    """The inner-city walk network, built once per test session."""
    from routing_service.ingest import load_network

    return load_network(cc_osm, cache_dir=GRAPH_CACHE)


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of the throw-away PostgreSQL server that scripts/test.sh starts.

    Under CI the server must be there; a developer running pytest by hand without it gets a skip.
    """
    url = os.environ.get("LOTSE_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("LOTSE_TEST_PG_URL is not set: scripts/test.sh starts PostgreSQL "
                        "for the tests")
        pytest.skip("no PostgreSQL (run the suite through 'make test')")
    return url


def _reset_postgres(url: str) -> None:
    from sqlalchemy import text

    from beacon_registry.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def reset_postgres():
    """The function that empties the test PostgreSQL (for fixtures of a wider scope)."""
    return _reset_postgres


@pytest.fixture
def fresh_pg_url(pg_url) -> str:
    """The test PostgreSQL with its `public` schema dropped and re-created (empty)."""
    _reset_postgres(pg_url)
    return pg_url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh database per test: a new SQLite file, or PostgreSQL's `public` schema re-created."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    return request.getfixturevalue("fresh_pg_url")
