"""Errors are JSON with a detail (500 included), load beyond capacity is shed with 503 +
Retry-After, the probes answer apart from the pool, and every response carries the headers."""

from __future__ import annotations

import json

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
        # a page may be shed as a whole (its 503 says so), never its scripts one by one
        assert client.get("/console").status_code == 503
        script = client.get("/web/static/console_core.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    app.state.registry.session_factory.kw["bind"].dispose()


def test_the_thread_pool_is_sized_at_startup(db_url, cc_network):
    import anyio.to_thread

    app = build_app(database_url=db_url, network=cc_network, capacity=Capacity(threads=3))
    try:
        with TestClient(app) as client:
            limiter = client.portal.call(anyio.to_thread.current_default_thread_limiter)
            assert limiter.total_tokens == 3
    finally:
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


def _gated_app(gates: list, order: list):
    """An ASGI app whose requests each finish when their gate is opened (in `order`)."""
    import asyncio

    async def app(scope, receive, send):
        gate = asyncio.Event()
        gates.append(gate)
        await gate.wait()
        order.append(scope["query_string"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


def test_admission_serves_in_arrival_order_and_sheds_on_the_expected_wait():
    """One runs at a time, the rest wait in order; the expected wait comes from the departures
    seen while the place was taken, and one expecting more than the limit is answered 503 JSON
    with Retry-After at once, without reaching the app."""
    import asyncio

    from lotse_server.admission import LoadShedder

    now = [100.0]
    gates, order, answers = [], [], []
    shedder = LoadShedder(_gated_app(gates, order), concurrency=1, max_wait_s=1.0, limit=100,
                          clock=lambda: now[0])

    async def send(message):
        if message["type"] == "http.response.start":
            answers.append((message["status"], dict(message["headers"])))
        elif answers[-1][0] == 503:
            answers[-1] = (*answers[-1][:2], message["body"])

    def request(name: str):
        scope = {"type": "http", "path": "/v1/places/search", "query_string": name.encode()}
        return asyncio.create_task(shedder(scope, None, send))

    async def step() -> None:
        await asyncio.sleep(0.01)

    async def scenario():
        tasks = [request("a"), request("b")]  # a runs; b waits (no rate known yet: 0 s)
        await step()
        now[0] = 100.5
        gates[0].set()  # a done after 0.5 s: one place per 0.5 s; b runs
        await step()
        tasks += [request("c"), request("d")]  # expect 0.5 s and 1.0 s: both wait
        await step()
        assert (shedder.running, shedder.in_flight) == (1, 3)
        await asyncio.wait_for(request("e"), 5)  # expects 1.5 s > 1 s: shed at once
        assert len(gates) == 2 and [a[0] for a in answers] == [200, 503]
        for i in range(1, 4):
            now[0] += 0.5
            gates[i].set()
            await step()
        await asyncio.gather(*tasks)

    asyncio.run(asyncio.wait_for(scenario(), 10))
    status, headers, body = answers[1]
    assert headers[b"retry-after"] == b"1"
    assert json.loads(body) == {"detail": "the service is busy; try again shortly",
                                "retry_after": 1}
    assert order == [b"a", b"b", b"c", b"d"]  # in arrival order
    assert shedder.running == 0 and shedder.in_flight == 0 and shedder.shed == 1


def test_stuck_requests_shed_the_rest_and_probes_answer(db_url, cc_network):
    """Every request place held by a request that waits on the blocked database: a request then
    gets 503 JSON + Retry-After at once (not a hang until the pool gives up), and /healthz and
    /readyz still answer."""
    import threading
    import time

    app = build_app(database_url=db_url, network=cc_network,
                    capacity=Capacity(threads=2, concurrency=1, max_wait_s=0.5))
    release, entered = threading.Event(), threading.Event()

    def blocker():
        with app.state.registry.session_factory() as session:
            session.connection()
            entered.set()
            release.wait(20)
        return {"done": True}

    app.add_api_route("/block", blocker)
    with TestClient(app) as client:
        holder = threading.Thread(target=lambda: client.get("/block"))
        holder.start()
        try:
            assert entered.wait(30)
            time.sleep(0.1)  # longer than it takes to see that nothing comes free
            started = time.monotonic()
            r = client.get("/v1/beacons/lookup", params={"uuid": "x"})
            assert r.status_code == 503 and time.monotonic() - started < 0.8  # (waiting: 1 s)
            assert r.headers["retry-after"] == "1" and r.json()["retry_after"] == 1
            time.sleep(0.6)  # nothing has finished for longer than the wait limit
            started = time.monotonic()
            r = client.get("/v1/places/search", params={"q": "Stiftsplatz"})
            assert r.status_code == 503 and time.monotonic() - started < 0.8
            assert r.json()["detail"] == "the service is busy; try again shortly"
            assert client.get("/healthz").status_code == 200
            assert client.get("/readyz").status_code == 200
        finally:
            release.set()
            holder.join(30)
        assert client.get("/v1/places/search", params={"q": "Stiftsplatz"}).status_code == 200
    app.state.registry.session_factory.kw["bind"].dispose()


def test_place_search_answers_are_kept_per_query(app, client):
    """The same search is answered again from memory (same bytes, headers added on the way
    out); another query or a refused one is not served from there."""
    from lotse_server.answer_cache import AnswerCache

    cache = next(m for m in _middleware(app) if isinstance(m, AnswerCache))
    first = client.get("/v1/places/search", params={"q": "Stiftsplatz"})
    assert first.status_code == 200 and cache.hits == 0
    again = client.get("/v1/places/search", params={"q": "Stiftsplatz"})
    assert again.content == first.content and cache.hits == 1
    assert again.headers["x-content-type-options"] == "nosniff"
    other = client.get("/v1/places/search", params={"q": "Rathaus"})
    assert other.json()["query"] == "Rathaus" and cache.hits == 1
    for _ in range(2):
        assert client.get("/v1/places/search", params={"q": ""}).status_code == 422
    assert cache.hits == 1


def _middleware(app):
    """The middleware instances of a started app, outermost first."""
    layer = app.middleware_stack
    while layer is not None:
        yield layer
        layer = getattr(layer, "app", None)


def test_a_waiting_request_is_answered_503_after_twice_the_wait_limit():
    """Let in to wait before any rate was known, a request whose turn does not come is still
    answered, 503, after 2 x max_wait_s, and leaves the queue."""
    import asyncio
    import time

    from lotse_server.admission import LoadShedder

    gates, order, statuses = [], [], []
    shedder = LoadShedder(_gated_app(gates, order), concurrency=1, max_wait_s=0.1, limit=10)

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def scenario() -> float:
        scope = {"type": "http", "path": "/v1/bundle", "query_string": b""}
        running = asyncio.create_task(shedder(scope, None, send))
        await asyncio.sleep(0)
        started = time.monotonic()
        await shedder(scope, None, send)  # waits: no departure seen yet
        waited = time.monotonic() - started
        gates[0].set()
        await running
        return waited

    waited = asyncio.run(asyncio.wait_for(scenario(), 5))
    assert statuses == [503, 200] and 0.2 <= waited < 1.0
    assert shedder.in_flight == 0


def test_requests_that_never_suspend_start_a_few_per_turn_of_the_loop():
    """Answers worked out on the loop end in the turn they start, so the number running never
    grows; without a start limit per turn one turn would answer everything read before it.
    With `per_turn` 3, twenty requests arriving together run three per turn, in order."""
    import asyncio

    from lotse_server.admission import LoadShedder

    turn, ran = [0], []

    async def app(scope, receive, send):
        ran.append((turn[0], scope["query_string"]))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    shedder = LoadShedder(app, concurrency=4, max_wait_s=1.0, limit=100, per_turn=3)

    async def send(message):
        pass

    async def scenario():
        loop = asyncio.get_running_loop()

        def count_turns():
            turn[0] += 1
            loop.call_soon(count_turns)

        loop.call_soon(count_turns)
        await asyncio.sleep(0)
        names = [str(i).encode() for i in range(20)]
        await asyncio.gather(*(shedder({"type": "http", "path": "/v1/beacons/lookup",
                                        "query_string": name}, None, send) for name in names))
        return names

    names = asyncio.run(asyncio.wait_for(scenario(), 10))
    assert [name for _, name in ran] == names  # in arrival order
    per_turn: dict[int, int] = {}
    for t, _ in ran:
        per_turn[t] = per_turn.get(t, 0) + 1
    assert max(per_turn.values()) == 3 and len(per_turn) == 7
    assert shedder.running == 0 and shedder.in_flight == 0 and shedder.shed == 0
