"""The registry shapes routes: `lotse serve`'s app routes around a new obstacle at once and
stops doing so when its window ends or it is retired (real inner-city network, both databases).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from beacon_registry.tokens import create_token
from lotse.server import build_app

ORIGIN = {"lat": 49.4447, "lon": 7.7700}
DESTINATION = {"lat": 49.4395, "lon": 7.7680}


@pytest.fixture
def served(db_url, cc_network):
    app = build_app(database_url=db_url, network=cc_network)
    registry = app.state.registry
    with registry.session_factory.begin() as session:
        token = create_token(session, "staff", "staff-routing")
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}
    registry.session_factory.kw["bind"].dispose()


def _route(client, when: datetime | None = None) -> dict:
    body = {"from": ORIGIN, "to": DESTINATION}
    if when is not None:
        body["when"] = when.isoformat()
    r = client.post("/v1/routes", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_obstacle_reroutes_at_once_and_expires(served):
    client, staff = served
    base = _route(client)
    coords = base["geometry"]["coordinates"]
    lon, lat = coords[len(coords) // 2]
    now = datetime.now(UTC)
    obstacle = {
        "kind": "road_works",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "effect": "block",
        "radius_m": 5,
        "valid_from": (now - timedelta(hours=1)).isoformat(),
        "valid_to": (now + timedelta(hours=1)).isoformat(),
        "description_de": "Baustelle, Gehweg gesperrt",
        "description_en": "Road works",
    }
    r = client.post("/v1/staff/obstacles", json=obstacle, headers=staff)
    assert r.status_code == 201, r.text
    created = r.json()

    detour = _route(client)  # the very next route, no waiting, no cache to expire
    assert [lon, lat] not in detour["geometry"]["coordinates"]
    assert detour["distance_m"] > base["distance_m"]

    after_window = _route(client, when=now + timedelta(hours=2))
    assert after_window["geometry"] == base["geometry"]

    r = client.post(
        f"/v1/staff/obstacles/{created['id']}/retire",
        json={"version": created["version"]},
        headers=staff,
    )
    assert r.status_code == 200
    assert _route(client)["geometry"] == base["geometry"]


def test_bundle_of_served_app_names_the_real_graph(served, cc_network):
    client, _ = served
    bundle = client.get("/v1/bundle").json()
    assert bundle["graph"]["hash"] == cc_network.graph_hash
    assert bundle["area"]["bbox"] == list(cc_network.bbox)
    assert client.get(bundle["graph"]["url"]).status_code == 200
