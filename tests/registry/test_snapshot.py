"""The in-memory snapshot phones read from: no query per lookup or bundle, this process's writes
seen at once, another process's within the check interval, only changed tables read again,
notices in force by the moment asked. On SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from registry_data import AREA, UUID, FixedClock, ibeacon

from beacon_registry import service
from beacon_registry.app import create_app, open_registry
from beacon_registry.db import make_engine, make_session_factory
from beacon_registry.models import Beacon, Notice
from beacon_registry.snapshot import CHECK_AHEAD_S, CHECK_INTERVAL_S, SnapshotKeeper

Q = {"uuid": UUID, "major": 1, "minor": 1}


@pytest.fixture
def queries(ctx):
    from sqlalchemy import event

    seen: list[str] = []
    engine = ctx.session_factory.kw["bind"]
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_lookups_and_bundles_ask_no_database_while_fresh(client, auth, queries):
    client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff"))
    assert client.get("/v1/beacons/lookup", params=Q).status_code == 200
    etag = client.get("/v1/bundle").headers["etag"]
    queries.clear()
    started = time.monotonic()
    for _ in range(20):
        assert client.get("/v1/beacons/lookup", params=Q).json()["lat"] == ibeacon()["lat"]
        assert client.get("/v1/bundle", headers={"If-None-Match": etag}).status_code == 304
    elapsed = time.monotonic() - started
    # at most one look at the fingerprint per check interval (asked a little ahead of it),
    # however many requests
    assert len(queries) <= elapsed / (CHECK_INTERVAL_S - CHECK_AHEAD_S) + 1, (len(queries),
                                                                              elapsed)
    assert all("UNION ALL" in q for q in queries), queries


def test_a_write_here_is_served_by_the_next_lookup(client, auth):
    b = client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff")).json()
    assert client.get("/v1/beacons/lookup", params=Q).json()["placement"].startswith("am Eingang")
    client.patch(f"/v1/staff/beacons/{b['id']}", headers=auth("staff"),
                 json={"version": 1, "placement_de": "neben dem Briefkasten"})
    assert client.get("/v1/beacons/lookup", params=Q).json()["placement"] == (
        "neben dem Briefkasten")
    client.post(f"/v1/staff/beacons/{b['id']}/retire", json={"version": 2},
                headers=auth("staff"))
    assert client.get("/v1/beacons/lookup", params=Q).status_code == 404


def test_another_process_is_seen_after_the_interval_and_only_its_table_is_read(ctx, db_url):
    """A keeper over its own engine stands for another worker: within the interval it serves
    what it has without asking; after it, one fingerprint query shows the change, and only the
    changed table is read again."""
    from sqlalchemy import event

    engine = make_engine(db_url)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    clock = FixedClock(1000.0)  # seconds of a monotonic clock
    other = SnapshotKeeper(make_session_factory(engine), clock=clock)
    try:
        assert other.get().beacon_by_identity == {}
        with ctx.session_factory.begin() as session:  # a write through this worker's engine
            service.create(session, AREA, "staff", service.BEACON, ibeacon())
        seen.clear()
        assert other.get().beacon_by_identity == {}  # inside the interval: no query at all
        assert seen == []
        clock.now += CHECK_INTERVAL_S
        snapshot = other.get()
        assert [b.major for b in snapshot.beacon_by_identity.values()] == [1]
        reads = [q for q in seen if "UNION ALL" not in q]
        assert len(reads) == 1 and Beacon.__tablename__ in reads[0], seen
        assert other.reloads == 2
        seen.clear()
        clock.now += CHECK_INTERVAL_S
        assert other.get() is snapshot  # nothing changed: the same snapshot, one query
        assert len(seen) == 1
    finally:
        engine.dispose()


def test_on_the_loop_the_check_is_made_ahead_without_a_request_waiting(ctx, db_url):
    """Under steady requests the fingerprint is checked in the background shortly before it
    falls due: the request that starts it is answered from memory at once, and the next one
    already sees another process's write; only after a quiet spell does a request wait."""
    import asyncio

    engine = make_engine(db_url)
    clock = FixedClock(1000.0)
    other = SnapshotKeeper(make_session_factory(engine), clock=clock)

    async def walk() -> None:
        first = await other.current()
        assert first.beacon_by_identity == {}
        with ctx.session_factory.begin() as session:  # another worker writes
            service.create(session, AREA, "staff", service.BEACON, ibeacon())
        clock.now += CHECK_INTERVAL_S - CHECK_AHEAD_S / 2  # not due yet, but nearly
        assert await other.current() is first  # answered from memory, not waiting
        for _ in range(500):  # the check runs in a worker thread meanwhile
            if other.reloads == 2:
                break
            await asyncio.sleep(0.01)
        renewed = await other.current()
        assert [b.major for b in renewed.beacon_by_identity.values()] == [1]
        assert other.reloads == 2
        clock.now += 2 * CHECK_INTERVAL_S  # a quiet spell: this request waits for the check
        assert await other.current() is renewed
        assert other.reloads == 2  # nothing changed since: no table read again

    try:
        asyncio.run(walk())
    finally:
        engine.dispose()


