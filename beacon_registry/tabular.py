"""Rows in and out of CSV and GeoJSON for bulk import/export (beacon plans, place lists).

GeoJSON Points carry lat/lon in the geometry and everything else in properties; CSV carries the
same columns plus `lat`,`lon`, so a file exported one way can be edited and imported back.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from beacon_registry.errors import InvalidField
from beacon_registry.service import Entity


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
        row = {k.strip(): v.strip() for k, v in raw.items() if v is not None and v.strip()}
        row.pop("id", None)  # exported files carry the database id; identity decides on import
        rows.append(row)
    return rows


def parse_geojson(text: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidField(f"not JSON ({exc.msg} at line {exc.lineno})", "file") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise InvalidField("expected a GeoJSON FeatureCollection", "file")
    rows: list[dict[str, Any]] = []
    for feature in doc.get("features") or []:
        props = dict((feature or {}).get("properties") or {})
        geom = (feature or {}).get("geometry") or {}
        coords = geom.get("coordinates")
        if geom.get("type") == "Point" and isinstance(coords, list) and len(coords) >= 2:
            props["lon"], props["lat"] = coords[0], coords[1]
        else:
            props["_error"] = "geometry must be a GeoJSON Point"
        props.pop("id", None)
        rows.append(props)
    return rows


def to_csv(entity: Entity, records: list[dict[str, Any]]) -> str:
    cols = ["id", *columns(entity)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({k: "" if rec.get(k) is None else rec[k] for k in cols})
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
