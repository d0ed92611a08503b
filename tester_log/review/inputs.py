"""What a replay reads besides the log: the true route, the beacon plan, the streets around.

Each loader turns a bad file into a ``ValueError`` with one readable line (the command prints it),
never a traceback. The plan is read by the engine's own loader (``mobile.ble.plan``), so replay
and the phone agree on what a beacon's key is.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: streets are drawn this far around what the map shows (degrees; ~50 m)
STREET_MARGIN_DEG = 0.0005


def load_truth_file(path: Path) -> list[tuple[float, float]]:
    """(lat, lon) points of a true route: a GeoJSON LineString (bare, Feature or first in a
    FeatureCollection) or a route JSON (``POST /v1/routes`` body). ``ValueError`` otherwise."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read truth file {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"truth file {path} is not JSON: {exc.msg} (line {exc.lineno})") from None
    candidates = [doc]
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        candidates = [f.get("geometry") for f in doc.get("features") or [] if isinstance(f, dict)]
    for c in candidates:
        if isinstance(c, dict) and c.get("type") == "Feature" or (
                isinstance(c, dict) and "maneuvers" in c):
            c = c.get("geometry")
        if isinstance(c, dict) and c.get("type") == "LineString":
            try:
                points = [(float(lat), float(lon)) for lon, lat, *_ in c["coordinates"]]
            except (KeyError, TypeError, ValueError):
                break
            if len(points) >= 2:
                return points
    raise ValueError(f"truth file {path} holds no GeoJSON LineString or route with 2+ points")


def load_plan(path: Path) -> list[dict]:
    """Beacon records (bundle form: ids, lat, lon, placement_de, measured_power, status) from a
    beacon-plan GeoJSON, read by the engine's own loader; ``ValueError`` when unreadable."""
    from mobile.ble.plan import load_plan as read_plan

    try:
        return read_plan(Path(path))
    except OSError as exc:
        raise ValueError(f"cannot read beacon plan {path}: {exc.strerror}") from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"beacon plan {path} is not a beacon GeoJSON ({exc})") from None


def plan_points(records: Sequence[dict]) -> list[dict]:
    """The report's view of the plan: {"key","lat","lon","placement"} of beacons in service."""
    from mobile.ble.plan import record_key

    points = []
    for r in records:
        if r.get("status") in ("removed", "retired"):
            continue
        try:
            points.append({"key": record_key(r), "lat": float(r["lat"]), "lon": float(r["lon"]),
                           "placement": r.get("placement_de") or ""})
        except (KeyError, TypeError, ValueError) as exc:
            logger.warning("beacon record %s left out of the report: %s", r.get("id"), exc)
    return points



def load_area(osm_path: Path | None, cache_dir: Path | None = None) -> Any | None:
    """The routing core's compiled network of the extract (``None`` when not given or not
    loadable: streets and places are a courtesy, a report is made without them)."""
    if osm_path is None:
        return None
    from routing_service.errors import LotseRoutingError
    from routing_service.ingest import load_network

    try:
        return load_network(Path(osm_path), cache_dir=cache_dir)
    except (LotseRoutingError, OSError, ValueError) as exc:
        logger.warning("no streets or places from %s: %s", osm_path, exc)
        return None


def street_lines(net: Any | None, around: Sequence[tuple[float, float]]
                 ) -> list[tuple[str | None, list[tuple[float, float]]]]:
    """Walkable ways of the network near ``around`` as (name, (lat, lon) line), for the map."""
    if net is None or not around:
        return []
    names = net.edge_tags.column("name")
    lats, lons = [p[0] for p in around], [p[1] for p in around]
    south, north = min(lats) - STREET_MARGIN_DEG, max(lats) + STREET_MARGIN_DEG
    west, east = min(lons) - STREET_MARGIN_DEG, max(lons) + STREET_MARGIN_DEG
    lines = []
    for e in range(net.n_edges):
        rev = int(net.edge_rev[e])
        if 0 <= rev < e:  # the way back along the same street is drawn once
            continue
        coords = net.edge_coords(e)
        inside = ((coords[:, 1] >= south) & (coords[:, 1] <= north)
                  & (coords[:, 0] >= west) & (coords[:, 0] <= east))
        if inside.any():
            name = names[e]
            lines.append((str(name) if isinstance(name, str) and name else None,
                          [(float(lat), float(lon)) for lon, lat in coords]))
    return lines
