"""Named destinations of an extract and the typo- and umlaut-tolerant search over them.

A blind user dictates or types a destination; speech recognisers and keyboards produce
"Marktstrasse" for "Marktstraße" and "Ratthaus" for "Rathaus", so names are folded (casefold turns
ß into ss, umlauts become ae/oe/ue) and matched with rapidfuzz rather than compared exactly.

People also ask for places by names OSM does not carry ("Fackelrondell" for the square around the
Fackelbrunnen). A small curated gazetteer beside this module (`local_names.csv`: name, alias_of
or lat/lon, source) adds them to the search; a hit says which OSM name it stands for.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from pathlib import Path
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

#: the curated local names shipped with the service
LOCAL_NAMES_CSV = Path(__file__).with_name("local_names.csv")
#: which of several OSM features of the aliased name a local name means: the thing itself
#: (a fountain, a church) before the street or the bus stop named after it
_ALIAS_TARGET_RANK = {"street": 1, "public_transport": 2}

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


@dataclass(frozen=True)
class LocalName:
    """One gazetteer row: a name people use, and either the OSM name it stands for or a point."""

    name: str
    alias_of: str | None
    lat: float | None
    lon: float | None
    source: str


def load_local_names(path: Path = LOCAL_NAMES_CSV) -> list[LocalName]:
    """Rows of the gazetteer; ValueError naming file and line for a row that cannot be used."""
    rows: list[LocalName] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.name} line {line}"
            name = (row.get("name") or "").strip()
            alias_of = (row.get("alias_of") or "").strip() or None
            lat_text, lon_text = (row.get("lat") or "").strip(), (row.get("lon") or "").strip()
            source = (row.get("source") or "").strip()
            if not name or not source:
                raise ValueError(f"{where}: name and source are required")
            has_point = bool(lat_text or lon_text)
            if (alias_of is not None) == has_point or (has_point and not (lat_text and lon_text)):
                raise ValueError(f"{where}: {name!r} needs either alias_of or both lat and lon")
            try:
                lat = float(lat_text) if lat_text else None
                lon = float(lon_text) if lon_text else None
            except ValueError as exc:
                raise ValueError(f"{where}: lat/lon of {name!r} are not numbers") from exc
            rows.append(LocalName(name, alias_of, lat, lon, source))
    return rows


def local_name_places(places: list[dict[str, Any]], bbox: tuple[float, float, float, float],
                      names: list[LocalName]) -> list[dict[str, Any]]:
    """Search entries for the local names that belong to this extract.

    An alias takes the position, kind and OSM id of the feature it names (the fountain rather than
    the bus stop of the same name); a row whose feature or point is not in this extract is left
    out, so one gazetteer serves the inner city, the whole city and the campus.
    """
    by_name: dict[str, list[dict[str, Any]]] = {}
    for place in places:
        by_name.setdefault(place["name"], []).append(place)
    min_lon, min_lat, max_lon, max_lat = bbox
    out = []
    for entry in names:
        if entry.alias_of is not None:
            targets = by_name.get(entry.alias_of)
            if not targets:
                log.debug("local name %r: %r is not in this extract", entry.name, entry.alias_of)
                continue
            target = min(targets, key=lambda p: _ALIAS_TARGET_RANK.get(p["kind"], 0))
            out.append({"name": entry.name, "kind": target["kind"],
                        "category": target["category"], "lat": target["lat"],
                        "lon": target["lon"], "osm_id": target["osm_id"],
                        "alias_of": target["name"], "source": entry.source, "tags": {}})
        elif min_lat <= entry.lat <= max_lat and min_lon <= entry.lon <= max_lon:
            out.append({"name": entry.name, "kind": "place", "category": "local_name",
                        "lat": entry.lat, "lon": entry.lon, "osm_id": None, "alias_of": None,
                        "source": entry.source, "tags": {}})
    return out


def _search_entries(net: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The extract's places plus its local names, and their folded names (built once per net)."""
    cached = net._extra.get("search_entries")
    if cached is None:
        try:
            local = local_name_places(net.places, net.bbox, load_local_names())
        except (OSError, ValueError) as exc:
            log.error("local names not loaded, searching OSM names only: %s", exc)
            local = []
        entries = list(net.places) + local
        cached = net._extra["search_entries"] = (entries, [fold(p["name"]) for p in entries])
    return cached


def search_places(net: Any, q: str, limit: int = 10) -> list[dict[str, Any]]:
    """Best matches for ``q`` among ``net.places`` and the local names, best first.

    Each result carries ``alias_of`` (the OSM name a local name stands for, else None) and
    ``local_name`` (True for gazetteer entries), so a client can say "Fackelrondell, beim
    Fackelbrunnen"; tags and source notes stay out of the answer.
    """
    query = fold(q or "")
    if not query:
        return []
    entries, folded = _search_entries(net)
    hits = process.extract(query, folded, scorer=fuzz.WRatio, processor=None,
                           limit=max(limit * 4, 20), score_cutoff=MIN_SCORE)
    ranked = sorted(hits, key=lambda h: (-round(h[1]), not folded[h[2]].startswith(query),
                                         KIND_RANK.get(entries[h[2]]["kind"], 2),
                                         len(folded[h[2]])))
    out, seen = [], set()
    for _, score, i in ranked:
        place = entries[i]
        key = (place["name"], place["kind"])  # a stop's pole and platform are one answer
        if key in seen:
            continue
        seen.add(key)
        out.append({k: v for k, v in place.items() if k not in ("tags", "source")}
                   | {"alias_of": place.get("alias_of"), "local_name": "source" in place,
                      "score": round(score, 1)})
        if len(out) >= limit:
            break
    return out
