"""The router's in-memory copy of the obstacles: no query per route, every write seen.

Two "workers" share one database (SQLite and PostgreSQL): worker A serves the staff API and
routes; worker B is a second provider over its own engine, as another process would have.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from registry_data import FixedClock
from sqlalchemy import event

from beacon_registry.db import make_engine, make_session_factory
from beacon_registry.snapshot import SnapshotKeeper
from beacon_registry.tokens import create_token
from lotse_server.overlay_cache import CHECK_INTERVAL_S, CachedRegistryOverlays
from lotse_server.serve import build_app


@pytest.fixture
def worker_a(db_url, cc_network):
    app = build_app(database_url=db_url, network=cc_network)
    with app.state.registry.session_factory.begin() as session:
        token = create_token(session, "staff", "staff-cache")
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}
    app.state.registry.session_factory.kw["bind"].dispose()


@pytest.fixture
def worker_b(db_url):
    engine = make_engine(db_url)
    queries = []
    event.listen(engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    clock = FixedClock(1000.0)  # seconds of a monotonic clock
    factory = make_session_factory(engine)
    provider = CachedRegistryOverlays(SnapshotKeeper(factory, clock=clock))
    provider.session_factory = factory
    yield provider, clock, queries
    engine.dispose()


def obstacle(now: datetime) -> dict:
    return {"kind": "road_works", "effect": "block", "radius_m": 5,
            "geometry": {"type": "Point", "coordinates": [7.7695, 49.4420]},
            "valid_from": (now - timedelta(hours=1)).isoformat(),
            "valid_to": (now + timedelta(hours=1)).isoformat(),
            "description_de": "Baustelle", "description_en": "Road works"}


def test_no_query_per_route_and_other_workers_see_writes(worker_a, worker_b):
    client, staff = worker_a
    provider, clock, queries = worker_b
    now = datetime.now(UTC)
    assert provider.overlays(now) == [] and provider.loads == 1
    queries.clear()
    for _ in range(50):  # routes within the check interval: no database at all
        assert provider.overlays(now) == []
    assert queries == []

    r = client.post("/v1/staff/obstacles", json=obstacle(now), headers=staff)
    assert r.status_code == 201, r.text
    clock.now += CHECK_INTERVAL_S  # the most a write through another worker waits
    (seen,) = provider.overlays(now)
    assert seen.id == str(r.json()["id"]) and provider.loads == 2
    clock.now += CHECK_INTERVAL_S
    provider.overlays(now)  # checked again, unchanged: one small query, no reload
    assert provider.loads == 2

    created = client.get(f"/v1/staff/obstacles/{seen.id}", headers=staff).json()
    r = client.post(f"/v1/staff/obstacles/{seen.id}/retire", headers=staff,
                    json={"version": created["version"]})
    assert r.status_code == 200, r.text
    clock.now += CHECK_INTERVAL_S
    assert provider.overlays(now) == []


def test_own_commit_is_seen_by_the_next_call_without_waiting(worker_a, worker_b):
    provider, clock, _ = worker_b
    from beacon_registry.models import Obstacle

    now = datetime.now(UTC)
    assert provider.overlays(now) == []
    data = obstacle(now)
    factory = provider.session_factory
    with factory.begin() as session:
        session.add(Obstacle(kind=data["kind"], effect="block", radius_m=5.0,
                             geometry=data["geometry"], valid_from=now - timedelta(hours=1),
                             valid_to=now + timedelta(hours=1)))
    assert len(provider.overlays(now)) == 1  # same clock reading: the commit event did it
    assert provider.overlays(now + timedelta(hours=2)) == []  # the window, checked in memory


def test_one_list_of_overlays_per_window_of_the_obstacles(worker_a, worker_b):
    """Routes at moments inside one window between obstacle start and end times share one
    list; a moment after the obstacle's end gets none, one inside it gets it again."""
    client, staff = worker_a
    provider, clock, _ = worker_b
    now = datetime.now(UTC)
    assert client.post("/v1/staff/obstacles", json=obstacle(now), headers=staff).status_code == 201
    clock.now += CHECK_INTERVAL_S
    first = provider.overlays(now)
    assert [o.kind for o in first] == ["road_works"]
    assert provider.overlays(now + timedelta(minutes=30)) is first
    assert provider.overlays(now + timedelta(hours=2)) == []
    assert [o.description["de"] for o in provider.overlays(now)] == ["Baustelle"]


def test_an_edited_obstacle_is_made_again_and_the_others_are_kept(worker_a, worker_b):
    client, staff = worker_a
    provider, clock, _ = worker_b
    now = datetime.now(UTC)
    made = [client.post("/v1/staff/obstacles", json=obstacle(now), headers=staff).json()
            for _ in range(2)]
    clock.now += CHECK_INTERVAL_S
    before = {o.id: o for o in provider.overlays(now)}
    first, second = (str(m["id"]) for m in made)
    r = client.patch(f"/v1/staff/obstacles/{first}", headers=staff,
                     json={"version": made[0]["version"], "description_de": "Gerüst"})
    assert r.status_code == 200, r.text
    clock.now += CHECK_INTERVAL_S
    after = {o.id: o for o in provider.overlays(now)}
    assert after[first].description["de"] == "Gerüst"
    assert after[second] is before[second]
