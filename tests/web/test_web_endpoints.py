"""The pages' server side without a browser: the helper endpoints answer bad input with a clear
4xx, need a staff token, and say the known right thing for good input (real network, SQLite)."""

from __future__ import annotations

import wave
from io import BytesIO

import numpy as np
import pytest
from fastapi.testclient import TestClient

from accessibility.places import opening_text
from beacon_registry.tokens import create_token
from lotse_common.opening import opening_state
from lotse_server.serve import build_app


@pytest.fixture(scope="module")
def served(cc_network, tmp_path_factory):
    db = tmp_path_factory.mktemp("web-endpoints") / "registry.db"
    app = build_app(database_url=f"sqlite:///{db}", network=cc_network)
    with app.state.registry.session_factory.begin() as session:
        staff = create_token(session, "staff", "staff-web")
        tester = create_token(session, "tester", "tester-web")
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {staff}"}, {"Authorization": f"Bearer {tester}"}
    app.state.registry.session_factory.kw["bind"].dispose()


@pytest.mark.parametrize("method,path", [
    ("post", "/console/api/opening-hours"), ("post", "/console/api/speech"),
    ("post", "/console/api/route-preview"), ("post", "/console/api/beacons/import-preview"),
    ("get", "/console/api/beacons/health"), ("get", "/console/api/logs/1/report")])
def test_console_helpers_need_a_staff_token(served, method, path):
    client, _, tester = served
    assert getattr(client, method)(path).status_code == 401
    assert getattr(client, method)(path, headers=tester).status_code == 403


def test_opening_hours_check_says_what_the_phone_says(served):
    client, staff, _ = served
    spec = "Mo-Fr 08:00-18:00; Sa 09:00-13:00; PH off"
    r = client.post("/console/api/opening-hours", json={"opening_hours": spec, "lang": "en"},
                    headers=staff)
    assert r.status_code == 200
    from datetime import UTC, datetime
    assert r.json()["text"] == opening_text(opening_state(spec, datetime.now(UTC)), "en")
    bad = client.post("/console/api/opening-hours", json={"opening_hours": "Mo-Fx"},
                      headers=staff).json()
    assert bad["valid"] is False and "not valid OSM opening_hours syntax" in bad["error"]


def test_speech_is_a_real_wav_and_empty_text_is_refused(served):
    client, staff, _ = served
    r = client.post("/console/api/speech", json={"text": "Baustelle am Stiftsplatz.",
                                                  "lang": "de"}, headers=staff)
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    with wave.open(BytesIO(r.content)) as wav:
        assert 0.8 < wav.getnframes() / wav.getframerate() < 5
    for body in ({"text": "   "}, {"text": ""}, {"text": "x" * 501}, {"text": "a", "lang": "fr"}):
        answer = client.post("/console/api/speech", json=body, headers=staff)
        assert answer.status_code == 422 and answer.json()["detail"]


def test_route_preview_bad_input_is_a_4xx(served):
    client, staff, _ = served
    ends = {"from": {"lat": 49.4447, "lon": 7.7700}, "to": {"lat": 49.4395, "lon": 7.7680}}
    polygon = {"type": "Polygon", "coordinates": [[[7.77, 49.44], [7.771, 49.44],
                                                   [7.771, 49.441], [7.77, 49.44]]]}
    for obstacle in ({"geometry": polygon}, {"geometry": {"type": "Point"}},
                     {"geometry": {"type": "Point", "coordinates": [7.77, 49.44]},
                      "effect": "penalty", "factor": 0.5}):
        r = client.post("/console/api/route-preview", json={**ends, "obstacle": obstacle},
                        headers=staff)
        assert r.status_code == 422, r.text
        assert r.json()["detail"]
    far = {"from": {"lat": 48.0, "lon": 7.0}, "to": ends["to"],
           "obstacle": {"geometry": {"type": "Point", "coordinates": [7.77, 49.44]}}}
    r = client.post("/console/api/route-preview", json=far, headers=staff)
    assert r.status_code == 422 and r.json()["detail"]


