"""Optimistic locking: a stale version answers 409, and concurrent writers lose nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from registry_data import ibeacon

from beacon_registry import service
from beacon_registry.errors import StaleVersion


def test_stale_version_is_409(client, auth):
    b = client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff")).json()
    url = f"/v1/staff/beacons/{b['id']}"
    first = client.patch(url, json={"version": 1, "level": 1}, headers=auth("staff"))
    assert first.status_code == 200
    second = client.patch(url, json={"version": 1, "level": 2}, headers=auth("admin"))
    assert second.status_code == 409 and second.json()["field"] == "version"
    final = client.get(url, headers=auth("staff")).json()
    assert final["level"] == 1 and final["version"] == 2


def test_two_sessions_racing_one_wins_other_gets_stale(ctx, client, auth):
    """Both read version 1 before either writes: the database's version check stops the second."""
    b = client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff")).json()
    s1, s2 = ctx.session_factory(), ctx.session_factory()
    try:
        o1 = service.get(s1, service.BEACON, b["id"])
        o2 = service.get(s2, service.BEACON, b["id"])
        assert o1.version == o2.version == 1
        service.update(s1, ctx.area, "a", service.BEACON, b["id"], {"level": 3}, 1)
        s1.commit()
        o2.level = 4  # s2 still holds version 1 in memory
        try:
            service._flush(s2, service.BEACON)
            raised = False
        except StaleVersion:
            raised = True
        s2.rollback()
        assert raised
    finally:
        s1.close()
        s2.close()
    final = client.get(f"/v1/staff/beacons/{b['id']}", headers=auth("staff")).json()
    assert final["level"] == 3 and final["version"] == 2


def test_parallel_requests_no_lost_update(client, auth):
    b = client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff")).json()
    url = f"/v1/staff/beacons/{b['id']}"

    def write(level: int):
        return client.patch(url, json={"version": 1, "level": level}, headers=auth("staff"))

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(write, range(1, 7)))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409, 409, 409, 409, 409], [r.text for r in results]
    winner = next(r.json() for r in results if r.status_code == 200)
    final = client.get(url, headers=auth("staff")).json()
    assert final["level"] == winner["level"] and final["version"] == 2
    audit = client.get(
        "/v1/staff/audit", params={"entity": "beacon", "entity_id": b["id"]}, headers=auth("staff")
    )
    assert [a["action"] for a in audit.json()] == ["update", "create"]


def test_staff_writes_beside_sightings_never_find_the_database_locked(client, auth):
    """Anonymous sightings and staff writes at once: every one is written (no 503 "locked")."""
    first = client.post("/v1/staff/beacons", json=ibeacon(minor=1), headers=auth("staff"))
    assert first.status_code == 201
    seen = {"uuid": first.json()["uuid"], "major": 1, "minor": 1, "rssi": -70}

    def write(i: int):
        if i % 2:
            return client.post("/v1/sightings", json=seen)
        return client.post("/v1/staff/beacons", json=ibeacon(minor=100 + i), headers=auth("staff"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(write, range(48)))
    codes = [r.status_code for r in results]
    assert sorted(set(codes)) == [201, 202], [r.text for r in results if r.status_code >= 300]
