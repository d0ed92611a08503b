"""Import the named shops and amenities of an OSM extract as places, keyed by their OSM id.

Read with osmnx (`features_from_xml`), the same library that builds the walk graph, so no own
XML parsing. A re-import updates the existing place of each OSM id instead of adding a second
one. Invalid `opening_hours` (common in 2013 data) are dropped and counted, not fatal.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from beacon_registry.area import ServiceArea
from beacon_registry.errors import InvalidField
from beacon_registry.importer import import_rows
from beacon_registry.opening import validate
from beacon_registry.service import PLACE

logger = logging.getLogger(__name__)

TAGS = {"shop": True, "amenity": True}


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # NaN from pandas
        return None
    text = str(value).strip()
    return text or None


def read_osm_places(path: Path, area: ServiceArea) -> tuple[list[dict[str, Any]], int]:
    """Place rows from the extract (inside the area), and how many had unusable hours."""
    import osmnx as ox

    gdf = ox.features_from_xml(str(path), tags=TAGS)
    rows, dropped = [], 0
    min_lon, min_lat, max_lon, max_lat = area.bbox
    for (element, osm_id), feat in gdf.iterrows():
        name = _text(feat.get("name"))
        if not name:
            continue
        point = feat.geometry.representative_point()
        if not (min_lon <= point.x <= max_lon and min_lat <= point.y <= max_lat):
            continue
        category = _text(feat.get("shop")) or _text(feat.get("amenity")) or ""
        hours = _text(feat.get("opening_hours"))
        if hours is not None:
            try:
                hours = validate(hours)
            except InvalidField:
                dropped += 1
                hours = None
        rows.append(
            {
                "name": name[:200],
                "category": category[:80],
                "lat": round(point.y, 7),
                "lon": round(point.x, 7),
                "opening_hours": hours,
                "phone": (_text(feat.get("phone")) or _text(feat.get("contact:phone")) or "")[:50]
                or None,
                "notes": _text(feat.get("wheelchair:description")),
                "osm_id": f"{element}/{osm_id}",
            }
        )
    return rows, dropped


def import_osm_places(
    session: Session, area: ServiceArea, actor: str, path: Path
) -> dict[str, Any]:
    rows, dropped = read_osm_places(path, area)
    report = import_rows(session, area, actor, PLACE, rows, on_error="skip").as_dict()
    report["hours_dropped"] = dropped
    logger.info(
        "OSM place import from %s: %s", path, {k: v for k, v in report.items() if k != "ids"}
    )
    return report
