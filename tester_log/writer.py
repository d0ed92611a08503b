"""The phone's tester log writer: opt-in, pseudonymous, size-bounded JSON Lines.

Logging is off by default; the app holds a ``NullLogger`` until the tester turns it on, so the
guidance code calls ``logger.event(...)`` unconditionally and never asks whether logging is on.
``TripLogger`` writes each event as one complete line (one ``write`` and a flush, so a crash loses
at most the line being written), checks it against ``tester_log.schema`` before writing, and
rotates to a numbered part when the file would pass ``max_bytes``
so a long test day cannot fill the phone.

The session id is random (``secrets``) and new for every logger: nothing in a log names the tester
or the phone.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

from tester_log.schema import (
    PRIVATE_SETTINGS,
    SCHEMA_VERSION,
    encode_line,
    rotated_parts,
    validate_line,
)

logger = logging.getLogger(__name__)

#: a file is rotated before it would grow past this size (bytes)
DEFAULT_MAX_BYTES = 5_000_000
#: rotated parts kept beside the current file; older parts are deleted
DEFAULT_MAX_PARTS = 20
#: a line is never allowed to be larger than this, whatever max_bytes is (bytes)
MIN_MAX_BYTES = 1024


def new_session_id() -> str:
    """A fresh pseudonym: 16 random hex digits, unrelated to any person, account or device."""
    return secrets.token_hex(8)


class _Stamper:
    """What every real logger shares: stamping, monotonic time, schema check, strictness."""

    enabled = True

    def __init__(self, clock: Callable[[], float], session: str | None, strict: bool) -> None:
        self.session = session or new_session_id()
        self.strict = strict
        self._clock = clock
        self._last_t = 0.0
        self.lines_written = 0

    def _stamp(self, type: str, fields: dict[str, Any]) -> tuple[dict, bytes] | None:
        """The validated event and its encoded line, or ``None`` when dropped (not strict)."""
        t = fields.pop("t", None)
        t = float(self._clock() if t is None else t)
        if type == "settings" and isinstance(fields.get("settings"), dict):
            # the whole settings object is handy to log, but saved places are the tester's own
            fields["settings"] = {k: v for k, v in fields["settings"].items()
                                  if k not in PRIVATE_SETTINGS}
        if t < self._last_t:
            logger.warning("time stamp %.3f before previous %.3f; clamped", t, self._last_t)
            t = self._last_t
        event = {"v": SCHEMA_VERSION, "t": t, "session": self.session, "type": type,
                 **fields}
        try:
            validate_line(event)
            data = encode_line(event).encode("utf-8")
        except (ValueError, TypeError) as exc:
            if self.strict:
                raise ValueError(f"{type} event not logged: {exc}") from None
            logger.warning("%s event not logged: %s", type, exc)
            return None
        self._last_t = t
        self.lines_written += 1
        return event, data

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError


class TripLogger(_Stamper):
    """Append tester events to ``path``; rotated parts are ``<stem>.1<suffix>``, ``.2`` …

    ``event(type, **fields)`` stamps ``v``, ``t`` (``fields['t']`` when the caller drives time,
    as the pipeline and a simulated walk do; otherwise ``clock()``), ``session`` and ``type``.
    Time stamps never go backwards within a logger, and are written at full float precision
    (JSON round-trips a float exactly): replay feeds them back to filters whose output depends
    on the time between packets, and rounding to 0.1 ms was enough to shift announcements.
    With ``strict`` (the default) an event that breaks the schema raises ``ValueError``; without
    it the event is dropped with a warning, so a logging mistake can never stop guidance.
    """

    def __init__(
        self,
        path: Path | str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        *,
        max_parts: int = DEFAULT_MAX_PARTS,
        clock: Callable[[], float] = time.monotonic,
        session: str | None = None,
        strict: bool = True,
    ) -> None:
        if max_bytes < MIN_MAX_BYTES:
            raise ValueError(f"max_bytes must be at least {MIN_MAX_BYTES}, got {max_bytes}")
        super().__init__(clock, session, strict)
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.max_parts = max_parts
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.path.open("ab")
        self._size = self._handle.tell()

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def event(self, type: str, **fields: Any) -> dict | None:
        """Write one event; return the line as written (``None`` when dropped or closed)."""
        if self._handle.closed:
            logger.warning("trip log closed; dropping %s event", type)
            return None
        stamped = self._stamp(type, fields)
        if stamped is None:
            return None
        event, data = stamped
        if self._size and self._size + len(data) > self.max_bytes:
            self._rotate()
        self._handle.write(data)
        self._handle.flush()
        self._size += len(data)
        return event

    def _part(self, index: int) -> Path:
        return self.path.with_name(f"{self.path.stem}.{index}{self.path.suffix}")

    def _rotate(self) -> None:
        """Close the full file, move it to the next part number, start an empty one."""
        self._handle.close()
        existing = rotated_parts(self.path)
        index = existing[-1][0] + 1 if existing else 1
        self.path.rename(self._part(index))
        for number, old in existing:
            if number <= index - self.max_parts:
                old.unlink(missing_ok=True)
        logger.info("trip log rotated to %s", self._part(index).name)
        self._handle = self.path.open("ab")
        self._size = 0

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()


class MemoryLogger(_Stamper):
    """Keeps validated events in ``events``: replay captures the re-run with it, tests read it."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        session: str | None = None,
        strict: bool = True,
    ) -> None:
        super().__init__(clock, session, strict)
        self.events: list[dict] = []
        self.closed = False

    def event(self, type: str, **fields: Any) -> dict | None:
        if self.closed:
            return None
        stamped = self._stamp(type, fields)
        if stamped is None:
            return None
        self.events.append(stamped[0])
        return stamped[0]

    def close(self) -> None:
        self.closed = True


class NullLogger:
    """The logger while logging is off: same interface, writes nothing, keeps nothing."""

    enabled = False
    session = None
    path = None
    lines_written = 0
    closed = False

    def event(self, type: str, **fields: Any) -> None:
        return None

    def close(self) -> None:
        return None

    def __enter__(self) -> NullLogger:
        return self

    def __exit__(self, *exc: object) -> None:
        return None
