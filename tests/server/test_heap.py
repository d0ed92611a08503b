"""The served heap is settled once built: garbage collected, the rest frozen out of the cyclic
collector's sight, so a full collection under load walks only the requests in flight."""

from __future__ import annotations

import gc
import weakref

import pytest

from lotse_server import heap


@pytest.fixture
def thawed():
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_settle_freezes_what_is_alive_and_collects_cycles_first(thawed) -> None:
    kept = [_Node() for _ in range(100)]
    cycle = _Node()
    cycle.other = _Node()
    cycle.other.other = cycle
    dropped = weakref.ref(cycle)
    del cycle
    before = gc.get_freeze_count()
    heap.settle()
    assert gc.get_freeze_count() >= before + 100
    tracked = {id(o) for o in gc.get_objects()}
    assert not any(id(node) in tracked for node in kept)
    assert dropped() is None  # collected before the freeze, not kept forever
    assert gc.get_threshold()[2] == heap.FULL_COLLECTION_EVERY  # full collections rarer
    assert gc.get_threshold()[0] == heap.YOUNG_COLLECTION_AFTER  # young ones too


def test_objects_made_after_settling_are_still_collected(thawed) -> None:
    heap.settle()
    node = _Node()
    assert id(node) in {id(o) for o in gc.get_objects()}


def test_cycles_made_after_settling_are_collected_without_being_asked(thawed) -> None:
    """Collections come rarer, but they come: a cycle dropped while serving goes once enough
    objects were made after it (no gc.collect here)."""
    heap.settle()
    cycle = _Node()
    cycle.other = cycle
    dropped = weakref.ref(cycle)
    del cycle
    made = []
    for _ in range(2 * heap.YOUNG_COLLECTION_AFTER):
        made.append(_Node())
        if dropped() is None:
            break
    assert dropped() is None
    assert len(made) > heap.YOUNG_COLLECTION_AFTER // 2  # not at CPython's default of 700


def test_a_served_app_warms_up_then_settles_before_its_first_client(thawed, tmp_path, cc_network,
                                                                   caplog) -> None:
    """At startup the app answers its own warm-up requests (snapshot, bundle, place search)
    and only then freezes its heap: what those made is settled too, before any client."""
    import logging

    from fastapi.testclient import TestClient

    from lotse_server.serve import build_app

    app = build_app(database_url=f"sqlite:///{tmp_path / 'r.db'}", network=cc_network,
                    settle_heap=True)
    assert gc.get_freeze_count() == 0
    try:
        with caplog.at_level(logging.INFO, logger="lotse_server.heap"), TestClient(app):
            assert gc.get_freeze_count() > 10_000
            keeper = app.state.registry.snapshots
            assert keeper.reloads == 1  # read at startup, not by a client
            tracked = {id(o) for o in gc.get_objects()}
            assert id(keeper.get()) not in tracked  # made by the warm-up, then frozen
        assert "warmed up (200, 200, 200)" in caplog.text
    finally:
        app.state.registry.session_factory.kw["bind"].dispose()


def test_an_app_not_served_leaves_the_heap_alone(thawed, tmp_path, cc_network) -> None:
    from fastapi.testclient import TestClient

    from lotse_server.serve import build_app

    app = build_app(database_url=f"sqlite:///{tmp_path / 'r.db'}", network=cc_network)
    try:
        with TestClient(app):
            assert gc.get_freeze_count() == 0
    finally:
        app.state.registry.session_factory.kw["bind"].dispose()
