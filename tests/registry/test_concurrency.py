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


def test_writes_beside_concurrent_reads_all_succeed(client, auth):
    """Staff writes (creates and updates) from four threads while eight threads read lookups
    and bundles: every write answers 2xx (no 'database is locked', no 503), every read 200,
    and the last read sees every write."""
    import threading

    from registry_data import UUID

    base = client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff")).json()
    stop = threading.Event()
    reads: list[int] = []

    def reader():
        while not stop.is_set():
            reads.append(client.get("/v1/beacons/lookup",
                                    params={"uuid": UUID, "major": 1, "minor": 1}).status_code)
            reads.append(client.get("/v1/bundle").status_code)

    def writer(lane: int) -> list[int]:
        codes = []
        for i in range(6):
            made = client.post("/v1/staff/beacons", headers=auth("staff"),
                               json=ibeacon(major=2 + lane, minor=i + 1))
            codes.append(made.status_code)
            codes.append(client.patch(f"/v1/staff/beacons/{made.json()['id']}",
                                      headers=auth("staff"),
                                      json={"version": 1, "level": lane}).status_code)
        return codes

    readers = [threading.Thread(target=reader) for _ in range(8)]
    for t in readers:
        t.start()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            written = [code for codes in pool.map(writer, range(4)) for code in codes]
    finally:
        stop.set()
        for t in readers:
            t.join(30)
    assert written == [201, 200] * 24
    assert reads and set(reads) == {200}
    bundle = client.get("/v1/bundle").json()
    assert len(bundle["beacons"]) == 25 and base["id"] in {b["id"] for b in bundle["beacons"]}
    assert sorted(b["level"] for b in bundle["beacons"]) == sorted([0] + [0, 1, 2, 3] * 6)
