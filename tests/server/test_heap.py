"""The served heap is settled once built: garbage collected, the rest frozen out of the cyclic
collector's sight, so a full collection under load walks only the requests in flight."""

from __future__ import annotations

import gc
import weakref

import pytest

from lotse_server import heap


@pytest.fixture
def thawed():
    gc.unfreeze()
    yield
    gc.unfreeze()


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


def test_objects_made_after_settling_are_still_collected(thawed) -> None:
    heap.settle()
    node = _Node()
    assert id(node) in {id(o) for o in gc.get_objects()}