def test_import_preview_writes_nothing_and_names_bad_rows(served):
    client, staff, _ = served
    csv = ("kind,uuid,major,minor,lat,lon,placement_de\n"
           "ibeacon,f7826da6-4fa2-4e98-8024-bc5b71e0893e,1,1,49.4445,7.7690,Marktplatz\n"
           "ibeacon,not-a-uuid,1,2,49.4445,7.7690,Kaputt\n"
           "ibeacon,f7826da6-4fa2-4e98-8024-bc5b71e0893e,1,3,10.0,10.0,Weit weg\n")
    r = client.post("/console/api/beacons/import-preview?format=csv", content=csv.encode(),
                    headers=staff)
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert [row["ok"] for row in rows] == [True, False, False]
    assert rows[1]["field"] == "uuid" and rows[2]["field"] == "lat"
    assert client.get("/v1/staff/beacons", headers=staff).json() == []
    assert client.post("/console/api/beacons/import-preview", content=b"{nope",
                       headers=staff).status_code == 422
    assert client.post("/console/api/beacons/import-preview", content=b"\xff\xfe",
                       headers=staff).status_code == 422


def test_unknown_log_report_is_404(served):
    client, staff, _ = served
    r = client.get("/console/api/logs/999/report", headers=staff)
    assert r.status_code == 404 and "999" in r.json()["detail"]


def test_planner_post_with_nonsense_is_a_readable_422(served):
    client, _, _ = served
    r = client.post("/", data={"from": "", "to": ""})
    assert r.status_code == 422 and "Bitte Start und Ziel angeben." in r.text
    r = client.post("/", data={"from": "48.0, 7.0", "to": "Stiftsplatz", "lang": "en"})
    assert r.status_code == 422 and "No route:" in r.text
    r = client.post("/", data={"from": "Stiftsplatz", "from_lat": "abc", "from_lon": "1e999",
                               "to": "Rathaus", "profile": "rocket"})
    assert r.status_code == 200 and "Rathaus" in r.text  # nonsense coordinates: the name wins


def test_pages_allow_no_request_to_another_server(served):
    client, _, _ = served
    for path in ("/", "/console", "/?lang=en"):
        csp = client.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in csp and "http" not in csp


def test_network_layer_is_the_router_graph(served, cc_network):
    client, _, _ = served
    data = client.get("/web/network.geojson").json()
    assert data["graph_hash"] == cc_network.graph_hash
    classes = {f["properties"]["class"] for f in data["features"]}
    assert {"footway", "steps", "crossing", "road_no_pavement"} <= classes
    # every directed edge is drawn, in one direction or the other, and most ways only once
    drawn = {tuple(map(tuple, f["geometry"]["coordinates"])) for f in data["features"]}
    for e in range(cc_network.n_edges):
        line = tuple(map(tuple, np.round(cc_network.edge_coords(e), 6).tolist()))
        assert line in drawn or line[::-1] in drawn, e
    assert len(data["features"]) < 0.6 * cc_network.n_edges


def test_access_log_keeps_no_trip_ends(served, caplog):
    import logging

    client, _, _ = served
    from lotse_server.web.privacy import DropPlannerQuery

    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5", "GET",
                               "/?from=Stiftsplatz&to=Rathaus", "1.1", 200), None)
    assert DropPlannerQuery().filter(record)
    assert "Stiftsplatz" not in record.getMessage() and '"GET /?… HTTP/1.1"' in record.getMessage()
    other = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s %s %s %s %d",
                              ("c", "GET", "/v1/places/search?q=x", "1.1", 200), None)
    DropPlannerQuery().filter(other)
    assert "q=x" in other.getMessage()  # other paths keep their query (no trip in them)
    assert any(isinstance(f, DropPlannerQuery) for f in logging.getLogger("uvicorn.access").filters)


