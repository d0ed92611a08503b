"""Rows in and out of CSV and GeoJSON for bulk import/export (beacon plans, place lists).

GeoJSON Points carry lat/lon in the geometry and everything else in properties; CSV carries the
same columns plus `lat`,`lon`, so a file exported one way can be edited and imported back.

Spreadsheets run a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula, so an exported text cell beginning so is written with a leading apostrophe (OWASP's
advice), and an import takes exactly that apostrophe off again: a round trip keeps the text.
Import trims spaces only, so a leading tab someone put there to defuse a cell stays.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from beacon_registry.errors import InvalidField
from beacon_registry.input_rules import json_depth_exceeds, position
from beacon_registry.service import Entity

#: first characters a spreadsheet reads as the start of a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value: str) -> str:
    """An imported cell: spaces trimmed, the apostrophe `neutralise` added taken off."""
    value = value.strip(" ")
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def columns(entity: Entity) -> list[str]:
    return list(entity.schema_in.model_fields)


def parse_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise InvalidField("the CSV has no header row", "file")
    rows = []
    for raw in reader:
        if None in raw:
            raise InvalidField(f"line {reader.line_num} has more cells than the header", "file")
        row = {k.strip(): _cell(v) for k, v in raw.items() if v is not None and _cell(v)}
        row.pop("id", None)  # exported files carry the database id; identity decides on import
        rows.append(row)
    return rows


def parse_geojson(text: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidField(f"not JSON ({exc.msg} at line {exc.lineno})", "file") from exc
    except RecursionError as exc:
        raise InvalidField("JSON nested too deeply", "file") from exc
    if json_depth_exceeds(doc):
        raise InvalidField("JSON nested too deeply", "file")
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise InvalidField("expected a GeoJSON FeatureCollection", "file")
    rows: list[dict[str, Any]] = []
    features = doc.get("features")
    if not isinstance(features, list):
        raise InvalidField("a FeatureCollection needs a list of features", "file")
    for feature in features:
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties")
        props = dict(props) if isinstance(props, dict) else {}
        geom = feature.get("geometry")
        geom = geom if isinstance(geom, dict) else {}
        if geom.get("type") != "Point":
            props["_error"] = "geometry must be a GeoJSON Point"
        else:
            try:
                props["lon"], props["lat"] = position(geom.get("coordinates"))
            except ValueError as exc:
                props["_error"] = str(exc)
        props.pop("id", None)
        rows.append(props)
    return rows


def to_csv(entity: Entity, records: list[dict[str, Any]]) -> str:
    cols = ["id", *columns(entity)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({k: "" if rec.get(k) is None else neutralise(rec[k]) for k in cols})
    return out.getvalue()


def to_geojson(entity: Entity, records: list[dict[str, Any]]) -> dict[str, Any]:
    cols = [c for c in columns(entity) if c not in ("lat", "lon")]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": rec["id"],
                "geometry": {"type": "Point", "coordinates": [rec["lon"], rec["lat"]]},
                "properties": {k: rec.get(k) for k in cols},
            }
            for rec in records
        ],
    }
