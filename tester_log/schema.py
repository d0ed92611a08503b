"""The tester log format, shared by the phone (writer, replay) and the server (upload check).

One JSON object per line (JSON Lines) so a log that is cut off by a crash or a full disk loses at
most its last line, and so a reader can skip one corrupt line and keep the rest. Every line carries
the schema version ``v``, a monotonic time stamp ``t`` in seconds, the pseudonymous ``session`` and
the event ``type``; the other fields depend on the type (see ``EVENT_FIELDS``). Fields beyond
those named are allowed, so a newer phone can add detail without breaking an older server, but
fields that could name a person or a device (``IDENTITY_FIELDS``) are refused: logs are
pseudonymous by design.

Version 2 (written now) adds to each announcement when it was queued and when it started, its
kind, maneuver and route; the radio and positioning settings at start (``setup``); the new route
with a re-route; "position uncertain" as an event. Version 1 logs are still read: readers get
their events through ``upgrade``. ``tester_log.json_schema`` publishes the same definitions as a
JSON Schema (``docs/tester-log.schema.json``).

Pure standard library: the server imports this without Kivy, bleak or matplotlib.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: the schema version written by this code; readers refuse lines from a newer version
SCHEMA_VERSION = 2
#: every version a reader still accepts (v1: logs written before announcements carried their
#: queue time, kind, maneuver and route)
READABLE_VERSIONS = (1, 2)

#: a pseudonym: random letters/digits, never derived from a name or a device
SESSION_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

#: top-level keys that could identify a person or a phone; refused on every line
IDENTITY_FIELDS = frozenset(
    {
        "name", "user", "user_id", "username", "account", "email", "phone", "phone_number",
        "device", "device_id", "device_name", "android_id", "imei", "serial", "advertising_id",
        "token", "password", "ip", "ip_address",
    }
)

#: keys of a ``settings`` event's dict that would tell where the tester lives or goes (saved
#: places such as "Zuhause"); the writer leaves them out and the schema refuses them
PRIVATE_SETTINGS = frozenset({"favourites", "favorites", "home"})

_NUMBER = (int, float)


class LogLineError(ValueError):
    """A log line the schema refuses; ``field`` names the offending field (None: the whole line,
    e.g. not JSON), so an upload can be refused with a precise message."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# A field spec: (allowed Python types after json.loads, required?)
_Spec = tuple[tuple[type, ...], bool]
_MAYBE_NUMBER = (*_NUMBER, type(None))

#: v1 event type -> {field: (types, required)}; the common fields v, t, session, type come on top
EVENT_FIELDS_V1: dict[str, dict[str, _Spec]] = {
    # started_at (ISO 8601 wall time) and tick_s (the guidance clock's period) let replay
    # evaluate opening hours as on the walk and tick the pipeline on the same grid
    "app_start": {"app_version": ((str,), False), "lang": ((str,), False),
                  "started_at": ((str,), False), "tick_s": (_NUMBER, False)},
    "settings": {"settings": ((dict,), False)},
    "route_requested": {"origin": ((dict, list), False), "destination": ((dict, list), False),
                        "profile": ((str,), False)},
    # replay re-runs guidance on `route` (the POST /v1/routes body); without it only positions
    "route_received": {"route": ((dict,), False), "distance_m": (_NUMBER, False)},
    # `beacon` is the frame's identity (mobile.ble.frames.beacon_key, "ibeacon:<uuid>:<maj>:<min>"
    # or "eddystone:<namespace>:<instance>"); replay rebuilds the frame from it and
    # `measured_power`, or the exact advertisement from manufacturer_data {"<company id>": hex}
    # and service_data {"<uuid>": hex} when those were logged
    "advert": {"beacon": ((str,), True), "rssi": (_NUMBER, True),
               "measured_power": ((int,), False),
               "manufacturer_data": ((dict,), False), "service_data": ((dict,), False)},
    "gps_fix": {"lat": (_NUMBER, True), "lon": (_NUMBER, True), "accuracy_m": (_NUMBER, True)},
    "position": {"lat": (_NUMBER, True), "lon": (_NUMBER, True),
                 "uncertainty_m": (_NUMBER, True), "source": ((str,), True)},
    "announcement": {"text": ((str,), True), "priority": ((str, int), True),
                     "planned_t": (_MAYBE_NUMBER, True), "actual_t": (_MAYBE_NUMBER, True),
                     "key": ((str, type(None)), False), "lang": ((str,), False)},
    "gesture": {"gesture": ((str,), True)},
    "marker": {"lat": (_NUMBER, False), "lon": (_NUMBER, False), "note": ((str,), False)},
    "error": {"message": ((str,), True), "where": ((str,), False)},
    "off_route": {"distance_m": (_NUMBER, False), "lat": (_NUMBER, False),
                  "lon": (_NUMBER, False)},
    "reroute": {"reason": ((str,), False)},
    "arrival": {"distance_m": (_NUMBER, False)},
    "truth": {"lat": (_NUMBER, True), "lon": (_NUMBER, True)},
}

