"""The tester log format as a published JSON Schema, generated from ``tester_log.schema``.

The validator and the schema share one definition (``FIELDS_BY_VERSION``, the ranges, the
identity fields), so a tool outside Python (a phone written in Kotlin, a notebook, the staff
console) checks a line exactly as the server does. ``docs/tester-log.schema.json`` is this
module's output; a test fails when it is out of date. Write it again with
``python -m tester_log.json_schema docs/tester-log.schema.json``.

Two things the JSON Schema cannot say as the validator does: a float that is not finite (JSON
has no NaN) and "v must be the version whose fields it names" — each version is its own branch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tester_log.schema import (
    _RANGES,
    FIELDS_BY_VERSION,
    IDENTITY_FIELDS,
    PRIVATE_SETTINGS,
    SESSION_PATTERN,
    _Spec,
)

SCHEMA_ID = "https://lotse.kaiserslautern.de/schemas/tester-log.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

_JSON_TYPES = {int: "number", float: "number", str: "string", dict: "object", list: "array",
               bool: "boolean", type(None): "null"}


def _field_schema(name: str, spec: _Spec) -> dict[str, Any]:
    types, _ = spec
    names = list(dict.fromkeys(_JSON_TYPES[t] for t in types))
    if types == (int,) or types == (int, type(None)):  # an index or a count: a whole number
        names = ["integer" if n == "number" else n for n in names]
    out: dict[str, Any] = {"type": names[0] if len(names) == 1 else names}
    if name in _RANGES:
        low, high = _RANGES[name]
        out["minimum"] = low
        if high != float("inf"):
            out["maximum"] = high
    if name == "settings":
        out["not"] = {"anyOf": [{"required": [k]} for k in sorted(PRIVATE_SETTINGS)]}
    return out


def _event_schema(version: int, kind: str, fields: dict[str, _Spec]) -> dict[str, Any]:
    properties: dict[str, Any] = {"v": {"const": version}, "type": {"const": kind}}
    properties.update({name: _field_schema(name, spec) for name, spec in fields.items()})
    required = ["v", "t", "session", "type", *(n for n, (_, req) in fields.items() if req)]
    return {"title": f"{kind} (v{version})", "properties": properties, "required": required}


def json_schema() -> dict[str, Any]:
    """The whole log line schema: common fields, then one branch per version and event type."""
    branches = [_event_schema(version, kind, fields)
                for version, by_type in sorted(FIELDS_BY_VERSION.items())
                for kind, fields in by_type.items()]
    t_low, _ = _RANGES["t"]
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "Lotse tester log line",
        "description": "One line of a Lotse tester log (JSON Lines). Generated from "
                       "tester_log.schema; do not edit by hand.",
        "type": "object",
        "properties": {
            "v": {"type": "integer", "enum": sorted(FIELDS_BY_VERSION)},
            "t": {"type": "number", "minimum": t_low},
            "session": {"type": "string", "pattern": SESSION_PATTERN.pattern},
            "type": {"type": "string"},
        },
        "required": ["v", "t", "session", "type"],
        "not": {"anyOf": [{"required": [k]} for k in sorted(IDENTITY_FIELDS)]},
        "oneOf": branches,
    }


def render() -> str:
    """The schema as the text of ``docs/tester-log.schema.json``."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        Path(args[0]).write_text(render(), encoding="utf-8")
    else:
        sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
