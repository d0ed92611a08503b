"""Role × endpoint matrix: who may write what, and that public reads need no login."""

from __future__ import annotations

import pytest
from registry_data import ibeacon, place

NOTICE = {
    "kind": "event",
    "text_de": "Wochenmarkt auf dem Stiftsplatz",
    "area": "innenstadt",
    "valid_from": "2026-11-24T08:00:00+01:00",
    "valid_to": "2026-11-24T14:00:00+01:00",
}
OBSTACLE = {
    "kind": "road_works",
    "geometry": {"type": "Point", "coordinates": [7.7700, 49.4447]},
    "valid_from": "2026-11-24T08:00:00+01:00",
    "valid_to": "2026-11-30T18:00:00+01:00",
    "effect": "block",
    "description_de": "Baustelle",
    "description_en": "Road works",
}

#: (method, path, body, minimum role)
ENDPOINTS = [
    ("post", "/v1/staff/beacons", ibeacon(), "staff"),
    ("get", "/v1/staff/beacons", None, "staff"),
    ("post", "/v1/staff/places", place(), "staff"),
    ("get", "/v1/staff/places", None, "staff"),
    ("post", "/v1/staff/notices", NOTICE, "staff"),
    ("post", "/v1/staff/obstacles", OBSTACLE, "staff"),
    ("get", "/v1/staff/obstacles", None, "staff"),
    ("get", "/v1/staff/beacons/export", None, "staff"),
    ("get", "/v1/staff/beacons/health", None, "staff"),
    ("get", "/v1/staff/audit", None, "staff"),
    ("get", "/v1/staff/logs", None, "staff"),
]
RANK = {"tester": 0, "staff": 1, "admin": 2}


def _call(client, method, path, body, headers):
    if method == "get":
        return client.get(path, headers=headers)
    return client.post(path, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body", "needed"), ENDPOINTS)
def test_role_matrix(client, auth, method, path, body, needed):
    assert _call(client, method, path, body, {}).status_code == 401
    bogus = {"Authorization": "Bearer lotse_not-a-token"}
    assert _call(client, method, path, body, bogus).status_code == 401
    for role, rank in RANK.items():
        r = _call(client, method, path, body, auth(role))
        if rank < RANK[needed]:
            assert r.status_code == 403, (role, r.text)
        else:
            assert r.status_code in (200, 201), (role, r.text)
            if method == "post":  # a second create of the same thing must not pass silently
                break


def test_public_endpoints_need_no_login(client):
    assert client.get("/v1/bundle").status_code == 200
    assert client.get("/v1/places/near", params={"lat": 49.4447, "lon": 7.77}).status_code == 200
    r = client.get("/v1/beacons/lookup", params={"uuid": ibeacon()["uuid"], "major": 9, "minor": 9})
    assert r.status_code == 404


def test_revoked_token_is_refused(ctx, client, auth):
    from beacon_registry.tokens import revoke_token

    assert client.get("/v1/staff/beacons", headers=auth("staff")).status_code == 200
    with ctx.session_factory.begin() as session:
        revoke_token(session, "staff-1")
    assert client.get("/v1/staff/beacons", headers=auth("staff")).status_code == 401


def test_tester_may_upload_logs_but_not_edit(client, auth):
    log = b'{"v":1,"t":0.0,"session":"tester-walk-1","type":"marker"}\n'
    assert client.post("/v1/tester/logs", content=log).status_code == 401
    for role in ("tester", "staff", "admin"):
        assert client.post("/v1/tester/logs", content=log, headers=auth(role)).status_code == 201
    r = client.patch("/v1/staff/beacons/1", json={"version": 1}, headers=auth("tester"))
    assert r.status_code == 403


def test_a_staff_write_looks_its_token_up_once(ctx, client, auth):
    """The token checked before the body is read is the one the handler acts as: one lookup
    per request, and the audit names that token."""
    from sqlalchemy import event

    headers = auth("staff")
    lookups: list[str] = []
    engine = ctx.session_factory.kw["bind"]

    def count(_conn, _cursor, statement, *_args) -> None:
        if "FROM api_tokens" in statement:
            lookups.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        r = client.post("/v1/staff/beacons", json=ibeacon(), headers=headers)
        assert r.status_code == 201, r.text
        assert len(lookups) == 1, lookups
        assert client.get("/v1/staff/beacons", headers=headers).status_code == 200
        assert len(lookups) == 2
    finally:
        event.remove(engine, "before_cursor_execute", count)
    audit = client.get("/v1/staff/audit", headers=headers).json()
    entries = audit["entries"] if isinstance(audit, dict) else audit
    assert any(e.get("actor") == "staff-1" for e in entries), entries
