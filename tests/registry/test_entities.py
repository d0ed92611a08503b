"""CRUD and validation of places, notices and obstacles (beacons have their own file)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from registry_data import place

NOTICE = {
    "kind": "offer",
    "text_de": "Heute 10 % auf alles",
    "text_en": "10 % off today",
    "area": "innenstadt",
    "valid_from": "2026-11-24T09:00:00+01:00",
    "valid_to": "2026-11-24T18:00:00+01:00",
}
OBSTACLE = {
    "kind": "road_works",
    "effect": "block",
    "geometry": {"type": "Point", "coordinates": [7.7700, 49.4447]},
    "valid_from": "2026-11-24T08:00",
    "valid_to": "2026-11-30T18:00",
    "description_de": "Baustelle",
    "description_en": "Road works",
}


@pytest.mark.parametrize(
    ("resource", "body", "change"),
    [
        ("places", place(), {"opening_hours": "Mo-Fr 10:00-18:00"}),
        ("notices", NOTICE, {"text_de": "Heute 20 % auf alles"}),
        ("obstacles", OBSTACLE, {"effect": "penalty", "factor": 5}),
    ],
)
def test_crud_cycle(client, auth, resource, body, change):
    url = f"/v1/staff/{resource}"
    r = client.post(url, json=body, headers=auth("staff"))
    assert r.status_code == 201, r.text
    rec = r.json()
    assert rec["version"] == 1 and rec["status"] == "active"
    r = client.patch(f"{url}/{rec['id']}", json={"version": 1} | change, headers=auth("staff"))
    assert r.status_code == 200, r.text
    for key, value in change.items():
        assert r.json()[key] == value
    listed = client.get(url, headers=auth("staff")).json()
    assert [x["id"] for x in listed] == [rec["id"]]
    r = client.post(f"{url}/{rec['id']}/retire", json={"version": 2}, headers=auth("staff"))
    assert r.status_code == 200 and r.json()["status"] == "retired"
    # a retired record is not edited any more
    r = client.patch(f"{url}/{rec['id']}", json={"version": 3, **change}, headers=auth("staff"))
    assert r.status_code == 409
    assert client.get(url, params={"status": "active"}, headers=auth("staff")).json() == []


def test_naive_times_are_berlin_time(client, auth):
    rec = client.post("/v1/staff/obstacles", json=OBSTACLE, headers=auth("staff")).json()
    stored = client.get(f"/v1/staff/obstacles/{rec['id']}", headers=auth("staff")).json()
    for value in (rec["valid_from"], stored["valid_from"]):
        assert datetime.fromisoformat(value) == datetime(2026, 11, 24, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("resource", "body", "field"),
    [
        ("places", place(opening_hours="Mo-Sa 9 bis 19"), "opening_hours"),
        ("places", place(opening_hours="Mo-Fr 25:00-26:00"), "opening_hours"),
        ("places", place(name=""), "name"),
        ("places", place(lat=49.3), "lat"),
        ("places", place(notes="n" * 501), "notes"),
        ("places", place(osm_id="node-12"), "osm_id"),
        ("notices", NOTICE | {"valid_to": "2026-11-24T08:00:00+01:00"}, "valid_to"),
        ("notices", NOTICE | {"kind": "gossip"}, "kind"),
        ("notices", {k: v for k, v in NOTICE.items() if k != "area"}, "place_id"),
        ("notices", NOTICE | {"place_id": 12345}, "place_id"),
        ("notices", NOTICE | {"text_de": "t" * 501}, "text_de"),
        ("obstacles", OBSTACLE | {"valid_from": "2026-12-01T00:00"}, "valid_to"),
        ("obstacles", OBSTACLE | {"geometry": {"type": "Polygon", "coordinates": []}}, "geometry"),
        (
            "obstacles",
            OBSTACLE | {"geometry": {"type": "Point", "coordinates": [8.5, 49.0]}},
            "geometry.lat",
        ),
        ("obstacles", OBSTACLE | {"geometry": {"type": "Point", "coordinates": ["a"]}}, "geometry"),
        ("obstacles", OBSTACLE | {"effect": "penalty", "factor": 0.5}, "factor"),
        ("obstacles", OBSTACLE | {"kind": "unicorn"}, "kind"),
        ("obstacles", OBSTACLE | {"description_en": "d" * 501}, "description_en"),
    ],
)
def test_bad_input_names_the_field(client, auth, resource, body, field):
    r = client.post(f"/v1/staff/{resource}", json=body, headers=auth("staff"))
    assert 400 <= r.status_code < 500, r.text
    assert field in r.json()["detail"], r.json()
    assert client.get(f"/v1/staff/{resource}", headers=auth("staff")).json() == []


def test_patch_cannot_break_the_window(client, auth):
    rec = client.post("/v1/staff/notices", json=NOTICE, headers=auth("staff")).json()
    r = client.patch(
        f"/v1/staff/notices/{rec['id']}",
        json={"version": 1, "valid_to": "2026-11-20T00:00:00+01:00"},
        headers=auth("staff"),
    )
    assert r.status_code == 422 and "valid_to" in r.json()["detail"]
    again = client.get(f"/v1/staff/notices/{rec['id']}", headers=auth("staff")).json()
    assert again["version"] == 1 and again["valid_to"] == rec["valid_to"]


def test_malformed_json_is_422(client, auth):
    r = client.post(
        "/v1/staff/places",
        content=b"{not json",
        headers=auth("staff") | {"Content-Type": "application/json"},
    )
    assert r.status_code == 422


def test_oversized_json_body_is_413(client, auth):
    body = place(notes="x" * 100_000)
    r = client.post("/v1/staff/places", json=body, headers=auth("staff"))
    assert r.status_code == 413
    assert client.get("/v1/staff/places", headers=auth("staff")).json() == []
