"""Anonymous sightings keep last-seen and battery current; health lists quiet and weak beacons."""

from __future__ import annotations

from datetime import timedelta

from registry_data import UUID, ibeacon
from sqlalchemy import inspect

from beacon_registry.sightings import RateLimiter


def test_sighting_updates_health(client, auth, ctx, clock):
    a = client.post("/v1/staff/beacons", json=ibeacon(minor=1), headers=auth("staff")).json()
    b = client.post("/v1/staff/beacons", json=ibeacon(minor=2), headers=auth("staff")).json()
    health = client.get("/v1/staff/beacons/health", headers=auth("staff")).json()
    assert {x["id"] for x in health["not_seen"]} == {a["id"], b["id"]}

    r = client.post(
        "/v1/sightings",
        json={"uuid": UUID, "major": 1, "minor": 1, "rssi": -71, "battery_mv": 2300},
    )
    assert r.status_code == 202, r.text
    health = client.get("/v1/staff/beacons/health", headers=auth("staff")).json()
    assert [x["id"] for x in health["not_seen"]] == [b["id"]]
    assert [x["id"] for x in health["low_battery"]] == [a["id"]]
    # a sighting is not a staff edit: the version staff hold stays valid
    assert client.get(f"/v1/staff/beacons/{a['id']}", headers=auth("staff")).json()["version"] == 1

    clock.now += timedelta(days=8)
    health = client.get(
        "/v1/staff/beacons/health", params={"days": 7}, headers=auth("staff")
    ).json()
    assert {x["id"] for x in health["not_seen"]} == {a["id"], b["id"]}


def test_sighting_stores_no_identity_of_the_phone(ctx):
    engine = ctx.session_factory.kw["bind"]
    columns = {c["name"] for c in inspect(engine).get_columns("sightings")}
    assert columns == {"id", "beacon_id", "at", "rssi", "battery_mv"}


def test_sighting_validation(client):
    assert client.post("/v1/sightings", json={"rssi": -70}).status_code == 422
    r = client.post("/v1/sightings", json={"uuid": UUID, "major": 1, "minor": 1, "rssi": 99})
    assert r.status_code == 422 and "rssi" in r.json()["detail"]
    r = client.post("/v1/sightings", json={"uuid": UUID, "major": 1, "minor": 9, "rssi": -60})
    assert r.status_code == 404
    r = client.post(
        "/v1/sightings", json={"uuid": UUID, "major": 1, "minor": 1, "rssi": -60, "device": "x"}
    )
    assert r.status_code == 422


def test_rate_limit(client, auth):
    client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff"))
    client.app.state.sighting_limiter = RateLimiter(limit=3, window_s=60)
    body = {"uuid": UUID, "major": 1, "minor": 1, "rssi": -70}
    codes = [client.post("/v1/sightings", json=body).status_code for _ in range(5)]
    assert codes == [202, 202, 202, 429, 429]


def test_rate_limiter_window_slides():
    now = [0.0]
    limiter = RateLimiter(limit=2, window_s=10, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")
    now[0] = 10.5
    assert limiter.allow("a")
