"""The service area a registry serves: its name, bounding box and the graph the phone downloads.

Standalone, the box comes from the `<bounds>` of the configured extract (the inner city by
default); under `lotse serve` it comes from the loaded network, so both always agree.
"""

from __future__ import annotations

import gzip
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from beacon_registry.errors import InvalidField

logger = logging.getLogger(__name__)

#: the inner-city extract's box (README of the shared data), used if the file cannot be read
INNER_CITY_BBOX = (7.760, 49.436, 7.777, 49.446)


@dataclass(frozen=True)
class ServiceArea:
    name: str
    #: (min_lon, min_lat, max_lon, max_lat)
    bbox: tuple[float, float, float, float]
    graph_hash: str | None = None

    def check(self, lat: float, lon: float, field_prefix: str = "") -> None:
        """Raise InvalidField naming lat or lon when the point lies outside the box."""
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not min_lat <= lat <= max_lat:
            raise InvalidField(
                f"{lat} is outside the service area ({min_lat}–{max_lat})", f"{field_prefix}lat"
            )
        if not min_lon <= lon <= max_lon:
            raise InvalidField(
                f"{lon} is outside the service area ({min_lon}–{max_lon})", f"{field_prefix}lon"
            )

    @classmethod
    def from_network(cls, network, name: str = "innenstadt") -> ServiceArea:
        return cls(name=name, bbox=tuple(network.bbox), graph_hash=network.graph_hash)


def bbox_from_osm(path: Path) -> tuple[float, float, float, float]:
    """Read the extract's `<bounds>`/`<bound>` element (a first child) without loading the file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        for _event, elem in ET.iterparse(fh, events=("start",)):
            if elem.tag == "bound":  # Osmosis: box="minlat,minlon,maxlat,maxlon"
                box = elem.attrib["box"].split(",")
                min_lat, min_lon, max_lat, max_lon = (float(v) for v in box)
                return (min_lon, min_lat, max_lon, max_lat)
            if elem.tag == "bounds":
                a = elem.attrib
                return (
                    float(a["minlon"]),
                    float(a["minlat"]),
                    float(a["maxlon"]),
                    float(a["maxlat"]),
                )
            if elem.tag in ("node", "way", "relation"):
                break
    raise ValueError(f"{path} has no <bounds> element")


def default_area() -> ServiceArea:
    from lotse_common.settings import settings

    path = settings().osm_path
    try:
        bbox = bbox_from_osm(path)
    except (OSError, ValueError, ET.ParseError) as exc:
        logger.warning("cannot read bounds of %s (%s); using the inner-city box", path, exc)
        bbox = INNER_CITY_BBOX
    return ServiceArea(name="innenstadt", bbox=bbox)
