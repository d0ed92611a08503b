"""Bulk import/export of beacons and places: per-row report, all-or-nothing by default."""

from __future__ import annotations

import json

from registry_data import UUID, ibeacon

from beacon_registry.api.routes import bulk


def _feature(props: dict) -> dict:
    props = dict(props)
    lat, lon = props.pop("lat"), props.pop("lon")
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


def _plan(*beacons) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": [_feature(b) for b in beacons]}
    ).encode()


def _import(client, auth, body: bytes, fmt: str = "geojson", **params):
    return client.post(
        "/v1/staff/beacons/import",
        content=body,
        params={"format": fmt, **params},
        headers=auth("staff"),
    )


def test_geojson_plan_import_and_reimport(client, auth):
    plan = _plan(ibeacon(minor=1), ibeacon(minor=2), ibeacon(minor=3))
    r = _import(client, auth, plan)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 3 and r.json()["rejected"] == []
    again = _import(client, auth, plan).json()
    assert again["created"] == 0 and again["unchanged"] == 3
    moved = _plan(ibeacon(minor=1, placement_de="jetzt links der Tür"))
    assert _import(client, auth, moved).json()["updated"] == 1
    assert len(client.get("/v1/staff/beacons", headers=auth("staff")).json()) == 3


def test_bad_rows_reject_everything_and_are_all_reported(client, auth):
    plan = _plan(
        ibeacon(minor=1),
        ibeacon(minor=70000),
        ibeacon(minor=3, lat=48.0),
        ibeacon(minor=1, placement_de="Duplikat in der Datei"),
    )
    r = _import(client, auth, plan)
    assert r.status_code == 422
    report = r.json()["report"]
    assert report["committed"] is False
    assert [(x["row"], x["field"]) for x in report["rejected"]] == [
        (2, "minor"),
        (3, "lat"),
        (4, "uuid"),
    ]
    assert client.get("/v1/staff/beacons", headers=auth("staff")).json() == []
    assert (
        client.get("/v1/staff/audit", params={"entity": "beacon"}, headers=auth("staff")).json()
        == []
    )


def test_skip_mode_keeps_the_good_rows(client, auth):
    plan = _plan(ibeacon(minor=1), ibeacon(minor=70000))
    r = _import(client, auth, plan, on_error="skip")
    assert r.status_code == 200
    assert r.json()["created"] == 1 and r.json()["rejected"][0]["row"] == 2


def test_csv_export_import_roundtrip(client, auth):
    client.post("/v1/staff/beacons", json=ibeacon(minor=1), headers=auth("staff"))
    client.post(
        "/v1/staff/beacons",
        headers=auth("staff"),
        json={
            "kind": "eddystone",
            "namespace": "edd1ebeac04e5defa017",
            "instance": "0bdb87539b67",
            "lat": 49.441,
            "lon": 7.768,
            "placement_de": 'Säule, Höhe 2 m, "Nord"',
        },
    )
    csv_text = client.get(
        "/v1/staff/beacons/export", params={"format": "csv"}, headers=auth("staff")
    ).text
    assert csv_text.splitlines()[0].startswith("id,kind,uuid,major,minor")
    assert UUID in csv_text
    r = _import(client, auth, csv_text.encode(), fmt="csv")
    assert r.status_code == 200, r.text
    assert r.json()["unchanged"] == 2 and r.json()["created"] == 0
    gj = client.get("/v1/staff/beacons/export", headers=auth("staff")).json()
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 2
    r = _import(client, auth, json.dumps(gj).encode())
    assert r.json()["unchanged"] == 2


def test_shipped_inner_city_plan_imports(client, auth):
    from lotse_common.settings import PROJECT_ROOT

    path = PROJECT_ROOT / "mobile" / "data" / "beacon_plan_cc.geojson"
    assert path.exists(), "the project ships the inner-city beacon plan"
    r = _import(client, auth, path.read_bytes())
    assert r.status_code == 200, r.text
    n = len(json.loads(path.read_text())["features"])
    assert r.json()["created"] == n


def test_malformed_and_oversized_files(client, auth, monkeypatch):
    assert _import(client, auth, b"{nope").status_code == 422
    assert _import(client, auth, b'{"type": "Point"}').status_code == 422
    r = _import(client, auth, b"kind,uuid\nibeacon,x,extra\n", fmt="csv")
    assert r.status_code == 422 and r.json()["field"] == "file"
    assert _import(client, auth, b"\xff\xfe\x00", fmt="csv").status_code == 422
    monkeypatch.setattr(bulk, "MAX_UPLOAD_BYTES", 50)
    assert _import(client, auth, _plan(ibeacon())).status_code == 413
    assert client.get("/v1/staff/beacons", headers=auth("staff")).json() == []


def test_place_csv_import_reports_bad_hours(client, auth):
    csv_text = (
        "name,category,lat,lon,opening_hours,osm_id\n"
        "Bäckerei Schmitt,bakery,49.4440,7.7690,Mo-Sa 06:00-18:00; PH off,node/1\n"
        "Kiosk,kiosk,49.4441,7.7691,immer offen,node/2\n"
        "Buchladen,books,49.4442,7.7692,,node/3\n"
    )
    r = client.post(
        "/v1/staff/places/import",
        content=csv_text.encode(),
        params={"format": "csv", "on_error": "skip"},
        headers=auth("staff"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    assert [(x["row"], x["field"]) for x in r.json()["rejected"]] == [(2, "opening_hours")]
    names = [p["name"] for p in client.get("/v1/staff/places", headers=auth("staff")).json()]
    assert names == ["Bäckerei Schmitt", "Buchladen"]