def test_a_configured_tile_server_is_the_one_other_image_origin(served, monkeypatch):
    from lotse_server.web.config import web_settings

    client, _, _ = served
    monkeypatch.setenv("LOTSE_WEB_TILE_URL", "https://karten.kaiserslautern.example/{z}/{x}/{y}.png")
    web_settings.cache_clear()
    try:
        r = client.get("/console")
        csp = r.headers["content-security-policy"]
        assert "img-src 'self' data: blob: https://karten.kaiserslautern.example;" in csp
        assert "connect-src" not in csp and "default-src 'self'" in csp
        assert "karten.kaiserslautern.example/{z}/{x}/{y}.png" in r.text
        monkeypatch.setenv("LOTSE_WEB_TILE_URL", "javascript:alert(1)")
        web_settings.cache_clear()
        import pydantic
        with pytest.raises(pydantic.ValidationError):
            web_settings()
    finally:
        monkeypatch.delenv("LOTSE_WEB_TILE_URL")
        web_settings.cache_clear()


def test_an_offer_is_spoken_inside_its_place_sentence(served):
    from urllib.parse import unquote

    from accessibility.places import place_status_text

    client, staff, _ = served
    shop = client.post("/v1/staff/places", headers=staff, json={
        "name": "Café Rathaus", "category": "cafe", "lat": 49.4432, "lon": 7.7705,
        "opening_hours": "24/7"}).json()
    r = client.post("/console/api/speech", headers=staff, json={
        "text": "Kaffee heute zwei Euro.", "kind": "offer", "place_id": shop["id"], "lang": "de"})
    assert r.status_code == 200
    from datetime import UTC, datetime

    from lotse_common.opening import opening_state
    expected = place_status_text("Café Rathaus", "cafe", opening_state("24/7", datetime.now(UTC)),
                                 "de", offers=["Kaffee heute zwei Euro."])
    assert unquote(r.headers["x-lotse-spoken"]) == expected
    missing = client.post("/console/api/speech", headers=staff, json={
        "text": "x", "kind": "event", "place_id": 99999})
    assert missing.status_code == 404 and "99999" in missing.json()["detail"]


def test_health_flags_quiet_low_and_weak_beacons_most_urgent_first(served):
    from datetime import UTC, datetime

    from beacon_registry.sightings import record_sighting

    client, staff, _ = served
    app = client.app
    uuid = "f7826da6-4fa2-4e98-8024-bc5b71e08999"
    ids = {}
    for minor, name in enumerate(("A fine", "B low battery", "C weak", "D never heard")):
        r = client.post("/v1/staff/beacons", headers=staff, json={
            "kind": "ibeacon", "uuid": uuid, "major": 7, "minor": minor,
            "lat": 49.4440 + minor * 1e-4, "lon": 7.7690, "placement_de": name})
        assert r.status_code == 201, r.text
        ids[name] = f"ibeacon:{uuid}:7:{minor}"
    heard = {"A fine": (-70, 3000), "B low battery": (-72, 2300), "C weak": (-90, 3000)}
    now = datetime.now(UTC)
    with app.state.registry.session_factory.begin() as session:
        for name, (rssi, mv) in heard.items():
            for _ in range(6):
                record_sighting(session, "127.0.0.1", ids[name], rssi, mv, now)
    rows = client.get("/console/api/beacons/health", headers=staff).json()["beacons"]
    mine = [r for r in rows if r["identity"].startswith(f"ibeacon:{uuid}")]
    assert [r["placement_de"] for r in mine] == ["D never heard", "B low battery", "C weak"]
    assert mine[0]["problems"] == ["quiet"] and mine[1]["problems"] == ["battery"]
    assert mine[2]["problems"] == ["weak"] and mine[2]["weaker_db"] == 18.0  # -90 vs median -72
    assert client.get("/console/api/beacons/health?days=0", headers=staff).status_code == 422
