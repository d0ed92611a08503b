"""Tester trip logs: validated line by line with `tester_log.schema.validate_line`, stored verbatim.

All or nothing: one bad line rejects the upload and names the line, so a log is either complete
in the database or not there at all.
"""

from __future__ import annotations

import hashlib
import json
import logging

from sqlalchemy.orm import Session

from beacon_registry.errors import InvalidField, PayloadTooLarge
from beacon_registry.input_rules import json_depth_exceeds, unsafe_char
from beacon_registry.models import TesterLog

logger = logging.getLogger(__name__)

MAX_LOG_BYTES = 20_000_000
MAX_SESSIONS_TEXT = 2000


def _validator():
    from tester_log.schema import validate_line

    return validate_line


def store_log(session: Session, uploader: str, raw: bytes) -> TesterLog:
    if len(raw) > MAX_LOG_BYTES:
        raise PayloadTooLarge(f"log exceeds {MAX_LOG_BYTES} bytes", "body")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidField("the log must be UTF-8 JSON Lines", "body") from exc
    validate_line = _validator()
    sessions: set[str] = set()
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
            if not isinstance(event, dict):
                raise ValueError("each line must be a JSON object")
            if json_depth_exceeds(event):
                raise ValueError("JSON nested too deeply")
            validate_line(event)
            session_id = event.get("session")
            if isinstance(session_id, str) and unsafe_char(session_id):
                raise ValueError(f"session holds a control character ({unsafe_char(session_id)})")
        except RecursionError as exc:
            raise InvalidField(f"line {number}: JSON nested too deeply", "body") from exc
        except ValueError as exc:  # json.JSONDecodeError is a ValueError too
            raise InvalidField(f"line {number}: {exc}", "body") from exc
        count += 1
        if isinstance(session_id, str):
            sessions.add(session_id)
    if count == 0:
        raise InvalidField("the log holds no events", "body")
    log = TesterLog(
        uploaded_by=uploader,
        line_count=count,
        size_bytes=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        sessions=",".join(sorted(sessions))[:MAX_SESSIONS_TEXT],
        content=raw,
    )
    session.add(log)
    session.flush()
    logger.info("stored tester log %s (%d lines) from %s", log.id, count, uploader)
    return log


def log_meta(log: TesterLog) -> dict:
    return {
        "id": log.id,
        "uploaded_at": log.uploaded_at.isoformat(),
        "uploaded_by": log.uploaded_by,
        "line_count": log.line_count,
        "size_bytes": log.size_bytes,
        "sha256": log.sha256,
        "sessions": [s for s in log.sessions.split(",") if s],
    }
