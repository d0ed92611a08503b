"""Named destinations of an extract and the typo- and umlaut-tolerant search over them.

A blind user dictates or types a destination; speech recognisers and keyboards produce
"Marktstrasse" for "Marktstraße" and "Ratthaus" for "Rathaus", so names are folded (casefold turns
ß into ss, umlauts become ae/oe/ue) and matched with rapidfuzz rather than compared exactly.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rapidfuzz import fuzz, process

log = logging.getLogger(__name__)

#: OSM keys whose named features are destinations
PLACE_TAGS: tuple[str, ...] = (
    "shop", "amenity", "tourism", "place", "office", "leisure", "historic", "craft",
    "railway", "public_transport", "healthcare",
)
#: tags copied into a place's "tags" (what the registry and the speech need, nothing more)
KEPT_TAGS: tuple[str, ...] = (
    "opening_hours", "wheelchair", "phone", "website", "addr:street", "addr:housenumber",
    "cuisine", "level", "entrance", "tactile_paving",
)
#: below this rapidfuzz score a candidate is noise
MIN_SCORE = 72.0
#: when scores tie: a building or station first, then the street of that name, then shops,
#: and bus stops (which borrow their names from streets and squares) last
KIND_RANK = {"amenity": 0, "railway": 0, "street": 1, "place": 2, "shop": 2, "tourism": 2,
             "public_transport": 3}

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "é": "e", "è": "e"})
_STR_ABBREV = re.compile(r"str\.?(?=\s|$)")
_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Fold a name for matching: 'Marktstr.' / 'Marktstrasse' / 'MARKTSTRASSE' -> 'marktstrasse'."""
    text = text.casefold().translate(_UMLAUTS)
    text = _STR_ABBREV.sub("strasse", text)
    return _NON_WORD.sub(" ", text).strip()


def places_from_features(feats: Any) -> list[dict[str, Any]]:
    """Named places from an osmnx features GeoDataFrame (nodes and polygons, centroids)."""
    if feats is None or len(feats) == 0 or "name" not in feats.columns:
        return []
    feats = feats[feats["name"].notna()]
    places: list[dict[str, Any]] = []
    for (element, osm_id), row in feats.iterrows():
        kind = next((k for k in PLACE_TAGS if k in row and isinstance(row[k], str)), None)
        if kind is None:
            continue
        point = row.geometry if row.geometry.geom_type == "Point" \
            else row.geometry.representative_point()
        places.append({
            "name": str(row["name"]), "kind": kind, "category": str(row[kind]),
            "lat": round(point.y, 7), "lon": round(point.x, 7), "osm_id": f"{element}/{osm_id}",
            "tags": {t: str(row[t]) for t in KEPT_TAGS if t in row and isinstance(row[t], str)},
        })
    return places


def streets_from_graph(graph: Any) -> list[dict[str, Any]]:
    """One entry per named street or square, placed on the middle of its longest edge."""
    best: dict[str, tuple[float, dict[str, Any], Any, Any]] = {}
    for u, v, d in graph.edges(data=True):
        name = d.get("name")
        name = name[0] if isinstance(name, list) else name
        if not isinstance(name, str):
            continue
        if name not in best or d["length"] > best[name][0]:
            best[name] = (d["length"], d, u, v)
    streets = []
    for name, (_, d, u, v) in sorted(best.items()):
        geom = d.get("geometry")
        if geom is not None:
            point = geom.interpolate(0.5, normalized=True)
            lat, lon = point.y, point.x
        else:
            lat = (graph.nodes[u]["y"] + graph.nodes[v]["y"]) / 2
            lon = (graph.nodes[u]["x"] + graph.nodes[v]["x"]) / 2
        osmid = d["osmid"][0] if isinstance(d["osmid"], list) else d["osmid"]
        highway = d["highway"][0] if isinstance(d["highway"], list) else d["highway"]
        streets.append({"name": name, "kind": "street", "category": str(highway),
                        "lat": round(lat, 7), "lon": round(lon, 7), "osm_id": f"way/{osmid}",
                        "tags": {}})
    return streets


def search_places(net: Any, q: str, limit: int = 10) -> list[dict[str, Any]]:
    """Best matches for ``q`` among ``net.places`` (without their tags), best first."""
    query = fold(q or "")
    if not query:
        return []
    folded = net._extra.get("folded_names")
    if folded is None:
        folded = net._extra["folded_names"] = [fold(p["name"]) for p in net.places]
    hits = process.extract(query, folded, scorer=fuzz.WRatio, processor=None,
                           limit=max(limit * 4, 20), score_cutoff=MIN_SCORE)
    ranked = sorted(hits, key=lambda h: (-round(h[1]), not folded[h[2]].startswith(query),
                                         KIND_RANK.get(net.places[h[2]]["kind"], 2),
                                         len(folded[h[2]])))
    out, seen = [], set()
    for _, score, i in ranked:
        place = net.places[i]
        key = (place["name"], place["kind"])  # a stop's pole and platform are one answer
        if key in seen:
            continue
        seen.add(key)
        out.append({k: v for k, v in place.items() if k != "tags"} | {"score": round(score, 1)})
        if len(out) >= limit:
            break
    return out
