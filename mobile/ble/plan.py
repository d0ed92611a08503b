"""The shipped inner-city beacon plan: where staff could mount beacons, and how to load a plan.

Generated from the real walk network (`python -m mobile.ble.plan`), not drawn by hand, but only
along what a city would really equip (every 10-15 m along the main pedestrian axes, at entrances
and crossings). The rule:

- **axes**, a beacon every ~12.5 m along
  1. the pedestrian zone: every `highway=pedestrian` way (this includes the station forecourt,
     Guimarães-Platz), and the `living_street` ways that meet it;
  2. the named shopping streets (`SHOPPING_STREETS`, the streets with the most shops and
     amenities in the extract) and the footways/sidewalks within `SIDEWALK_M` of them;
  3. the links between the city's main destinations (`LINK_PLACES`: Hauptbahnhof, Stiftsplatz,
     Rathaus, Fackelbrunnen, Marktstraße, Schillerplatz), as the routing core walks them;
- **crossings**: signalled or marked crossings within `NEAR_AXIS_M` of an axis;
- **entrances**: named shops and amenities within `NEAR_AXIS_M` of an axis.

Residential side streets, service roads and the ring roads away from these axes get none: there
the phone falls back to GPS (`mobile.positioning.beacons`).
Points closer than a few metres to one already
placed are merged. The output is the contract's GeoJSON import format
(`POST /v1/staff/beacons/import`).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from lotse_common.geodesy import to_latlon, to_xy
from mobile.ble.frames import beacon_key
from mobile.positioning.beacons import BeaconInfo

log = logging.getLogger(__name__)

PLAN_PATH = Path(__file__).resolve().parent.parent / "data" / "beacon_plan_cc.geojson"
#: one proximity UUID for the city's deployment (derived, so it is stable and documented)
CITY_UUID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://www.kaiserslautern.de/lotse"))
#: Eddystone namespace for entrance beacons: the first 10 bytes of the city UUID
CITY_NAMESPACE = uuid.UUID(CITY_UUID).hex[:20]
AXIS_SPACING_M = 12.5  # m between beacons along an axis (plan: every 10–15 m)
MERGE_M = 7.0  # m: a new axis point this close to a placed beacon is not needed
NEAR_AXIS_M = 15.0  # m: crossings and entrances farther from an axis are not planned
SIDEWALK_M = 15.0  # m: a footway this close to a shopping street is its sidewalk
MEASURED_POWER_DBM = -59  # typical iBeacon calibration at 1 m
ZONE_HIGHWAYS = frozenset({"pedestrian"})
#: the streets with the most named shops and amenities within 30 m in the inner-city extract
SHOPPING_STREETS = frozenset({
    "Eisenbahnstraße", "Fackelstraße", "Kerststraße", "Riesenstraße", "Marktstraße", "Altenhof",
    "Fruchthallstraße", "Marktplatz", "Stiftsplatz", "Schillerplatz", "Osterstraße",
    "Pirmasenser Straße", "Rosenstraße", "Mühlstraße", "Glockenstraße", "Guimarães-Platz"})
#: the main destinations; the routes between each pair are axes
LINK_PLACES = ("Hauptbahnhof", "Stiftsplatz", "Rathaus", "Fackelbrunnen", "Marktstraße",
               "Schillerplatz")
SIDEWALK_HIGHWAYS = frozenset({"footway", "path", "steps", "pedestrian"})
ENTRANCE_KINDS = frozenset({"shop", "amenity"})
MAJOR = {"axis": 1, "crossing": 2}  # iBeacon major per placement kind (minor counts within)


def generate_plan(net: Any) -> dict[str, Any]:
    """The plan FeatureCollection for a `WalkNetwork`."""
    grid: dict[tuple[int, int], list[tuple[float, float]]] = {}
    features: list[dict[str, Any]] = []

    def place(kind: str, x: float, y: float, name: str | None, gap: float) -> None:
        cx, cy = int(x // MERGE_M), int(y // MERGE_M)
        near = [p for i in (-1, 0, 1) for j in (-1, 0, 1) for p in grid.get((cx + i, cy + j), ())]
        if any((x - px) ** 2 + (y - py) ** 2 < gap * gap for px, py in near):
            return
        grid.setdefault((cx, cy), []).append((x, y))
        features.append(_feature(kind, x, y, name, len(features)))

    axes = _axis_points(net)
    axis_tree = cKDTree([(x, y) for x, y, _ in axes]) if axes else None
    for x, y, name in _crossings(net):
        if axis_tree is not None and axis_tree.query((x, y))[0] <= NEAR_AXIS_M:
            place("crossing", x, y, name, 3.0)
    for x, y, name in _entrances(net):
        if axis_tree is not None and axis_tree.query((x, y))[0] <= NEAR_AXIS_M:
            place("entrance", x, y, name, 4.0)
    for x, y, name in axes:
        place("axis", x, y, name, MERGE_M)
    return {"type": "FeatureCollection", "name": "lotse_beacon_plan_cc",
            "attribution": "© OpenStreetMap contributors", "features": features}


def _crossings(net: Any) -> list[tuple[float, float, str | None]]:
    """Crossing nodes, and the middle of mapped crossing ways (footway=crossing)."""
    out = []
    for i in range(net.n_nodes):
        if net.node_tags.value("highway", i) == "crossing" or net.node_tags.value("crossing", i):
            x, y = to_xy(float(net.node_lat[i]), float(net.node_lon[i]))
            out.append((x, y, _street_at_node(net, i)))
    for e in range(net.n_edges):
        rev = int(net.edge_rev[e])
        if (rev < 0 or e < rev) and net.edge_tags.value("footway", e) == "crossing":
            coords = net.edge_coords(e)
            lon, lat = coords[len(coords) // 2] if len(coords) > 2 else coords.mean(axis=0)
            out.append((*to_xy(float(lat), float(lon)), net.edge_tags.value("name", e)))
    return out


def _street_at_node(net: Any, node: int) -> str | None:
    for e in np.flatnonzero(net.edge_u == node):
        name = net.edge_tags.value("name", int(e))
        if name:
            return name
    return None


def _axis_edges(net: Any) -> list[int]:
    """One direction of every way of the pedestrian zone, the shopping streets and their
    sidewalks (see the module docstring)."""
    def hw(e: int) -> str | None:
        return net.edge_tags.value("highway", e)

    ones = [e for e in range(net.n_edges) if not 0 <= int(net.edge_rev[e]) < e]
    zone = {e for e in ones if hw(e) in ZONE_HIGHWAYS}
    zone_nodes = {int(n) for e in zone for n in (net.edge_u[e], net.edge_v[e])}
    zone |= {e for e in ones if hw(e) == "living_street"
             and {int(net.edge_u[e]), int(net.edge_v[e])} & zone_nodes}
    shopping = {e for e in ones if net.edge_tags.value("name", e) in SHOPPING_STREETS
                and hw(e) not in ("service", "platform")}
    street_xy = [to_xy(float(lat), float(lon)) for e in shopping
                 for lon, lat in _densified(net.edge_coords(e))]
    tree = cKDTree(street_xy) if street_xy else None
    sidewalks = set()
    for e in ones:
        if hw(e) in SIDEWALK_HIGHWAYS and tree is not None and e not in zone:
            lon, lat = net.edge_coords(e).mean(axis=0)
            if tree.query(to_xy(float(lat), float(lon)))[0] <= SIDEWALK_M:
                sidewalks.add(e)
    return sorted(zone | shopping | sidewalks)


def _densified(coords: np.ndarray, step_deg: float = 5e-5) -> np.ndarray:
    """Vertices plus points every ~5 m, so a long straight street is found along its length."""
    out = [coords[0]]
    for a, b in zip(coords[:-1], coords[1:], strict=True):
        n = max(1, int(np.hypot(*(b - a)) / step_deg))
        out.extend(a + (b - a) * k / n for k in range(1, n + 1))
    return np.array(out)


def _along(coords: list | np.ndarray, name: str | None) -> list[tuple[float, float, str | None]]:
    """Points every ~AXIS_SPACING_M along a (lon, lat) line, ends included."""
    xy = np.array([to_xy(float(lat), float(lon)) for lon, lat in coords])
    seg = np.hypot(*np.diff(xy, axis=0).T)
    total = float(seg.sum())
    if total < 1.0:
        return []
    n = max(1, math.ceil(total / AXIS_SPACING_M))
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    return [(float(np.interp(s, cum, xy[:, 0])), float(np.interp(s, cum, xy[:, 1])), name)
            for s in (total * k / n for k in range(n + 1))]


def _link_points(net: Any) -> list[tuple[float, float, str | None]]:
    """Along the routes between each pair of `LINK_PLACES`, as the routing core walks them."""
    from routing_service.router import Router

    router, out = Router(net), []
    ends = []
    for name in LINK_PLACES:
        hits = net.search_places(name, limit=1)
        if hits:
            ends.append((float(hits[0]["lat"]), float(hits[0]["lon"])))
        else:
            log.warning("link place %r not in this extract", name)
    for i, a in enumerate(ends):
        for b in ends[i + 1:]:
            try:
                body = router.route(a, b).to_dict()
            except Exception as exc:  # noqa: BLE001 - a missing link is logged, not fatal
                log.warning("no route %s -> %s: %s", a, b, exc)
                continue
            out += _along(body["geometry"]["coordinates"], None)
    return out


def _axis_points(net: Any) -> list[tuple[float, float, str | None]]:
    out = []
    for e in _axis_edges(net):
        out += _along(net.edge_coords(e), net.edge_tags.value("name", e))
    return out + _named(net, _link_points(net))


def _named(net: Any, points: list[tuple[float, float, str | None]],
           within_m: float = 15.0) -> list[tuple[float, float, str | None]]:
    """Routed link points get the name of the nearest named street, so staff and the walker
    hear "Fackelstraße, Laternenmast" rather than "Gehweg"."""
    xy, names = [], []
    for e in range(net.n_edges):
        name = net.edge_tags.value("name", e)
        if name:
            for lon, lat in _densified(net.edge_coords(e)):
                xy.append(to_xy(float(lat), float(lon)))
                names.append(name)
    if not xy:
        return points
    dist, idx = cKDTree(xy).query([(x, y) for x, y, _ in points])
    return [(x, y, n or (names[i] if d <= within_m else None))
            for (x, y, n), d, i in zip(points, dist, idx, strict=True)]


def _entrances(net: Any) -> list[tuple[float, float, str]]:
    return [(*to_xy(float(p["lat"]), float(p["lon"])), str(p["name"])) for p in net.places
            if p.get("kind") in ENTRANCE_KINDS and p.get("name")]


def _feature(kind: str, x: float, y: float, name: str | None, n: int) -> dict[str, Any]:
    lat, lon = to_latlon(x, y)
    where_de = name or ("" if kind == "crossing" else "Gehweg")
    where_en = name or ("" if kind == "crossing" else "footway")
    if kind == "entrance":
        props: dict[str, Any] = {
            "kind": "eddystone", "namespace": CITY_NAMESPACE, "instance": f"{n:012x}",
            "placement_de": f"Eingang {where_de}", "placement_en": f"entrance {where_en}"}
    else:
        props = {"kind": "ibeacon", "uuid": CITY_UUID, "major": MAJOR[kind], "minor": n,
                 "placement_de": (f"Überweg {where_de}".strip() if kind == "crossing"
                                  else f"{where_de}, Laternenmast"),
                 "placement_en": (f"crossing {where_en}".strip() if kind == "crossing"
                                  else f"{where_en}, lamp post")}
    props |= {"measured_power": MEASURED_POWER_DBM, "level": 0}
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}}


def record_key(rec: dict[str, Any]) -> str:
    """`beacon_key` of a plan feature's properties or a bundle beacon record."""
    return beacon_key(str(rec.get("kind", "ibeacon")), **{k: rec.get(k) for k in (
        "uuid", "major", "minor", "namespace", "instance")})


