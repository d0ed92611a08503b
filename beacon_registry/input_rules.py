"""What any value from outside may look like before it reaches the database, the voice or a screen.

Text: no NUL or other control characters (tab and newline are allowed), no bidi overrides,
no zero-width characters and no lone surrogates. PostgreSQL refuses NUL outright and SQLite
stores it; a bidi override makes a staff screen show text other than what the voice says.
Numbers: coordinates are JSON numbers (a string or a boolean is refused); a GeoJSON position's
altitude is accepted and dropped. Ids fit the database's 32-bit integer columns.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

#: the largest value of the registry's integer columns (PostgreSQL int4)
INT32_MAX = 2**31 - 1
#: the deepest JSON nesting an upload may have (a GeoJSON file needs 6)
MAX_JSON_DEPTH = 32
#: most positions one obstacle line may have
MAX_LINE_POINTS = 1000

_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # control characters except tab and newline
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings and overrides
    "\u200b-\u200d\u2060-\u2064\ufeff"  # zero-width spaces, joiners and invisible operators
    "\ud800-\udfff]"  # lone surrogates (not encodable as UTF-8)
)


def unsafe_char(value: str) -> str | None:
    """A description of the first character text may not hold, or None when it is clean."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X} at position {found.start() + 1}"


def check_text(value: str) -> str:
    """Pydantic validator: refuse text holding control, bidi or zero-width characters."""
    bad = unsafe_char(value)
    if bad is not None:
        raise ValueError(
            f"contains a control, bidi or zero-width character ({bad}); remove it"
        )
    return value


def _number(value: Any, info: ValidationInfo) -> Any:
    """Coordinates are numbers; only a CSV import (context text_cells) brings them as text."""
    if isinstance(value, bool) or (
        isinstance(value, str) and not (info.context or {}).get("text_cells")
    ):
        raise ValueError("must be a number")
    return value


SafeStr = Annotated[str, AfterValidator(check_text)]
Lat = Annotated[float, BeforeValidator(_number), Field(ge=-90, le=90, allow_inf_nan=False)]
Lon = Annotated[float, BeforeValidator(_number), Field(ge=-180, le=180, allow_inf_nan=False)]
#: an id or version of a record (path, query or body)
RecordId = Annotated[int, Field(ge=1, le=INT32_MAX)]


def position(value: Any) -> list[float]:
    """One GeoJSON position as [lon, lat]: numbers only, an altitude is dropped."""
    if not isinstance(value, list | tuple) or len(value) not in (2, 3):
        raise ValueError("a position must be [lon, lat] or [lon, lat, altitude]")
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in value):
        raise ValueError("coordinates must be numbers")
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
        raise ValueError("coordinates must be a longitude and latitude in range")
    return [lon, lat]


def geometry(value: Any) -> dict[str, Any]:
    """A GeoJSON Point or LineString reduced to its type and 2-D coordinates (nothing else kept)."""
    if not isinstance(value, dict):
        raise ValueError("geometry must be a GeoJSON object")
    kind, coords = value.get("type"), value.get("coordinates")
    if kind == "Point":
        return {"type": "Point", "coordinates": position(coords)}
    if kind == "LineString":
        if not isinstance(coords, list) or not 2 <= len(coords) <= MAX_LINE_POINTS:
            raise ValueError(f"a LineString needs 2 to {MAX_LINE_POINTS} positions")
        return {"type": "LineString", "coordinates": [position(p) for p in coords]}
    raise ValueError("geometry must be a GeoJSON Point or LineString")


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when parsed JSON nests deeper than `limit` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
