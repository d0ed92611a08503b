"""Staff open the report of an uploaded tester log: the same report as `lotse replay`, one page."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: a real `lotse walk --log` of schema v1 (Adler-Apotheke area to the Burgstraße, seed 3)
V1_WALK = ROOT / "tests" / "triplog" / "data" / "walk_v1.jsonl.gz"


def test_staff_report_of_an_uploaded_walk(client, auth):
    body = gzip.decompress(V1_WALK.read_bytes())
    r = client.post("/v1/tester/logs", content=body, headers=auth("tester"))
    assert r.status_code == 201, r.text
    log_id = r.json()["id"]
    page = client.get(f"/v1/staff/logs/{log_id}/report", headers=auth("staff"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert 'id="verdict"' in text and "angekommen, Ankunft angesagt" in text
    assert text.count('src="data:image/png;base64,') == 2  # map and plot, inlined
    english = client.get(f"/v1/staff/logs/{log_id}/report?lang=en", headers=auth("staff"))
    assert english.status_code == 200 and "arrived, arrival said" in english.text
    assert '<html lang="en">' in english.text
    assert client.get(f"/v1/staff/logs/{log_id}/report", headers=auth("tester")).status_code \
        == 403
    missing = client.get("/v1/staff/logs/999/report", headers=auth("staff"))
    assert missing.status_code == 404 and "no log with id 999" in missing.text
    bad_lang = client.get(f"/v1/staff/logs/{log_id}/report?lang=fr", headers=auth("staff"))
    assert bad_lang.status_code == 422


_SERVER_ONLY = """
import gzip, json, sys
sys.path.insert(0, {registry!r})
from fastapi.testclient import TestClient
from registry_data import AREA
from beacon_registry.app import create_app, open_registry
from beacon_registry.tokens import create_token
ctx = open_registry({url!r}, AREA)
with ctx.session_factory.begin() as s:
    tester, staff = create_token(s, "tester", "t-1"), create_token(s, "staff", "s-1")
with TestClient(create_app(context=ctx)) as c:
    body = gzip.decompress(open({walk!r}, "rb").read())
    before = {{m for m in ("matplotlib", "bleak", "kivy") if m in sys.modules}}
    r = c.post("/v1/tester/logs", content=body, headers={{"Authorization": "Bearer " + tester}})
    page = c.get(f"/v1/staff/logs/{{r.json()['id']}}/report",
                 headers={{"Authorization": "Bearer " + staff}})
    after = {{m for m in ("matplotlib", "bleak", "kivy") if m in sys.modules}}
print(json.dumps({{"status": page.status_code, "before": sorted(before), "after": sorted(after)}}))
"""


def test_the_report_endpoint_loads_matplotlib_lazily_and_never_bleak_or_kivy(tmp_path):
    script = _SERVER_ONLY.format(registry=str(ROOT / "tests" / "registry"),
                                 url=f"sqlite:///{tmp_path / 'r.db'}", walk=str(V1_WALK))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out == {"status": 200, "before": [], "after": ["matplotlib"]}


def test_without_the_report_extra_the_endpoint_says_what_to_install(client, auth, monkeypatch):
    """A server installed without matplotlib answers 501 naming the extra, never 500."""
    body = gzip.decompress(V1_WALK.read_bytes())
    log_id = client.post("/v1/tester/logs", content=body, headers=auth("tester")).json()["id"]
    monkeypatch.setitem(sys.modules, "tester_log.review.server", None)  # import fails
    r = client.get(f"/v1/staff/logs/{log_id}/report", headers=auth("staff"))
    assert r.status_code == 501 and "lotse[server,report]" in r.json()["detail"]
