"""A synthetic city N times the size of a real one: the extract tiled in a grid, tiles linked.

Each tile is the whole extract shifted by its width/height (ids offset so nothing collides);
neighbouring tiles are joined by footways between the same few nodes of each tile, so the walk
graph is one connected piece N times the size. Used by bench_routing.py to see whether build
time, memory and route time grow with the size of the city (bench_build.py times the build).
Relations are not copied: the tiles carry the ways and nodes only.
"""

from __future__ import annotations

import random
from pathlib import Path

import osmium

COLUMNS = 5
#: id offset per tile (OSM ids of 2013 are below 3e9)
ID_STEP = 10**10
LINKS_PER_BORDER = 12
#: way ids of the links start here (beyond every tile's ids)
LINK_WAY_ID = 10**12


def _extent(src: Path) -> tuple[float, float, float, float]:
    lons, lats = [], []
    for obj in osmium.FileProcessor(str(src), osmium.osm.NODE):
        lons.append(obj.lon)
        lats.append(obj.lat)
    return min(lons), min(lats), max(lons), max(lats)


def write_tiled_city(src: Path, dst: Path, tiles: int, link_nodes: list[int],
                     seed: int = 1) -> None:
    """Write ``tiles`` copies of ``src`` to ``dst`` (PBF or XML by suffix), linked through
    ``link_nodes`` (node ids of the original's walk network)."""
    west, south, east, north = _extent(src)
    width, height = (east - west) * 1.01, (north - south) * 1.01
    links = random.Random(seed).sample(link_nodes, min(LINKS_PER_BORDER, len(link_nodes)))
    dst.unlink(missing_ok=True)
    with osmium.SimpleWriter(str(dst)) as writer:
        for t in range(tiles):
            dx, dy, off = (t % COLUMNS) * width, (t // COLUMNS) * height, t * ID_STEP
            for obj in osmium.FileProcessor(str(src), osmium.osm.NODE):
                writer.add_node(obj.replace(id=obj.id + off,
                                            location=(obj.lon + dx, obj.lat + dy)))
        for t in range(tiles):
            off = t * ID_STEP
            for obj in osmium.FileProcessor(str(src), osmium.osm.WAY):
                writer.add_way(obj.replace(id=obj.id + off,
                                           nodes=[n.ref + off for n in obj.nodes]))
        way_id = LINK_WAY_ID
        for t in range(tiles):
            neighbours = [t + 1] if (t + 1) % COLUMNS and t + 1 < tiles else []
            neighbours += [t + COLUMNS] if t + COLUMNS < tiles else []
            for other in neighbours:
                for node in links:
                    writer.add_way(osmium.osm.mutable.Way(
                        id=way_id, nodes=[node + t * ID_STEP, node + other * ID_STEP],
                        tags={"highway": "footway", "name": "Verbindungsweg"}))
                    way_id += 1