def test_on_an_sqlite_file_the_loop_asks_nothing_until_another_connection_commits(ctx, db_url):
    """SQLite's change counter is read on the loop itself: interval after interval without a
    commit elsewhere asks no query at all; a commit through another engine is then seen by the
    first request after the interval."""
    import asyncio

    from sqlalchemy import event

    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's own change counter; PostgreSQL asks the fingerprint")
    engine = make_engine(db_url)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    clock = FixedClock(1000.0)
    other = SnapshotKeeper(make_session_factory(engine), clock=clock)

    async def walk() -> None:
        await other.current()
        clock.now += CHECK_INTERVAL_S
        first = await other.current()  # the fingerprint once, to learn the counter's value
        seen.clear()
        for _ in range(10):
            clock.now += CHECK_INTERVAL_S
            assert await other.current() is first
        assert seen == []
        with ctx.session_factory.begin() as session:  # another worker writes
            service.create(session, AREA, "staff", service.BEACON, ibeacon())
        clock.now += CHECK_INTERVAL_S
        renewed = await other.current()
        assert [b.major for b in renewed.beacon_by_identity.values()] == [1]

    try:
        asyncio.run(walk())
    finally:
        engine.dispose()


def test_a_changed_table_reads_only_its_changed_rows_and_still_equals_the_table(ctx, db_url):
    """After another process edits one beacon of many, the renewal reads that row (a query
    with a WHERE), and the result equals the whole table read afresh; a row deleted behind the
    registry's back (the fingerprint's count no longer matches) makes it read the whole table."""
    from sqlalchemy import delete, event, select, update

    with ctx.session_factory.begin() as session:
        for minor in range(1, 31):
            service.create(session, AREA, "staff", service.BEACON, ibeacon(minor=minor))
    engine = make_engine(db_url)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    clock = FixedClock(1000.0)
    other = SnapshotKeeper(make_session_factory(engine), clock=clock)
    table = Beacon.__table__
    try:
        assert len(other.get().beacons) == 30

        def whole() -> list[tuple]:
            with ctx.session_factory() as session:
                return [tuple(r) for r in session.execute(select(table).order_by(table.c.id))]

        with ctx.session_factory.begin() as session:
            b = session.scalars(select(Beacon).where(Beacon.minor == 7)).one()
            b.placement_de = "neben dem Briefkasten"
        seen.clear()
        clock.now += CHECK_INTERVAL_S
        snapshot = other.get()
        reads = [q for q in seen if "UNION ALL" not in q]
        assert len(reads) == 1 and "WHERE" in reads[0], reads
        assert [tuple(r) for r in snapshot.rows[Beacon]] == whole()
        assert snapshot.beacon_by_identity[
            f"ibeacon:{UUID}:1:7"].placement_de == "neben dem Briefkasten"

        with ctx.session_factory.begin() as session:  # gone without a trace in the stamps
            session.execute(delete(table).where(table.c.minor == 3))
            session.execute(update(table).where(table.c.minor == 4).values(version=2))
        seen.clear()
        clock.now += CHECK_INTERVAL_S
        snapshot = other.get()
        assert [tuple(r) for r in snapshot.rows[Beacon]] == whole()
        assert len(snapshot.beacons) == 29
        assert any("WHERE" not in q and "UNION ALL" not in q for q in seen), seen
    finally:
        engine.dispose()


def test_notices_in_force_follow_the_clock(ctx, clock):
    """A notice enters and leaves the lookup exactly at its window's edges (valid_to excluded)."""
    start = clock.now + timedelta(hours=1)
    with ctx.session_factory.begin() as session:
        service.create(session, AREA, "staff", service.BEACON, ibeacon())
        service.create(session, AREA, "staff", service.NOTICE, {
            "kind": "warning", "text_de": "Baustelle", "area": AREA.name,
            "valid_from": start, "valid_to": start + timedelta(hours=2)})
    with TestClient(create_app(context=ctx)) as client:
        def said() -> list[str]:
            return [n["text"] for n in client.get("/v1/beacons/lookup", params=Q).json()[
                "notices"]]

        assert said() == []
        clock.now = start
        assert said() == ["Baustelle"]
        clock.now = start + timedelta(hours=2) - timedelta(microseconds=1)
        assert said() == ["Baustelle"]
        clock.now = start + timedelta(hours=2)
        assert said() == []
    snapshot = ctx.snapshots.get()
    assert [n.text_de for n in snapshot.rows[Notice]] == ["Baustelle"]


def test_keeper_serves_one_snapshot_to_many_threads(db_url):
    """Concurrent readers in threads all get a whole snapshot (never a half-built one)."""
    from concurrent.futures import ThreadPoolExecutor

    ctx = open_registry(db_url, AREA)
    try:
        with ctx.session_factory.begin() as session:
            for minor in range(1, 31):
                service.create(session, AREA, "staff", service.BEACON, ibeacon(minor=minor))
        with ThreadPoolExecutor(8) as pool:
            sizes = list(pool.map(lambda _: len(ctx.snapshots.get().beacons), range(64)))
        assert sizes == [30] * 64
    finally:
        ctx.session_factory.kw["bind"].dispose()
