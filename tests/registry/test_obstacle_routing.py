"""The registry shapes routes: `lotse serve`'s app routes around a new obstacle at once and
stops doing so when its window ends or it is retired (real inner-city network, both databases).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from beacon_registry.tokens import create_token
from lotse_server.serve import build_app

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


def test_registry_overlays_follow_the_window(ctx, client, auth, clock):
    """The provider hands the router only obstacles valid at the asked moment, as Overlays."""
    from beacon_registry.overlays import RegistryOverlays

    start = clock.now
    body = {
        "kind": "tactile_guidance",
        "effect": "bonus",
        "factor": 0.5,
        "geometry": {"type": "LineString", "coordinates": [[7.7690, 49.4440], [7.7695, 49.4442]]},
        "valid_from": start.isoformat(),
        "valid_to": (start + timedelta(hours=2)).isoformat(),
        "description_de": "Leitlinie",
        "description_en": "Guidance strip",
    }
    r = client.post("/v1/staff/obstacles", json=body, headers=auth("staff"))
    assert r.status_code == 201, r.text
    provider = RegistryOverlays(ctx.session_factory)
    assert provider.overlays(start - timedelta(minutes=1)) == []
    (overlay,) = provider.overlays(start + timedelta(hours=1))
    assert overlay.effect == "bonus" and overlay.cost_factor == 0.5
    assert overlay.description == {"de": "Leitlinie", "en": "Guidance strip"}
    assert provider.overlays(start + timedelta(hours=2)) == []


def test_database_outage_is_503_not_500(ctx, client):
    from beacon_registry.db import make_engine

    engine = ctx.session_factory.kw["bind"]
    engine.dispose()
    if engine.dialect.name == "sqlite":
        unreachable = engine.url.set(database="/nonexistent/dir/registry.db")
    else:
        unreachable = engine.url.set(port=1)
    ctx.session_factory.configure(bind=make_engine(unreachable.render_as_string(False)))
    r = client.get("/v1/bundle")
    assert r.status_code == 503 and "try again" in r.json()["detail"]