def beacon_records(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Plan features as flat records in the bundle's beacon form (lat/lon beside the ids)."""
    out = []
    for f in plan.get("features", []):
        lon, lat = f["geometry"]["coordinates"][:2]
        out.append({**f["properties"], "lat": float(lat), "lon": float(lon)})
    return out


def load_plan(path: Path = PLAN_PATH) -> list[dict[str, Any]]:
    return beacon_records(json.loads(Path(path).read_text(encoding="utf-8")))


def beacon_infos(records: list[dict[str, Any]]) -> list[BeaconInfo]:
    """What the positioner needs from bundle/plan records (beacons marked removed are skipped)."""
    out = []
    for r in records:
        if r.get("status") in ("removed", "retired"):
            continue
        try:
            out.append(BeaconInfo.make(
                record_key(r), float(r["lat"]), float(r["lon"]), r.get("measured_power"),
                {"de": r.get("placement_de") or "", "en": r.get("placement_en") or ""}))
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("skipping unusable beacon record %s: %s", r.get("id"), exc)
    return out


def _dump(plan: dict[str, Any]) -> str:
    """GeoJSON with one feature per line: small, and a changed beacon is a one-line diff."""
    head = {k: v for k, v in plan.items() if k != "features"}
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in plan["features"]]
    return (json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n'
            + ",\n".join(lines) + "\n]}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mobile.ble.plan", description=__doc__)
    parser.add_argument("--osm", type=Path, default=None, help="OSM extract (default: inner city)")
    parser.add_argument("--out", type=Path, default=PLAN_PATH)
    args = parser.parse_args(argv)
    from lotse_common.settings import settings
    from routing_service.ingest import load_network

    cfg = settings()
    net = load_network(args.osm or cfg.osm_path, cache_dir=cfg.cache_dir)
    plan = generate_plan(net)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(_dump(plan), encoding="utf-8")
    tmp.replace(args.out)
    kinds = [f["properties"].get("major", "entrance") for f in plan["features"]]
    counts = {"crossing": kinds.count(MAJOR["crossing"]), "axis": kinds.count(MAJOR["axis"]),
              "entrance": kinds.count("entrance")}
    print(f"{len(plan['features'])} beacons {counts} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
