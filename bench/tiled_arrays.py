"""A synthetic city N times the size, tiled from the compiled arrays instead of the OSM extract.

The same layout as ``tiled_city.py`` (tiles in rows of COLUMNS, shifted by 1.01 × the extent;
neighbouring tiles joined by footways between the same LINKS_PER_BORDER nodes), without the
minutes-long build of the tiled extract: it measures how route time grows with the city, not
how the build does.
"""

from __future__ import annotations

import random

import numpy as np
from tiled_city import COLUMNS, LINKS_PER_BORDER

from lotse_common.geodesy import haversine_m
from routing_service.compiled import TagColumns, WalkNetwork


def _shifts(net: WalkNetwork, tiles: int) -> list[tuple[float, float]]:
    west, south, east, north = net.bbox
    width, height = (east - west) * 1.01, (north - south) * 1.01
    return [((t % COLUMNS) * width, (t // COLUMNS) * height) for t in range(tiles)]


def _links(net: WalkNetwork, tiles: int, seed: int) -> list[tuple[int, int]]:
    """Node pairs (global ids) joined by a link footway, each once."""
    chosen = random.Random(seed).sample(range(net.n_nodes), min(LINKS_PER_BORDER, net.n_nodes))
    pairs = []
    for t in range(tiles):
        neighbours = [t + 1] if (t + 1) % COLUMNS and t + 1 < tiles else []
        neighbours += [t + COLUMNS] if t + COLUMNS < tiles else []
        pairs += [(x + t * net.n_nodes, x + o * net.n_nodes) for o in neighbours for x in chosen]
    return pairs


def tile_network(net: WalkNetwork, tiles: int, seed: int = 1) -> WalkNetwork:
    """``tiles`` shifted copies of ``net`` joined into one connected network."""
    n, m, g = net.n_nodes, net.n_edges, len(net.geom_coords)
    shifts = _shifts(net, tiles)
    lat = np.concatenate([net.node_lat + dy for _, dy in shifts])
    lon = np.concatenate([net.node_lon + dx for dx, _ in shifts])
    u, v, length, coords = [], [], [], []
    for a, b in _links(net, tiles, seed):
        metres = haversine_m(lat[a], lon[a], lat[b], lon[b])
        for x, y in ((a, b), (b, a)):  # both directions, each the other's reverse
            u.append(x)
            v.append(y)
            length.append(metres)
            coords += [[lon[x], lat[x]], [lon[y], lat[y]]]
    extra = len(u)
    first_link = tiles * m

    def tiled(columns: TagColumns, count_extra: int) -> TagColumns:
        return TagColumns({key: np.concatenate([np.tile(c, tiles),
                                                np.full(count_extra, -1, dtype=c.dtype)])
                           for key, c in columns.codes.items()},
                          {key: list(words) for key, words in columns.vocab.items()})

    edge_tags = tiled(net.edge_tags, extra)
    edge_tags.codes["highway"][first_link:] = edge_tags.vocab["highway"].index("footway")
    return WalkNetwork(
        graph_hash=f"{net.graph_hash}-x{tiles}", node_osmid=np.arange(tiles * n),
        node_lat=lat, node_lon=lon,
        edge_u=np.concatenate([net.edge_u + t * n for t in range(tiles)] + [u]).astype(
            net.edge_u.dtype),
        edge_v=np.concatenate([net.edge_v + t * n for t in range(tiles)] + [v]).astype(
            net.edge_v.dtype),
        edge_length=np.concatenate([np.tile(net.edge_length, tiles), length]),
        edge_rev=np.concatenate(
            [np.where(net.edge_rev >= 0, net.edge_rev + t * m, -1) for t in range(tiles)]
            + [first_link + (np.arange(extra) ^ 1)]).astype(net.edge_rev.dtype),
        geom_offsets=np.concatenate(
            [net.geom_offsets[:-1] + t * g for t in range(tiles)]
            + [tiles * g + 2 * np.arange(extra + 1)]).astype(net.geom_offsets.dtype),
        geom_coords=np.concatenate([net.geom_coords + [dx, dy] for dx, dy in shifts]
                                   + [np.array(coords).reshape(-1, 2)]),
        node_tags=tiled(net.node_tags, 0), edge_tags=edge_tags,
        places=[dict(p, lon=p["lon"] + dx, lat=p["lat"] + dy) for dx, dy in shifts
                for p in net.places])


def shift_pairs(net: WalkNetwork, pairs, tiles: int, seed: int):
    """The same pairs moved into random tiles (same route lengths)."""
    shifts, rng = _shifts(net, tiles), random.Random(seed)
    out = []
    for a, b in pairs:
        dx, dy = shifts[rng.randrange(tiles)]
        out.append(((a[0] + dy, a[1] + dx), (b[0] + dy, b[1] + dx)))
    return out
