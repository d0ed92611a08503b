"""Offline mode from the area bundle: ETag sync against the real `lotse serve` app, then routing
on the phone with the downloaded compiled graph, the registered beacons and no server at all."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from accessibility.voices import RecorderVoice
from mobile.app.bundle import BundleClient, BundleUnavailable, load_bundle_network
from mobile.app.controller import GuideController
from mobile.ble.plan import PLAN_PATH
from mobile.simulation.run import SimClock

SERVER = "http://testserver"
DEAD_SERVER = "http://127.0.0.1:9"  # discard port: nothing listens, connection refused


@pytest.fixture(scope="module")
def server(cc_network, tmp_path_factory):
    """The whole service (routing + registry on SQLite), with part of the shipped plan imported."""
    from beacon_registry.tokens import create_token
    from lotse_server.serve import build_app

    db = tmp_path_factory.mktemp("registry") / "registry.db"
    app = build_app(network=cc_network, database_url=f"sqlite:///{db}")
    with app.state.registry.session_factory() as session:
        token = create_token(session, "staff", "engine tests")
        session.commit()
    client = TestClient(app)
    plan = json.loads(PLAN_PATH.read_text(encoding="utf-8"))
    plan["features"] = plan["features"][:300]
    resp = client.post("/v1/staff/beacons/import", json=plan,
                       headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code in (200, 201), resp.text
    return client


def test_bundle_downloads_once_then_304_then_offline_copy(server, tmp_path):
    sent: list[tuple[str, str | None]] = []
    server.event_hooks["request"] = [lambda r: sent.append((r.url.path,
                                                           r.headers.get("if-none-match")))]
    try:
        client = BundleClient(SERVER, tmp_path, http=server)
        first = client.sync()
        assert first.fresh and first.changed and first.etag
        assert len(first.beacons) == 300 and first.graph_path is not None
        assert [p for p, _ in sent] == ["/v1/bundle", first.data["graph"]["url"]]
        second = client.sync()
        assert second.fresh and not second.changed
        assert sent[-1] == ("/v1/bundle", first.etag)  # asked with the ETag, got 304
        assert len(sent) == 3  # and the graph was not fetched again
    finally:
        server.event_hooks["request"] = []
    offline = BundleClient(DEAD_SERVER, tmp_path).sync()
    assert not offline.fresh and offline.problems and "not reachable" in offline.problems[0]
    assert offline.beacons == first.beacons
    with pytest.raises(BundleUnavailable, match="not reachable"):
        BundleClient(DEAD_SERVER, tmp_path / "empty").sync()


def test_controller_routes_offline_from_the_bundle(server, tmp_path, cc_network):
    bundle = BundleClient(SERVER, tmp_path, http=server).sync()
    bundle = BundleClient(DEAD_SERVER, tmp_path).sync()  # the phone is now offline
    net = load_bundle_network(bundle)
    assert net.graph_hash == cc_network.graph_hash and net.n_edges == cc_network.n_edges
    clock = SimClock(100.0)
    voice = RecorderVoice(clock=clock)
    ctl = GuideController(voice, settings_path=tmp_path / "settings.json", network=net,
                          beacons=bundle.beacons, places=bundle.places,
                          obstacles=bundle.obstacles, clock=clock)
    ctl.update_settings(server_url=DEAD_SERVER)  # server routing still on, but unreachable
    hbf = net.search_places("Hauptbahnhof", limit=1)[0]
    ctl.pipeline.on_gps(clock.now, hbf["lat"], hbf["lon"], 8.0)
    ctl.tick(clock.now)
    steps = ctl.preview("Stiftsplatz")
    assert steps[0] == "Offline-Modus, Route auf dem Telefon berechnet."
    assert any("Stiftsplatz" in s for s in steps) and len(steps) > 8
    status = ctl.start_guidance({"name": "Stiftsplatz", **_latlon(net, "Stiftsplatz")})
    assert status["mode"] == "offline" and status["guiding"]
    for _ in range(24):
        clock.now += 0.25
        ctl.tick(clock.now)
    assert voice.texts[0] == "Offline-Modus, Route auf dem Telefon berechnet."
    assert voice.texts[1].startswith("Gehen Sie nach")  # with its direction


def _latlon(net, name: str) -> dict:
    hit = net.search_places(name, limit=1)[0]
    return {"lat": hit["lat"], "lon": hit["lon"]}


def test_online_mode_routes_on_the_server(server, tmp_path, cc_network):
    clock = SimClock(5.0)
    voice = RecorderVoice(clock=clock)
    ctl = GuideController(voice, settings_path=tmp_path / "s.json", network=None, clock=clock,
                          bundle_fresh=True)
    ctl.planner.http = server
    ctl.update_settings(server_url=SERVER)
    ctl.pipeline.on_gps(clock.now, *_latlon(cc_network, "Hauptbahnhof").values(), 8.0)
    ctl.tick(clock.now)
    assert ctl.search("Stiftsplatz")[0]["name"] == "Stiftsplatz"
    status = ctl.start_guidance(_latlon(cc_network, "Stiftsplatz"))
    assert status["mode"] == "online"
    assert voice.texts[0] == "Online-Modus."
