"""Tester log upload: role tester, every line validated by tester_log.schema, all or nothing."""

from __future__ import annotations

import json

from beacon_registry.api.routes import logs as log_routes

GOOD = [
    {"v": 1, "t": 0.0, "session": "tr1p-4f9a2c", "type": "app_start", "lang": "de"},
    {
        "v": 1,
        "t": 1.5,
        "session": "tr1p-4f9a2c",
        "type": "gps_fix",
        "lat": 49.4447,
        "lon": 7.77,
        "accuracy_m": 8.0,
    },
    {"v": 1, "t": 2.0, "session": "tr1p-4f9a2c", "type": "marker", "note": "Kante zu hoch"},
]


def _jsonl(events) -> bytes:
    return "".join(json.dumps(e) + "\n" for e in events).encode()


def test_upload_list_download(client, auth):
    body = _jsonl(GOOD)
    r = client.post("/v1/tester/logs", content=body, headers=auth("tester"))
    assert r.status_code == 201, r.text
    meta = r.json()
    assert meta["line_count"] == 3 and meta["sessions"] == ["tr1p-4f9a2c"]
    assert meta["uploaded_by"] == "tester-1"
    listed = client.get("/v1/staff/logs", headers=auth("staff")).json()
    assert [m["id"] for m in listed] == [meta["id"]]
    got = client.get(f"/v1/staff/logs/{meta['id']}", headers=auth("staff"))
    assert got.status_code == 200 and got.content == body
    assert client.get(f"/v1/staff/logs/{meta['id']}", headers=auth("tester")).status_code == 403
    assert client.get("/v1/staff/logs/999", headers=auth("staff")).status_code == 404


def test_one_bad_line_rejects_the_whole_log(client, auth):
    bad = [
        *GOOD[:2],
        {"v": 1, "t": 3.0, "session": "tr1p-4f9a2c", "type": "gps_fix", "lat": 49.4, "lon": 7.7},
        GOOD[2],
    ]
    r = client.post("/v1/tester/logs", content=_jsonl(bad), headers=auth("tester"))
    assert r.status_code == 422 and "line 3" in r.json()["detail"]
    assert "accuracy_m" in r.json()["detail"]
    r = client.post("/v1/tester/logs", content=b'{"v":1,\n', headers=auth("tester"))
    assert r.status_code == 422 and "line 1" in r.json()["detail"]
    leak = [GOOD[0] | {"device_id": "abc"}]
    assert (
        client.post("/v1/tester/logs", content=_jsonl(leak), headers=auth("tester")).status_code
        == 422
    )
    assert client.post("/v1/tester/logs", content=b"", headers=auth("tester")).status_code == 422
    assert client.get("/v1/staff/logs", headers=auth("staff")).json() == []


def test_size_limit_and_auth(client, auth, monkeypatch):
    assert client.post("/v1/tester/logs", content=_jsonl(GOOD)).status_code == 401
    monkeypatch.setattr(log_routes, "MAX_LOG_BYTES", 100)
    r = client.post("/v1/tester/logs", content=_jsonl(GOOD * 3), headers=auth("tester"))
    assert r.status_code == 413
    assert client.get("/v1/staff/logs", headers=auth("staff")).json() == []
