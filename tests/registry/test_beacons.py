"""Beacon CRUD through the staff API, validation naming the field, audit of every change."""

from __future__ import annotations

import pytest
from registry_data import UUID, ibeacon


def test_create_read_update_retire_with_audit(client, auth):
    r = client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff"))
    assert r.status_code == 201, r.text
    b = r.json()
    assert b["id"] > 0 and b["version"] == 1 and b["status"] == "active" and b["uuid"] == UUID

    got = client.get(f"/v1/staff/beacons/{b['id']}", headers=auth("staff")).json()
    assert got["placement_de"].startswith("am Eingang")

    r = client.patch(
        f"/v1/staff/beacons/{b['id']}",
        json={"version": 1, "placement_de": "neben der Tür"},
        headers=auth("staff"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["placement_de"] == "neben der Tür"

    r = client.post(
        f"/v1/staff/beacons/{b['id']}/retire", json={"version": 2}, headers=auth("admin")
    )
    assert r.status_code == 200 and r.json()["status"] == "retired"
    assert (
        client.get("/v1/beacons/lookup", params={"uuid": UUID, "major": 1, "minor": 1}).status_code
        == 404
    )

    audit = client.get(
        "/v1/staff/audit", params={"entity": "beacon", "entity_id": b["id"]}, headers=auth("staff")
    ).json()
    assert [a["action"] for a in audit] == ["retire", "update", "create"]
    assert audit[1]["before"]["placement_de"].startswith("am Eingang")
    assert audit[1]["after"]["placement_de"] == "neben der Tür"
    assert audit[0]["actor"] == "admin-1" and audit[2]["actor"] == "staff-1"


def test_eddystone_identity_normalised(client, auth):
    body = {
        "kind": "eddystone",
        "namespace": "0xEDD1EBEAC04E5DEFA017",
        "instance": "0BDB87539B67",
        "lat": 49.441,
        "lon": 7.768,
    }
    r = client.post("/v1/staff/beacons", json=body, headers=auth("staff"))
    assert r.status_code == 201, r.text
    assert r.json()["namespace"] == "edd1ebeac04e5defa017"
    assert r.json()["instance"] == "0bdb87539b67"
    look = client.get(
        "/v1/beacons/lookup",
        params={"namespace": "EDD1EBEAC04E5DEFA017", "instance": "0bdb87539b67"},
    )
    assert look.status_code == 200 and look.json()["id"] == r.json()["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"uuid": "not-a-uuid"}, "uuid"),
        ({"major": 65536}, "major"),
        ({"minor": -1}, "minor"),
        ({"uuid": None}, "uuid"),
        ({"lat": 49.50}, "lat"),
        ({"lon": 7.70}, "lon"),
        ({"placement_de": "x" * 501}, "placement_de"),
        ({"measured_power": 80}, "measured_power"),
        ({"namespace": "00112233445566778899"}, "namespace"),
        ({"place_id": 999}, "place_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_beacon_is_rejected_naming_the_field(client, auth, change, field):
    body = {k: v for k, v in (ibeacon() | change).items() if v is not None}
    r = client.post("/v1/staff/beacons", json=body, headers=auth("staff"))
    assert 400 <= r.status_code < 500, r.text
    assert field in r.json()["detail"]
    assert client.get("/v1/staff/beacons", headers=auth("staff")).json() == []


def test_bad_eddystone_namespace(client, auth):
    body = {
        "kind": "eddystone",
        "namespace": "zz" * 10,
        "instance": "00" * 6,
        "lat": 49.441,
        "lon": 7.768,
    }
    r = client.post("/v1/staff/beacons", json=body, headers=auth("staff"))
    assert r.status_code == 422 and "namespace" in r.json()["detail"]


def test_duplicate_identity_is_409_and_nothing_written(client, auth):
    assert (
        client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff")).status_code == 201
    )
    r = client.post("/v1/staff/beacons", json=ibeacon(placement_de="anders"), headers=auth("staff"))
    assert r.status_code == 409 and r.json()["field"] == "uuid"
    # the same identity written with upper-case UUID is the same beacon
    r = client.post("/v1/staff/beacons", json=ibeacon(uuid=UUID.upper()), headers=auth("staff"))
    assert r.status_code == 409
    assert len(client.get("/v1/staff/beacons", headers=auth("staff")).json()) == 1
    audit = client.get("/v1/staff/audit", params={"entity": "beacon"}, headers=auth("staff")).json()
    assert len(audit) == 1


def test_update_into_an_existing_identity_is_409(client, auth):
    client.post("/v1/staff/beacons", json=ibeacon(minor=1), headers=auth("staff"))
    second = client.post("/v1/staff/beacons", json=ibeacon(minor=2), headers=auth("staff")).json()
    r = client.patch(
        f"/v1/staff/beacons/{second['id']}", json={"version": 1, "minor": 1}, headers=auth("staff")
    )
    assert r.status_code == 409
    again = client.get(f"/v1/staff/beacons/{second['id']}", headers=auth("staff")).json()
    assert again["minor"] == 2 and again["version"] == 1


def test_unknown_beacon_404(client, auth):
    assert client.get("/v1/staff/beacons/4711", headers=auth("staff")).status_code == 404
    r = client.patch("/v1/staff/beacons/4711", json={"version": 1}, headers=auth("staff"))
    assert r.status_code == 404