#: v2 (written now): what v1 has, plus what a reviewer must not have to guess back
EVENT_FIELDS: dict[str, dict[str, _Spec]] = {
    **EVENT_FIELDS_V1,
    # the settings the walk's radio and positioning ran with, so a replay runs with the same:
    # `positioning` (mobile.positioning.beacons.PositionSettings), `timings`
    # (mobile.guidance.timings.GuidanceTimings), `radio` (a simulated walk's radio model)
    "setup": {"positioning": ((dict,), True), "timings": ((dict,), False),
              "radio": ((dict,), False), "seed": ((int,), False)},
    # route_id counts the routes of a session: 1 the first, 2… each re-route
    "route_received": {**EVENT_FIELDS_V1["route_received"], "route_id": ((int,), False)},
    # queued_t: when guidance handed it to the speech queue; started_t: when it began to play.
    # kind (depart, prep, instruction, arrival, hazard, confirm, reassure, info, position,
    # off_route, reroute, system), maneuver (its index on route `route`), chained (the decision
    # points said with it, "… Danach: …")
    "announcement": {"text": ((str,), True), "priority": ((str, int), True),
                     "queued_t": (_MAYBE_NUMBER, True), "started_t": (_NUMBER, True),
                     "kind": ((str,), True), "maneuver": ((int, type(None)), True),
                     "route": ((int,), True), "chained": ((list,), False),
                     "key": ((str, type(None)), False), "lang": ((str,), False)},
    "off_route": {**EVENT_FIELDS_V1["off_route"], "route_id": ((int,), False)},
    # the route the walk was given instead (the POST /v1/routes body) and its number
    "reroute": {"reason": ((str,), False), "route": ((dict,), False),
                "route_id": ((int,), False)},
    "arrival": {"distance_m": (_NUMBER, False), "route_id": ((int,), False),
                "lat": (_NUMBER, False), "lon": (_NUMBER, False)},
    # the phone's compass: which way it points (degrees from north); replay feeds it back
    "heading": {"degrees": (_NUMBER, True)},
    # the phone said (active) or stopped saying that its position is uncertain or lost
    "position_uncertain": {"active": ((bool,), True), "reason": ((str,), True),
                           "uncertainty_m": (_MAYBE_NUMBER, False),
                           "lat": (_NUMBER, False), "lon": (_NUMBER, False)},
}

#: schema version -> its event fields
FIELDS_BY_VERSION: dict[int, dict[str, dict[str, _Spec]]] = {1: EVENT_FIELDS_V1,
                                                              2: EVENT_FIELDS}

#: every event type a log may contain, in the order of a typical trip
EVENT_TYPES: tuple[str, ...] = tuple(EVENT_FIELDS)

_COMMON = ("v", "t", "session", "type")

#: numeric fields with a meaningful range: field -> (min, max)
_RANGES: dict[str, tuple[float, float]] = {
    "lat": (-90.0, 90.0),
    "lon": (-180.0, 180.0),
    "rssi": (-130.0, 20.0),
    "accuracy_m": (0.0, math.inf),
    "uncertainty_m": (0.0, math.inf),
    "t": (0.0, math.inf),
    "tick_s": (0.01, 5.0),
    "degrees": (0.0, 360.0),
}


