"""The walk network itself as GeoJSON, so the console's map needs no tile server.

Drawn from the compiled graph the router uses, classed by what matters to a blind walker: steps,
roads without pavement, crossings by type, tactile paving, open squares, plain footways. The
classes come from the cost model's own edge features, so the map shows what the router sees.
Each way is drawn once (one direction of every pair of edges).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lotse_common import ATTRIBUTION
from routing_service.router import Router

#: drawing order and legend order: later classes are drawn on top
CLASSES = ("footway", "square", "road_no_pavement", "tactile", "steps", "crossing")
COORD_DIGITS = 6  # ~0.1 m: finer than any mapped way


def edge_classes(router: Router) -> np.ndarray:
    """One class name per directed edge (the most important feature wins)."""
    f = router.model.features
    out = np.full(router.net.n_edges, "footway", dtype=object)
    out[f.square_interior] = "square"
    out[f.main_no_sidewalk | f.minor_no_sidewalk] = "road_no_pavement"
    out[f.tactile] = "tactile"
    out[f.steps] = "steps"
    out[f.crossing != None] = "crossing"  # noqa: E711 - numpy elementwise comparison
    return out


def network_geojson(router: Router) -> dict[str, Any]:
    """A FeatureCollection of every walkable way, with ``class``, ``crossing`` and ``name``."""
    net, f = router.net, router.model.features
    classes = edge_classes(router)
    names = net.edge_tags.column("name")
    features = []
    for e in range(net.n_edges):
        twin = net.edge_rev[e]
        if 0 <= twin < e and net.edge_rev[twin] == e:
            continue  # the reverse direction was drawn already
        coords = np.round(net.edge_coords(e), COORD_DIGITS).tolist()
        props: dict[str, Any] = {"class": classes[e]}
        if f.crossing[e] is not None:
            props["crossing"] = f.crossing[e]
        if names[e]:
            props["name"] = names[e]
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "LineString", "coordinates": coords}})
    return {"type": "FeatureCollection", "features": features, "attribution": ATTRIBUTION,
            "graph_hash": net.graph_hash}
