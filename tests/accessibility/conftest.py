"""Fixtures of the accessibility tests: an injected clock and a recorder voice on it."""

from __future__ import annotations

import pytest

from accessibility.voices import RecorderVoice


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def recorder(clock) -> RecorderVoice:
    return RecorderVoice(clock=clock)
