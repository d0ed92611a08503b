"""OSM extract -> walkable pedestrian graph -> compiled ``WalkNetwork``, cached by content.

An extract file is built on arrays (``network_build``: pyosmium stream, access rules,
annotations, osmnx's simplification rules); a live Overpass query goes through osmnx
(``osmnx_build``). Both keep every tag that matters for cost or speech on the edges and every
crossing/kerb/barrier node as a node, so a simplified edge never mixes a footway with steps or
swallows a crossing.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from routing_service.access import is_walkable
from routing_service.compiled import FORMAT_VERSION, WalkNetwork
from routing_service.errors import OsmLoadError
from routing_service.osm_tags import (
    CROSSING,
    EDGE_KEYS,
    KEEP_NODE_KEYS,
    NODE_KEYS,
    SQUARE,
    crossing_type,
    way_crossing,
)

__all__ = ["CROSSING", "EDGE_KEYS", "KEEP_NODE_KEYS", "NODE_KEYS", "SQUARE", "content_hash",
           "crossing_type", "is_walkable", "load_network", "load_network_online", "way_crossing"]

log = logging.getLogger(__name__)


def content_hash(path: Path) -> str:
    """SHA-256 over the compile format and the extract's bytes (the bundle's graph reference)."""
    digest = hashlib.sha256(f"lotse-graph-v{FORMAT_VERSION}\n".encode())
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:20]


def load_network(osm_path: Path, cache_dir: Path | None = None) -> WalkNetwork:
    """The walk network of an extract, from the compiled cache when the extract is unchanged."""
    from routing_service.network_build import build_network

    osm_path = Path(osm_path)
    if not osm_path.is_file():
        raise OsmLoadError(f"OSM file not found: {osm_path}", f"OSM-Datei fehlt: {osm_path}")
    graph_hash = content_hash(osm_path)
    cached = Path(cache_dir) / f"lotse-graph-{graph_hash}.npz" if cache_dir else None
    if cached is not None and cached.is_file():
        try:
            net = WalkNetwork.load(cached)
            log.info("loaded compiled graph %s", cached)
            return net
        except OsmLoadError as exc:  # stale or damaged: rebuild rather than fail
            log.warning("%s; rebuilding", exc)
    net = build_network(osm_path, graph_hash, source_name=osm_path.name)
    if cached is not None:
        net.save(cached)
        log.info("compiled graph saved to %s", cached)
    return net


def load_network_online(*, bbox: tuple[float, float, float, float] | None = None,
                        place: str | None = None, cache_dir: Path) -> WalkNetwork:
    """The same network from a live Overpass query (bbox = west, south, east, north, or a place
    name), for a deployment that wants current data. Responses are cached on disk by osmnx and
    the compiled graph by the query, so a restart makes no request. Tests never call this."""
    from routing_service.osmnx_build import network_online

    query = f"bbox={bbox}" if bbox else f"place={place}"
    graph_hash = hashlib.sha256(f"v{FORMAT_VERSION}:{query}".encode()).hexdigest()[:20]
    cached = Path(cache_dir) / f"lotse-graph-{graph_hash}.npz"
    if cached.is_file():
        return WalkNetwork.load(cached)
    net = network_online(query, bbox, place, cache_dir, graph_hash)
    net.save(cached)
    return net
