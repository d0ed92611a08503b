"""Errors are JSON with a detail (500 included), load beyond capacity is shed with 503 +
Retry-After, the probes answer apart from the pool, and every response carries the headers."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.exc import TimeoutError as PoolTimeout

from lotse_server.capacity import Capacity
from lotse_server.serve import build_app


def test_unexpected_error_is_json_500(app, client):
    def boom():
        raise KeyError("a bug")

    app.add_api_route("/boom", boom)
    r = client.get("/boom")
    assert r.status_code == 500
    assert r.json() == {"detail": "internal server error; the problem has been logged"}
    assert "a bug" not in r.text


def test_no_free_database_connection_is_503_not_500(app, client):
    def starved():
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached")

    app.add_api_route("/starved", starved)
    r = client.get("/starved")
    assert r.status_code == 503 and r.headers["retry-after"] == "2"
    assert r.json() == {"detail": "the service is busy; try again shortly", "retry_after": 2}


def test_beyond_capacity_requests_are_shed_but_probes_answer(db_url, cc_network):
    app = build_app(database_url=db_url, network=cc_network,
                    capacity=Capacity(threads=4, max_in_flight=0))
    with TestClient(app) as client:
        r = client.get("/v1/places/search", params={"q": "Stiftsplatz"})
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
        assert r.json()["retry_after"] == 1 and "busy" in r.json()["detail"]
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").json()["status"] == "ready"
    app.state.registry.session_factory.kw["bind"].dispose()


def test_pool_matches_the_threads(app):
    engine = app.state.registry.session_factory.kw["bind"]
    assert engine.pool.size() == Capacity().threads + 4


def test_readyz_says_when_the_database_is_gone(app, client):
    from beacon_registry.db import make_engine, make_session_factory

    assert client.get("/readyz").status_code == 200
    good = app.state.registry.session_factory
    app.state.registry.session_factory = make_session_factory(
        make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    try:
        r = client.get("/readyz")
    finally:
        app.state.registry.session_factory = good
    assert r.status_code == 503 and r.json()["database"] == "unreachable"
    assert client.get("/healthz").status_code == 200


def test_every_response_has_security_headers(client):
    for path in ("/healthz", "/v1/places/search?q=Markt", "/nowhere", "/v1/staff/places"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert "detail" in r.json() or r.status_code == 200


def test_html_gets_a_same_origin_csp(app, client):
    from fastapi.responses import HTMLResponse

    app.add_api_route("/page", lambda: HTMLResponse("<p>Hallo</p>"))
    csp = client.get("/page").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "img-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_liveness_answers_while_every_thread_and_connection_is_taken(db_url, cc_network):
    """/healthz runs on the event loop: with the only request thread blocked (holding the
    database), it still answers, and a sync endpoint is what waits."""
    import threading

    app = build_app(database_url=db_url, network=cc_network,
                    capacity=Capacity(threads=1, max_in_flight=64))
    release, entered, finished = threading.Event(), threading.Event(), threading.Event()

    def blocker():
        with app.state.registry.session_factory() as session:
            session.connection()
            entered.set()
            release.wait(10)
        finished.set()
        return {"done": True}

    app.add_api_route("/block", blocker)
    with TestClient(app) as client:
        worker = threading.Thread(target=lambda: client.get("/block"))
        worker.start()
        assert entered.wait(30)
        try:
            r = client.get("/healthz")
            assert r.status_code == 200 and not finished.is_set()
        finally:
            release.set()
            worker.join(30)
    app.state.registry.session_factory.kw["bind"].dispose()


def test_shedder_sheds_when_requests_run_late_and_recovers():
    """Below the in-flight limit, a process whose recent requests took longer than the target
    sheds once `floor` are in progress, and admits again when answers are quick again."""
    import asyncio

    from lotse_server.middleware import LoadShedder

    now = [0.0]
    gates: list[asyncio.Event] = []
    statuses: list[int] = []

    async def app(scope, receive, send):
        gate = asyncio.Event()
        gates.append(gate)
        await gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    shedder = LoadShedder(app, limit=100, floor=2, max_latency_s=2.0, clock=lambda: now[0])
    shedder.latency_s = 5.0  # recent answers were late
    scope = {"type": "http", "path": "/v1/places/search"}

    async def scenario():
        admitted = [asyncio.create_task(shedder(scope, None, send)) for _ in range(2)]
        await asyncio.sleep(0)
        # two in progress, running late: shed at once (admitted, it would wait on its gate)
        await asyncio.wait_for(shedder(scope, None, send), 5)
        assert statuses == [503]
        for gate in gates:
            gate.set()
        await asyncio.gather(*admitted)
        shedder.latency_s = 0.1  # quick again: three at once are all admitted
        again = [asyncio.create_task(shedder(scope, None, send)) for _ in range(3)]
        await asyncio.sleep(0)
        assert shedder.in_flight == 3
        for gate in gates[2:]:
            gate.set()
        await asyncio.gather(*again)

    asyncio.run(scenario())
    assert statuses == [503, 200, 200, 200, 200, 200]
