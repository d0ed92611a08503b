"""Every input is bounded: body size, ids, coordinates, nesting, characters, CSV cells.

Through `lotse serve`'s whole app on the real inner-city network, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

STIFTSPLATZ = {"lat": 49.4447, "lon": 7.7700}
NOW = datetime.now(UTC)
WINDOW = {"valid_from": (NOW - timedelta(hours=1)).isoformat(),
          "valid_to": (NOW + timedelta(hours=1)).isoformat()}


def _obstacle(coordinates) -> dict:
    return {"kind": "hazard", "effect": "penalty", "factor": 3,
            "geometry": {"type": "Point", "coordinates": coordinates}} | WINDOW


def test_route_body_limit_by_length_and_by_stream(client):
    big = b'{"from": {"lat": 49.44, "lon": 7.77}, "pad": "' + b"x" * 300_000 + b'"}'
    r = client.post("/v1/routes", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {"detail": "request body exceeds the limit of 64000 bytes", "field": "body"}

    def chunks():  # no Content-Length: refused while streaming, not after reading it whole
        for _ in range(100):
            yield b" " * 10_000

    r = client.post("/v1/routes", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "64000 bytes" in r.json()["detail"]


def test_uploads_keep_their_larger_limits(client, auth):
    rows = "kind,uuid,major,minor,lat,lon\n" + "".join(
        f"ibeacon,f7826da6-4fa2-4e98-8024-bc5b71e0893e,1,{i},49.4447,7.77\n" for i in range(1500)
    )
    assert len(rows) > 64_000
    r = client.post("/v1/staff/beacons/import", params={"format": "csv"}, content=rows,
                    headers=auth("staff"))
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 1500


@pytest.mark.parametrize("path", ["/v1/staff/beacons/2147483648", "/v1/staff/logs/9" + "9" * 20])
def test_ids_beyond_the_column_are_422(client, auth, path):
    r = client.get(path, headers=auth("staff"))
    assert r.status_code == 422 and "2147483647" in r.json()["detail"]


def test_ids_in_query_and_body_are_bounded(client, auth):
    r = client.get("/v1/staff/audit", params={"entity_id": 2**63}, headers=auth("staff"))
    assert r.status_code == 422 and r.json()["field"] == "entity_id"
    place = {"name": "Thalia", "lat": 49.4447, "lon": 7.77}
    made = client.post("/v1/staff/places", json=place, headers=auth("staff")).json()
    r = client.post("/v1/staff/notices", headers=auth("staff"),
                    json={"kind": "offer", "text_de": "Rabatt", "place_id": 2**31} | WINDOW)
    assert r.status_code == 422 and r.json()["field"] == "place_id"
    r = client.patch(f"/v1/staff/places/{made['id']}", json={"version": 2**40, "name": "X"},
                     headers=auth("staff"))
    assert r.status_code == 422 and r.json()["field"] == "version"


def test_altitude_is_dropped_and_text_coordinates_refused(client, auth):
    r = client.post("/v1/staff/obstacles", json=_obstacle([7.7700, 49.4447, 250.0]),
                    headers=auth("staff"))
    assert r.status_code == 201, r.text
    assert r.json()["geometry"] == {"type": "Point", "coordinates": [7.77, 49.4447]}
    bundle = client.get("/v1/bundle").json()
    assert bundle["obstacles"][0]["geometry"]["coordinates"] == [7.77, 49.4447]
    r = client.post("/v1/staff/obstacles", json=_obstacle(["7.77", "49.4447"]),
                    headers=auth("staff"))
    assert r.status_code == 422 and r.json()["field"] == "geometry"
    assert "numbers" in r.json()["detail"]
    r = client.post("/v1/staff/places", json={"name": "X", "lat": "49.4447", "lon": 7.77},
                    headers=auth("staff"))
    assert r.status_code == 422 and r.json() == {"detail": "lat: must be a number", "field": "lat"}


def test_geojson_import_altitude_and_text_coordinates(client, auth):
    def feature(coords, minor):
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coords},
                "properties": {"kind": "ibeacon", "uuid": "f7826da6-4fa2-4e98-8024-bc5b71e0893e",
                               "major": 1, "minor": minor}}

    doc = {"type": "FeatureCollection",
           "features": [feature([7.77, 49.4447, 251.3], 1), feature(["7.77", "49.4447"], 2)]}
    r = client.post("/v1/staff/beacons/import", json=doc, params={"on_error": "skip"},
                    headers=auth("staff"))
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 1
    assert r.json()["rejected"] == [{"row": 2, "field": "geometry",
                                     "error": "geometry: coordinates must be numbers"}]


def test_deep_nesting_is_a_4xx_everywhere(client, auth):
    deep = "[" * 10_000 + "]" * 10_000
    r = client.post("/v1/routes", content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "nested too deeply" in r.json()["detail"]
    doc = '{"type": "FeatureCollection", "features": ' + deep + "}"
    r = client.post("/v1/staff/places/import", content=doc, headers=auth("staff"))
    assert r.status_code == 422 and r.json()["detail"] == "file: JSON nested too deeply"
    line = '{"a": ' * 100 + "1" + "}" * 100
    r = client.post("/v1/tester/logs", content=line + "\n", headers=auth("tester"))
    assert r.status_code == 422 and "nested too deeply" in r.json()["detail"]


@pytest.mark.parametrize("bad", ["Bahn\x00hof", "Rat\u202ehaus", "Stifts\u200bplatz", "a\x1bb"])
def test_control_bidi_and_zero_width_characters_refused(client, auth, bad):
    r = client.post("/v1/staff/places", json={"name": bad, "lat": 49.4447, "lon": 7.77},
                    headers=auth("staff"))
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "name" and "U+" in r.json()["detail"]
    r = client.post("/v1/staff/notices", headers=auth("staff"),
                    json={"kind": "event", "text_de": bad, "area": "innenstadt"} | WINDOW)
    assert r.status_code == 422 and r.json()["field"] == "text_de"
    r = client.get("/v1/places/search", params={"q": bad})
    assert r.status_code == 422 and r.json()["field"] == "q"


def test_tab_and_newline_stay_allowed_in_free_text(client, auth):
    r = client.post("/v1/staff/places", headers=auth("staff"),
                    json={"name": "Café", "notes": "Eingang hinten\nKlingel links", "lat": 49.4447,
                          "lon": 7.77})
    assert r.status_code == 201, r.text


def test_csv_export_neutralises_formulas_and_import_round_trips(client, auth):
    names = ["=HYPERLINK(\"http://x\")", "+49 631 1", "-Sale-", "@SUM(A1)", "\t=1+1", "Thalia"]
    for i, name in enumerate(names):
        r = client.post("/v1/staff/places", headers=auth("staff"),
                        json={"name": name, "lat": 49.4447, "lon": -7.77 + 15.54,
                              "osm_id": f"node/{i + 1}"})
        assert r.status_code == 201, r.text
    text = client.get("/v1/staff/places/export", params={"format": "csv"},
                      headers=auth("staff")).text
    cells = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert cells == ["'" + n for n in names[:5]] + ["Thalia"]
    assert all(not c.startswith(("=", "+", "-", "@", "\t")) for c in cells)
    # numbers stay numbers: a negative coordinate is not a formula
    assert "'-" not in text.split("\n", 1)[1].replace("'-Sale-", "")
    # importing the exported file changes nothing: the apostrophe comes off, the tab stays
    r = client.post("/v1/staff/places/import", params={"format": "csv"}, content=text,
                    headers=auth("staff"))
    assert r.status_code == 200, r.text
    assert (r.json()["unchanged"], r.json()["updated"]) == (6, 0)
    listed = client.get("/v1/staff/places", headers=auth("staff")).json()
    assert [p["name"] for p in listed] == names


def test_authentication_comes_before_the_body(client, auth):
    for path in ("/v1/staff/places", "/v1/staff/places/import", "/v1/tester/logs"):
        r = client.post(path, content=b"{not json", headers={"content-type": "application/json"})
        assert r.status_code == 401, (path, r.text)
    r = client.post("/v1/staff/places", content=b"{not json", headers=auth("tester"))
    assert r.status_code == 403
    r = client.post("/v1/staff/places", json={"name": 5}, headers={"Authorization": "Bearer x"})
    assert r.status_code == 401
