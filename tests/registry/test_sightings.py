"""Anonymous sightings are evidence beside the staff's record; limits and retention hold."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from registry_data import UUID, ibeacon
from sqlalchemy import func, inspect, select

from beacon_registry import sightings
from beacon_registry.app import create_app
from beacon_registry.models import RateCounter, Sighting, SightingDay

SEEN = {"uuid": UUID, "major": 1, "minor": 1, "rssi": -71}


def test_sighting_is_evidence_in_health(client, auth, ctx, clock):
    a = client.post("/v1/staff/beacons", json=ibeacon(minor=1), headers=auth("staff")).json()
    b = client.post("/v1/staff/beacons", json=ibeacon(minor=2), headers=auth("staff")).json()
    health = client.get("/v1/staff/beacons/health", headers=auth("staff")).json()
    assert {x["id"] for x in health["not_seen"]} == {a["id"], b["id"]}

    r = client.post("/v1/sightings", json=SEEN | {"battery_mv": 2300})
    assert r.status_code == 202, r.text
    health = client.get("/v1/staff/beacons/health", headers=auth("staff")).json()
    assert [x["id"] for x in health["not_seen"]] == [b["id"]]
    (low,) = health["low_battery"]
    assert (low["id"], low["battery_mv"], low["reported_battery_mv"]) == (a["id"], None, 2300)
    assert low["sightings"] == 1
    # a sighting is not a staff edit: the version staff hold stays valid
    assert client.get(f"/v1/staff/beacons/{a['id']}", headers=auth("staff")).json()["version"] == 1

    clock.now += timedelta(days=8)
    health = client.get(
        "/v1/staff/beacons/health", params={"days": 7}, headers=auth("staff")
    ).json()
    assert {x["id"] for x in health["not_seen"]} == {a["id"], b["id"]}


def test_anonymous_battery_never_overwrites_the_staff_reading(client, auth):
    """Staff measured a flat cell; a phone (or anyone) reporting a full one cannot hide it."""
    made = client.post(
        "/v1/staff/beacons", json=ibeacon(battery_mv=2100), headers=auth("staff")
    ).json()
    assert client.post("/v1/sightings", json=SEEN | {"battery_mv": 3000}).status_code == 202
    beacon = client.get(f"/v1/staff/beacons/{made['id']}", headers=auth("staff")).json()
    assert beacon["battery_mv"] == 2100 and beacon["last_seen_at"] is None
    health = client.get("/v1/staff/beacons/health", headers=auth("staff")).json()
    assert [(x["id"], x["battery_mv"], x["reported_battery_mv"]) for x in health["low_battery"]] \
        == [(made["id"], 2100, 3000)]


def test_sighting_stores_no_identity_of_the_phone(ctx):
    engine = ctx.session_factory.kw["bind"]
    columns = {c["name"] for c in inspect(engine).get_columns("sightings")}
    assert columns == {"id", "beacon_id", "at", "rssi", "battery_mv"}
    counters = {c["name"] for c in inspect(engine).get_columns("rate_counters")}
    assert counters == {"key", "window", "count"}


def test_sighting_validation(client):
    assert client.post("/v1/sightings", json={"rssi": -70}).status_code == 422
    r = client.post("/v1/sightings", json=SEEN | {"rssi": 99})
    assert r.status_code == 422 and "rssi" in r.json()["detail"]
    r = client.post("/v1/sightings", json=SEEN | {"minor": 9})
    assert r.status_code == 404
    assert client.post("/v1/sightings", json=SEEN | {"device": "x"}).status_code == 422


def _from(ctx, address: str) -> TestClient:
    return TestClient(create_app(context=ctx), client=(address, 40000))


def test_limits_per_address_and_per_range(client, auth, ctx, monkeypatch):
    client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff"))
    monkeypatch.setattr(sightings, "PER_ADDRESS", 3)
    monkeypatch.setattr(sightings, "PER_RANGE", 5)
    one, two, other = (_from(ctx, a) for a in ("203.0.113.5", "203.0.113.77", "198.51.100.1"))
    codes = [one.post("/v1/sightings", json=SEEN).status_code for _ in range(4)]
    assert codes == [202, 202, 202, 429]
    # a neighbour in the same /24 shares the range's budget: 3 + 2 = 5, then refused
    codes = [two.post("/v1/sightings", json=SEEN).status_code for _ in range(3)]
    assert codes == [202, 202, 429]
    r = two.post("/v1/sightings", json=SEEN)
    assert r.status_code == 429 and r.headers["retry-after"] == "60"
    assert "sighting-range" in r.json()["detail"]
    # another range is unaffected; the counters hold hashes, never an address
    assert other.post("/v1/sightings", json=SEEN).status_code == 202
    with ctx.session_factory() as session:
        keys = session.scalars(select(RateCounter.key)).all()
    assert keys and not any("203.0.113" in k or "198.51" in k for k in keys)


def test_limit_window_moves_on(client, auth, ctx, clock, monkeypatch):
    client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff"))
    monkeypatch.setattr(sightings, "PER_ADDRESS", 2)
    codes = [client.post("/v1/sightings", json=SEEN).status_code for _ in range(3)]
    assert codes == [202, 202, 429]
    clock.now += timedelta(seconds=61)
    assert client.post("/v1/sightings", json=SEEN).status_code == 202


def test_old_sightings_are_folded_into_days(client, auth, ctx, clock):
    made = client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff")).json()
    start = clock.now
    for rssi, battery in ((-80, 2900), (-60, 2700)):
        assert client.post(
            "/v1/sightings", json=SEEN | {"rssi": rssi, "battery_mv": battery}
        ).status_code == 202
    clock.now = start + timedelta(days=sightings.RETENTION_DAYS + 1)
    # the first sighting of a new hour folds what has passed the retention period
    assert client.post("/v1/sightings", json=SEEN).status_code == 202
    with ctx.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Sighting)) == 1
        (day,) = session.scalars(select(SightingDay)).all()
    assert (day.beacon_id, day.day, day.count) == (made["id"], start.date(), 2)
    assert (day.rssi_min, day.rssi_max, day.battery_min_mv) == (-80, -60, 2700)
    assert isinstance(day.day, date)
    # the folded days still count as evidence for a long look back
    health = client.get(
        "/v1/staff/beacons/health", params={"days": 60, "battery_below_mv": 2800},
        headers=auth("staff"),
    ).json()
    (row,) = health["low_battery"]
    assert (row["sightings"], row["reported_battery_mv"]) == (3, 2700)
