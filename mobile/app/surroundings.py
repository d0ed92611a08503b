"""What is around a position on the walk network: streets, crossings, intersections, places.

Pure data (no speech, no Kivy): the controller asks "which street is nearest", "what lies ahead
within 50 m", and `mobile.app.answers` turns the answers into sentences. Everything is computed
in metres east/north of the network's centre (`lotse_common.geodesy.to_xy`), once per network
for the fixed parts (crossing and intersection nodes), per question for the rest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lotse_common.geodesy import to_xy
from mobile.guidance.places import is_place, opening_hours_of

#: a street further away than this is not "where you are" (m)
STREET_RADIUS_M = 60.0
#: addresses on the nearest street within this distance make the house-number range (m)
ADDRESS_RADIUS_M = 40.0
#: a named place this close is worth naming beside the street (m)
PLACE_NEAR_M = 35.0
#: "Vor mir" covers this far in the walking direction (m)
AHEAD_M = 50.0
#: half the opening angle of "ahead" (deg): 12 o'clock ± 1½ hours
AHEAD_HALF_ANGLE_DEG = 45.0
#: the "next crossing" is looked for this far (m)
CROSSING_RADIUS_M = 80.0


@dataclass(frozen=True)
class Item:
    """One thing near the walker: a place, a crossing, an intersection or a street.

    `kind` is "place", "crossing" or "intersection"; `detail` is the place's OSM category or
    the crossing type (signals_sound, zebra, …); `streets` names the streets that meet there.
    """

    kind: str
    name: str
    lat: float
    lon: float
    distance_m: float
    bearing_deg: float
    detail: str | None = None
    streets: tuple[str, ...] = ()
    opening_hours: str | None = None

    def as_destination(self) -> dict[str, Any]:
        """In the form a search hit has, so any item can become the destination."""
        return {"name": self.name, "lat": self.lat, "lon": self.lon, "kind": self.kind,
                "category": self.detail}


def bearing(x0: float, y0: float, x: float, y: float) -> float:
    """Compass bearing (0 = north, clockwise) from (x0, y0) to (x, y), metres east/north."""
    return math.degrees(math.atan2(x - x0, y - y0)) % 360.0


def relative_angle(bearing_deg: float, heading_deg: float) -> float:
    """Angle of a bearing relative to the heading, −180…180 (positive = to the right)."""
    return (bearing_deg - heading_deg + 540.0) % 360.0 - 180.0


class Surroundings:
    """Questions about one walk network and its places (both as the controller holds them)."""

    def __init__(self, network: Any, places: Iterable[dict[str, Any]]) -> None:
        self.network = network
        self.all_places = list(places)  # with bus stops and streets, for the search
        self.places = [p for p in self.all_places if is_place(p)]
        self._addresses = [p for p in self.all_places
                           if (p.get("tags") or {}).get("addr:housenumber")]
        self._nodes: list[tuple[str, str, float, float, str | None, tuple[str, ...]]] | None = None

    # --- streets --------------------------------------------------------------------------
    def nearest_street(self, lat: float, lon: float,
                       radius_m: float = STREET_RADIUS_M) -> tuple[str, float] | None:
        """(name, distance in m) of the nearest named way, or None within `radius_m`.

        The way under the walker is often an unnamed sidewalk or footway; the street it runs
        beside is the answer a person expects, so only named ways are considered.
        """
        net = self.network
        if net is None:
            return None
        import shapely

        index = net.index
        point = shapely.points(index.proj.forward([[lon, lat]])[0])
        hits = index.tree.query(point, predicate="dwithin", distance=radius_m)
        best: tuple[str, float] | None = None
        for hit in hits:
            edge = int(index.indexed[hit])
            name = net.edge_tags.value("name", edge)
            if not name:
                continue
            d = float(shapely.distance(index.lines[edge], point))
            if best is None or d < best[1]:
                best = (name, d)
        return best

    def house_numbers(self, street: str, lat: float, lon: float,
                      radius_m: float = ADDRESS_RADIUS_M) -> tuple[str, str] | None:
        """Lowest and highest house number of known addresses on `street` near the point."""
        x0, y0 = to_xy(lat, lon)
        numbers = []
        for p in self._addresses:
            tags = p.get("tags") or {}
            if tags.get("addr:street") != street:
                continue
            x, y = to_xy(float(p["lat"]), float(p["lon"]))
            if math.hypot(x - x0, y - y0) <= radius_m:
                numbers.append(str(tags["addr:housenumber"]))
        if not numbers:
            return None
        numbers.sort(key=_house_number_key)
        return numbers[0], numbers[-1]

    # --- things around --------------------------------------------------------------------
    def nearest_place(self, lat: float, lon: float, radius_m: float) -> Item | None:
        found = [i for i in self.items(lat, lon, radius_m) if i.kind == "place"]
        return found[0] if found else None

    def items(self, lat: float, lon: float, radius_m: float, heading_deg: float | None = None,
              ahead_only: bool = False, kinds: Iterable[str] | None = None) -> list[Item]:
        """Places, crossings and intersections within `radius_m`, nearest first.

        `ahead_only` keeps what lies within ±45° of `heading_deg` (nothing when it is None).
        """
        if ahead_only and heading_deg is None:
            return []
        wanted = set(kinds) if kinds is not None else {"place", "crossing", "intersection"}
        x0, y0 = to_xy(lat, lon)
        out: list[Item] = []
        candidates: list[tuple[str, str, float, float, str | None, tuple[str, ...],
                               str | None]] = []
        if "place" in wanted:
            candidates += [("place", str(p["name"]), float(p["lat"]), float(p["lon"]),
                            p.get("category"), (), opening_hours_of(p)) for p in self.places]
        candidates += [(*n, None) for n in self._junctions() if n[0] in wanted]
        seen: set[tuple[str, str]] = set()
        for kind, name, plat, plon, detail, streets, hours in candidates:
            x, y = to_xy(plat, plon)
            d = math.hypot(x - x0, y - y0)
            if d > radius_m or (kind, name) in seen and kind == "place":
                continue
            b = bearing(x0, y0, x, y)
            if ahead_only and (d < 2.0 or abs(relative_angle(b, heading_deg or 0.0))
                               > AHEAD_HALF_ANGLE_DEG):
                continue
            seen.add((kind, name))
            out.append(Item(kind, name, plat, plon, round(d, 1), round(b, 1), detail, streets,
                            hours))
        out.sort(key=lambda i: i.distance_m)
        return _one_per_junction(out)

    def next_crossing(self, lat: float, lon: float,
                      heading_deg: float | None) -> Item | None:
        """The nearest crossing ahead (or simply the nearest, without a heading)."""
        crossings = self.items(lat, lon, CROSSING_RADIUS_M, heading_deg,
                               ahead_only=heading_deg is not None, kinds=("crossing",))
        return crossings[0] if crossings else None

    # --- the network's junctions, computed once ---------------------------------------------
    def _junctions(self) -> list[tuple[str, str, float, float, str | None, tuple[str, ...]]]:
        if self._nodes is None:
            self._nodes = [] if self.network is None else _junctions_of(self.network)
        return self._nodes


def _junctions_of(net: Any) -> list[tuple[str, str, float, float, str | None, tuple[str, ...]]]:
    """Crossing nodes (with their type and the street crossed) and nodes where named streets
    meet (an intersection is named by its streets)."""
    names: dict[int, list[str]] = {}
    for e in range(net.n_edges):
        name = net.edge_tags.value("name", e)
        if not name:
            continue
        for node in (int(net.edge_u[e]), int(net.edge_v[e])):
            if name not in names.setdefault(node, []):
                names[node].append(name)
    nt = net.node_tags
    out = []
    for node in range(net.n_nodes):
        lat, lon = float(net.node_lat[node]), float(net.node_lon[node])
        streets = tuple(names.get(node, ()))
        crossing = nt.value("lotse:crossing", node)
        if crossing is not None:
            if crossing == "signals" and nt.value("traffic_signals:sound", node) == "yes":
                crossing = "signals_sound"
            elif crossing == "signals" and nt.value("traffic_signals:vibration", node) == "yes":
                crossing = "signals_vibration"
            out.append(("crossing", " / ".join(streets), lat, lon, crossing, streets))
        elif len(streets) >= 2:
            out.append(("intersection", " / ".join(streets), lat, lon, None, streets))
    return out


def _one_per_junction(items: list[Item]) -> list[Item]:
    """A crossing and an intersection of the same streets a few metres apart are one corner for
    the walker: keep the nearest entry for each set of streets within 15 m."""
    kept: list[Item] = []
    for item in items:
        if item.kind != "place" and item.streets and any(
                k.kind != "place" and k.kind == item.kind and set(k.streets) == set(item.streets)
                and abs(k.distance_m - item.distance_m) < 15.0 for k in kept):
            continue
        kept.append(item)
    return kept


def _house_number_key(number: str) -> tuple[int, str]:
    digits = re.match(r"\d+", number)
    return (int(digits.group()) if digits else 10**6, number)
