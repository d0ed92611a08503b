"""POST /v1/routes takes the short way in (`HotPaths`) and answers exactly as the framework's
route does, with every guarantee around it: headers, body limit, JSON errors, a JSON 500."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient

from lotse_server.middleware import HotPaths
from lotse_server.routing_api import create_app

RATHAUS, STIFTSPLATZ = {"lat": 49.4437, "lon": 7.7697}, {"lat": 49.4447, "lon": 7.7700}
BODY = {"from": RATHAUS, "to": STIFTSPLATZ, "when": "2026-11-23T11:00:00+01:00"}


def test_the_served_answer_is_the_framework_routes_answer(client, cc_network):
    served = client.post("/v1/routes", json=BODY)
    plain = TestClient(create_app(cc_network)).post("/v1/routes", json=BODY)
    assert served.status_code == plain.status_code == 200
    assert served.content == plain.content
    assert served.headers["content-type"] == "application/json"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-security-policy"].startswith("default-src 'none'")


def test_bad_bodies_get_the_same_json_errors(client):
    r = client.post("/v1/routes", content=b'{"from": {"lat": 49.44,',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"].startswith("request body: malformed JSON")
    r = client.post("/v1/routes", json={**BODY, "from": {"lat": 91, "lon": 7.77}})
    assert r.status_code == 422 and "from.lat" in r.json()["detail"]


def test_an_unexpected_error_on_the_short_way_is_a_json_500(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.state.router, "route", broken)
    r = client.post("/v1/routes", json=BODY)
    assert r.status_code == 500
    assert r.json() == {"detail": "internal server error; the problem has been logged"}
    assert "boom" not in r.text


def test_only_the_listed_method_and_path_skip_the_app():
    seen: list[str] = []

    async def inner(scope, receive, send):
        seen.append(f"app {scope['method']} {scope['path']}")

    async def hot(scope, receive, send):
        seen.append(f"hot {scope['method']} {scope['path']}")

    paths = HotPaths(inner, {("POST", "/v1/routes"): hot})
    for method, path in (("POST", "/v1/routes"), ("GET", "/v1/routes"),
                         ("POST", "/v1/routes/"), ("GET", "/healthz")):
        asyncio.run(paths({"type": "http", "method": method, "path": path}, None, None))
    assert seen == ["hot POST /v1/routes", "app GET /v1/routes", "app POST /v1/routes/",
                    "app GET /healthz"]


def test_the_served_app_takes_the_short_way_inside_every_other_check(app):
    innermost = app.user_middleware[-1]  # Starlette lists the last added (outermost) first
    assert innermost.cls is HotPaths
    assert ("POST", "/v1/routes") in innermost.kwargs["paths"]