def _type_names(types: tuple[type, ...]) -> str:
    names = {int: "number", float: "number", str: "string", dict: "object", list: "array",
             type(None): "null", bool: "boolean"}
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


def _check_value(name: str, value: Any, types: tuple[type, ...]) -> None:
    # bool is an int in Python but never a valid number in this log
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        raise LogLineError(f"field '{name}' must be {_type_names(types)}, got {value!r:.40}", name)
    if isinstance(value, float) and not math.isfinite(value):
        raise LogLineError(f"field '{name}' must be a finite number, got {value!r}", name)
    if name in _RANGES and isinstance(value, _NUMBER):
        low, high = _RANGES[name]
        if not low <= value <= high:
            raise LogLineError(f"field '{name}' out of range [{low:g}, {high:g}]: {value!r}",
                               name)


def validate_line(event: dict) -> dict:
    """Check one decoded log line against the schema; return it unchanged when it is valid.

    Raises ``LogLineError`` (a ``ValueError``) whose message and ``field`` name the offending
    field, so an upload can be refused with a message a tester understands and a reader can
    report which line is wrong.
    """
    if not isinstance(event, dict):
        raise LogLineError(f"a log line must be a JSON object, got {type(event).__name__}")
    for key in _COMMON:
        if key not in event:
            raise LogLineError(f"missing field '{key}'", key)
    version = event["v"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise LogLineError(f"field 'v' must be an integer schema version, got {version!r:.40}",
                           "v")
    if version not in FIELDS_BY_VERSION:
        raise LogLineError(f"field 'v': unsupported schema version {version} "
                           f"(this reader knows {', '.join(map(str, READABLE_VERSIONS))})", "v")
    fields = FIELDS_BY_VERSION[version]
    _check_value("t", event["t"], _NUMBER)
    session = event["session"]
    if not isinstance(session, str) or not SESSION_PATTERN.match(session):
        raise LogLineError("field 'session' must be a pseudonym of 8-64 letters, digits, "
                           "'-' or '_'", "session")
    kind = event["type"]
    if kind not in fields:
        raise LogLineError(f"field 'type': unknown event type {kind!r:.40}", "type")
    identity = IDENTITY_FIELDS.intersection(event)
    if identity:
        first = sorted(identity)[0]
        raise LogLineError(f"field '{first}' is not allowed: logs are pseudonymous", first)
    if kind == "settings" and isinstance(event.get("settings"), dict):
        private = PRIVATE_SETTINGS.intersection(event["settings"])
        if private:
            raise LogLineError(f"field 'settings.{sorted(private)[0]}' is not allowed: "
                               "saved places stay on the phone", "settings")
    for name, (types, required) in fields[kind].items():
        if name not in event:
            if required:
                raise LogLineError(f"missing field '{name}' for a {kind} event", name)
            continue
        _check_value(name, event[name], types)
    return event


#: a v1 announcement's callout key: "r<route>-" + the guidance loop's own key
_V1_KEY = re.compile(r"^r(\d+)-(maneuver|prep|depart|arrival|off-route|reroute|position)"
                     r"(?:-(\d+))?")
_V1_KINDS = {"maneuver": "instruction", "off-route": "off_route"}


def upgrade(event: dict) -> dict:
    """A valid event in the shape of the current version, for readers (never for storage).

    A v1 announcement gets ``started_t`` (its ``actual_t``), ``queued_t`` None (v1 wrote the
    start time there too, so the queue wait is unknown) and the kind, maneuver and route its
    callout key names; ``v`` stays 1 so a reader can still tell the log's age.
    """
    if event.get("v") != 1 or event.get("type") != "announcement":
        return event
    out = {k: v for k, v in event.items() if k not in ("planned_t", "actual_t")}
    actual = event.get("actual_t")
    out["started_t"] = event["t"] if actual is None else actual
    out["queued_t"] = None
    key = event.get("key")
    match = _V1_KEY.match(key) if isinstance(key, str) else None
    kind, maneuver, route = "system", None, 0
    if match:
        route, word, number = int(match.group(1)), match.group(2), match.group(3)
        kind = _V1_KINDS.get(word, word)
        if word in ("maneuver", "prep") and number is not None:
            maneuver = int(number)
        elif word == "depart":
            maneuver = 0
    out.update(kind=kind, maneuver=maneuver, route=route)
    return out


def encode_line(event: dict) -> str:
    """One event as one line of compact JSON (no NaN, no newline inside), ending in a newline."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def decode_line(text: str | bytes) -> dict:
    """Parse and validate one line; ``ValueError`` (also for bad JSON) says what is wrong."""
    try:
        event = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LogLineError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except UnicodeDecodeError:
        raise LogLineError("not valid UTF-8 text") from None
    return validate_line(event)


@dataclass(frozen=True)
class LineProblem:
    """A line that could not be used: its 1-based number in its file and why."""

    line: int
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:" if self.file else "line "
        return f"{where}{self.line}: {self.message}"


@dataclass
class LogRead:
    """The usable events of a log, in file order, and the lines that were skipped."""

    events: list[dict] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    lines: int = 0
    #: sessions left out when a reader kept only one: session -> number of events
    other_sessions: dict[str, int] = field(default_factory=dict)

    @property
    def sessions(self) -> list[str]:
        return list(dict.fromkeys(e["session"] for e in self.events))

    def of_type(self, *types: str) -> list[dict]:
        return [e for e in self.events if e["type"] in types]


def iter_lines(lines: Iterable[str | bytes], source: str = "") -> Iterator[dict | LineProblem]:
    """Yield each valid event, or a ``LineProblem`` for a line that is corrupt or off-schema.

    Blank lines are ignored. Corrupt lines are never fatal: one bad line in a two-hour walk must
    not hide the rest of it.
    """
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            yield upgrade(decode_line(raw))
        except ValueError as exc:
            yield LineProblem(number, str(exc), source)


def parse_lines(lines: Iterable[str | bytes], source: str = "") -> LogRead:
    """Read every line into a ``LogRead`` (events plus numbered problems)."""
    result = LogRead()
    for item in iter_lines(lines, source):
        result.lines += 1
        if isinstance(item, LineProblem):
            logger.debug("skipping %s", item)
            result.problems.append(item)
        else:
            result.events.append(item)
    return result


def rotated_parts(path: Path) -> list[tuple[int, Path]]:
    """The rotated older parts of the log at ``path`` as (number, file), oldest (lowest) first."""
    path = Path(path)
    pattern = re.compile(re.escape(path.stem) + r"\.(\d+)" + re.escape(path.suffix) + "$")
    found = []
    if path.parent.is_dir():
        for candidate in path.parent.iterdir():
            match = pattern.match(candidate.name)
            if match:
                found.append((int(match.group(1)), candidate))
    return sorted(found)


def log_parts(path: Path) -> list[Path]:
    """The files of one log, oldest first: rotated parts ``trip.1.jsonl``, ``trip.2.jsonl`` … then
    the file being written (``trip.jsonl``), as ``tester_log.writer.TripLogger`` names them.
    """
    parts = [p for _, p in rotated_parts(path)]
    if Path(path).exists():
        parts.append(Path(path))
    return parts


def read_log(path: Path, include_rotated: bool = False) -> LogRead:
    """Read a log file (and, on request, its rotated older parts first), skipping corrupt lines.

    Lines are read as bytes and decoded one by one, so a stray invalid UTF-8 byte spoils only
    its own line. Raises ``FileNotFoundError`` when there is no such log.
    """
    path = Path(path)
    parts = log_parts(path) if include_rotated else [path]
    if not parts or not parts[-1].exists():
        raise FileNotFoundError(f"no such log: {path}")
    result = LogRead()
    for part in parts:
        with part.open("rb") as handle:
            one = parse_lines(handle, source=part.name if include_rotated else "")
        result.events += one.events
        result.problems += one.problems
        result.lines += one.lines
    return result
