"""Two `lotse serve` processes (one with --workers 2) on one PostgreSQL share everything that
must be shared: an obstacle written through one re-routes on the other at once (within the 0.1 s
check interval), the bundle's ETag is the same on both, and the sighting limit counts across them.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from served import start, stop

from beacon_registry.app import open_registry
from beacon_registry.sightings import PER_ADDRESS
from beacon_registry.snapshot import CHECK_INTERVAL_S as SNAPSHOT_INTERVAL_S
from beacon_registry.tokens import create_token
from lotse_server.overlay_cache import CHECK_INTERVAL_S

ORIGIN = {"lat": 49.4447, "lon": 7.7700}
DESTINATION = {"lat": 49.4395, "lon": 7.7680}
UUID = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"


@pytest.fixture(scope="module")
def fleet(pg_url, reset_postgres):
    url = pg_url
    reset_postgres(url)
    # a fleet is migrated once before it starts (`lotse db upgrade`), never by racing workers
    registry = open_registry(url)
    with registry.session_factory.begin() as session:
        token = create_token(session, "staff", "staff-fleet")
    registry.session_factory.kw["bind"].dispose()
    procs = []
    try:
        one, a = start(url, workers=1)
        procs.append(one)
        two, b = start(url, workers=2)
        procs.append(two)
        with httpx.Client(base_url=a, timeout=30) as ca, httpx.Client(base_url=b, timeout=30) as cb:
            yield ca, cb, {"Authorization": f"Bearer {token}"}
    finally:
        for proc in procs:
            stop(proc)


def _route(client: httpx.Client) -> list:
    r = client.post("/v1/routes", json={"from": ORIGIN, "to": DESTINATION})
    assert r.status_code == 200, r.text
    return r.json()["geometry"]["coordinates"]


def test_obstacle_through_one_reroutes_on_the_other(fleet):
    a, b, staff = fleet
    base = _route(b)
    lon, lat = base[len(base) // 2]
    now = datetime.now(UTC)
    r = a.post("/v1/staff/obstacles", headers=staff, json={
        "kind": "road_works", "effect": "block", "radius_m": 5,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "valid_from": (now - timedelta(hours=1)).isoformat(),
        "valid_to": (now + timedelta(hours=1)).isoformat(),
    })
    assert r.status_code == 201, r.text
    # the other process checks the obstacles' fingerprint at most CHECK_INTERVAL_S apart
    time.sleep(2 * CHECK_INTERVAL_S)
    for _ in range(4):  # every worker of b, whichever answers
        assert [lon, lat] not in _route(b)


def test_same_etag_on_every_process(fleet):
    a, b, staff = fleet
    tags = {c.get("/v1/bundle").headers["etag"] for c in (a, b, b, b)}
    assert len(tags) == 1
    (tag,) = tags
    assert b.get("/v1/bundle", headers={"If-None-Match": tag}).status_code == 304
    r = a.post("/v1/staff/places", headers=staff,
               json={"name": "Stadtbibliothek", "lat": 49.4447, "lon": 7.7700})
    assert r.status_code == 201
    time.sleep(2 * SNAPSHOT_INTERVAL_S)  # the others look at the tables' fingerprint by then
    after = {c.get("/v1/bundle").headers["etag"] for c in (a, b, b)}
    assert len(after) == 1 and after != tags


def test_sighting_limit_holds_across_processes(fleet):
    a, b, staff = fleet
    made = a.post("/v1/staff/beacons", headers=staff, json={
        "kind": "ibeacon", "uuid": UUID, "major": 7, "minor": 7, "lat": 49.4447, "lon": 7.77})
    assert made.status_code == 201, made.text
    seen = {"uuid": UUID, "major": 7, "minor": 7, "rssi": -70}
    # stay inside one counting window: start just after a minute turns if it is about to end
    if datetime.now(UTC).second > 40:
        import time

        time.sleep(61 - datetime.now(UTC).second)
    codes = [(a if i % 2 else b).post("/v1/sightings", json=seen).status_code
             for i in range(PER_ADDRESS + 2)]
    assert codes[:PER_ADDRESS] == [202] * PER_ADDRESS
    assert codes[PER_ADDRESS:] == [429, 429]


def test_real_server_sends_security_headers_and_no_banner(fleet):
    a, b, _ = fleet
    for client in (a, b):
        r = client.get("/healthz")
        assert "server" not in r.headers
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["content-security-policy"].startswith("default-src 'none'")
