"""The routing HTTP API through FastAPI's TestClient: answers, and every bad input a 4xx."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import numpy as np
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point

from lotse_server.routing_api import create_app
from routing_service.overlays import Overlay, StaticOverlays


@pytest.fixture(scope="module")
def client(cc_network):
    return TestClient(create_app(cc_network))


def body(a, b, **extra):
    return {"from": {"lat": a[0], "lon": a[1]}, "to": {"lat": b[0], "lon": b[1]}, **extra}


def test_route(client, places):
    r = client.post("/v1/routes", json=body(places["Hauptbahnhof"], places["Stiftsplatz"],
                                            profile="blind", lang="en",
                                            options={"avoid_steps": True}))
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["attribution"] == "© OpenStreetMap contributors"
    assert data["geometry"]["type"] == "LineString"
    lon, lat = data["geometry"]["coordinates"][0]
    assert 7.7 < lon < 7.8 and 49.4 < lat < 49.5
    assert data["distance_m"] > 500 and data["duration_s"] > data["distance_m"] / 2
    assert data["profile"] == "blind" and data["lang"] == "en"
    for m in data["maneuvers"]:
        assert {"type", "text", "distance_m", "at_m", "bearing_deg", "location",
                "geometry_index", "turn", "clock", "crossing", "street"} <= set(m)
    assert isinstance(data["warnings"], list)


def test_route_defaults(client, places):
    r = client.post("/v1/routes", json=body(places["Rathaus"], places["Fackelrondell"]))
    assert r.status_code == 200 and r.json()["profile"] == "blind" and r.json()["lang"] == "de"


@pytest.mark.parametrize("payload,needle", [
    (body((95.0, 7.77), (49.44, 7.77)), "from.lat"),
    (body((49.44, 7.77), (49.44, 190.0)), "to.lon"),
    ({"to": {"lat": 49.44, "lon": 7.77}}, "from"),
    (body((49.44, 7.77), (49.445, 7.77), profile="rollerblade"), "profile"),
    (body((49.44, 7.77), (49.445, 7.77), options={"avoid_stairs": True}), "avoid_stairs"),
    (body((49.44, 7.77), (49.445, 7.77), options={"max_detour_factor": "far"}),
     "max_detour_factor"),
    (body((49.44, 7.77), (49.445, 7.77), lang="fr"), "lang"),
    (body((49.44, 7.77), (49.445, 7.77), when="2026-05-04T10:00:00"), "when"),
])
def test_bad_input_is_422_with_a_clear_message(client, payload, needle):
    r = client.post("/v1/routes", json=payload)
    assert r.status_code == 422
    assert needle in r.json()["detail"]


def test_malformed_json_is_422(client):
    r = client.post("/v1/routes", content=b'{"from": {"lat": 49.44,',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"].startswith("request body: malformed JSON")


def test_outside_service_area(client, places):
    r = client.post("/v1/routes", json=body((48.137, 11.575), places["Stiftsplatz"], lang="en"))
    assert r.status_code == 422
    assert "outside the service area" in r.json()["detail"]
    assert "außerhalb" in r.json()["message"]["de"]


def test_no_route_is_404_and_says_so(cc_network, places):
    wall = Overlay(id="x", kind="closure", effect="block", radius_m=400,
                   geometry=Point(places["Stiftsplatz"][1], places["Stiftsplatz"][0]))
    client = TestClient(create_app(cc_network, overlay_provider=StaticOverlays([wall])))
    r = client.post("/v1/routes", json=body(places["Hauptbahnhof"], places["Stiftsplatz"],
                                            lang="en"))
    assert r.status_code == 404 and "no route" in r.json()["detail"]


def test_overlay_provider_is_asked_for_the_request_time(cc_network, places):
    seen = []

    class Provider:
        def overlays(self, when):
            seen.append(when)
            return []

    client = TestClient(create_app(cc_network, overlay_provider=Provider()))
    r = client.post("/v1/routes", json=body(places["Hauptbahnhof"], places["Rathaus"],
                                            when="2026-05-04T10:00:00+02:00"))
    assert r.status_code == 200 and seen == [datetime(2026, 5, 4, 8, 0, tzinfo=UTC)]


def test_broken_overlay_provider_routes_with_a_warning(cc_network, places):
    class Broken:
        def overlays(self, when):
            raise ConnectionError("database down")

    client = TestClient(create_app(cc_network, overlay_provider=Broken()))
    r = client.post("/v1/routes", json=body(places["Hauptbahnhof"], places["Rathaus"]))
    assert r.status_code == 200 and "nicht verfügbar" in r.json()["warnings"][0]


@pytest.mark.parametrize("q,expected", [("Marktstrasse", "Marktstraße"),
                                         ("stiftsplatz", "Stiftsplatz"),
                                         ("Stifsplatz", "Stiftsplatz"),
                                         ("Rathaus", "Rathaus"),
                                         ("Fackelbrunen", "Fackelbrunnen")])
def test_place_search(client, q, expected):
    r = client.get("/v1/places/search", params={"q": q})
    assert r.status_code == 200
    results = r.json()["results"]
    assert results[0]["name"] == expected
    assert {"name", "kind", "category", "lat", "lon", "osm_id"} <= set(results[0])


def test_place_search_needs_a_query(client):
    assert client.get("/v1/places/search").status_code == 422
    assert client.get("/v1/places/search", params={"q": ""}).status_code == 422
    r = client.get("/v1/places/search", params={"q": "xqzjw"})
    assert r.status_code == 200 and r.json()["results"] == []


def test_healthz_and_openapi(client, cc_network):
    h = client.get("/healthz").json()
    assert h["status"] == "ok" and h["graph_hash"] == cc_network.graph_hash
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/routes", "/v1/places/search", "/healthz", "/v1/graph/{graph_hash}"} <= set(paths)


def test_graph_download_loads_without_pickle(client, cc_network):
    r = client.get(f"/v1/graph/{cc_network.graph_hash}")
    assert r.status_code == 200 and r.headers["etag"] == f'"{cc_network.graph_hash}"'
    with np.load(io.BytesIO(r.content), allow_pickle=False) as z:
        assert np.array_equal(z["edge_u"], cc_network.edge_u)
    again = client.get(f"/v1/graph/{cc_network.graph_hash}",
                       headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/v1/graph/deadbeef").status_code == 404


def test_search_ranks_the_street_above_its_bus_stop(client):
    results = client.get("/v1/places/search", params={"q": "Marktstr."}).json()["results"]
    assert results[0]["name"] == "Marktstraße" and results[0]["kind"] == "street"
    names_kinds = [(r["name"], r["kind"]) for r in results]
    assert len(names_kinds) == len(set(names_kinds))
