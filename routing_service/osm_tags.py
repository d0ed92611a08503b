"""The OSM tags the walk graph keeps, and the crossing types derived from them.

Shared by both graph builds (the array build in ``network_build`` and osmnx's in
``osmnx_build``) and read by costs, junctions and maneuvers through ``ingest``.
"""

from __future__ import annotations

from typing import Any

#: way tags kept on edges (cost, speech, filtering)
EDGE_KEYS: tuple[str, ...] = (
    "highway", "name", "footway", "sidewalk", "step_count", "handrail", "handrail:left",
    "handrail:right", "incline", "tactile_paving", "surface", "smoothness", "width", "lit",
    "area", "crossing", "crossing_ref", "foot", "access", "service", "bridge", "tunnel",
    "wheelchair", "ramp", "railway", "public_transport", "man_made", "motorroad", "oneway:foot",
    "conveying", "is_sidepath:of:name", "street:name", "layer", "level",
)
#: node tags kept on nodes
NODE_KEYS: tuple[str, ...] = (
    "highway", "crossing", "crossing_ref", "traffic_signals", "traffic_signals:sound",
    "traffic_signals:vibration", "button_operated", "tactile_paving", "kerb", "barrier", "name",
    "access", "foot", "locked",
)
#: tags we derive during ingest (prefixed so they never clash with OSM keys)
SQUARE, CROSSING = "lotse:square", "lotse:crossing"

#: simplification must keep these nodes: each is something the walker is told about
KEEP_NODE_KEYS = ["crossing", "kerb", "barrier", "traffic_signals", "tactile_paving", "highway"]


def crossing_type(tags: dict[str, Any]) -> str | None:
    """Normalise OSM crossing tagging to the contract's five crossing types.

    ``uncontrolled`` is marked but gives no signal; without ``crossing_ref=zebra`` we cannot
    assume right of way, so a blind walker is warned as at an unmarked crossing.
    ``crossing=yes`` says nothing about safety and is treated the same, conservatively.
    """
    crossing = tags.get("crossing")
    signals = crossing == "traffic_signals" or tags.get("highway") == "traffic_signals"
    if signals:
        if tags.get("traffic_signals:sound") in ("yes", "locate"):
            return "signals_sound"
        if tags.get("traffic_signals:vibration") == "yes":
            return "signals_vibration"
        return "signals"
    if crossing == "zebra" or tags.get("crossing_ref") == "zebra" or crossing == "marked":
        return "zebra"
    if crossing in ("uncontrolled", "unmarked", "yes", "informal") or \
            tags.get("highway") == "crossing" and crossing != "no":
        return "unmarked"
    return None


def way_crossing(tags: dict[str, Any]) -> str | None:
    """Crossing type of a way: a ``footway=crossing`` that says nothing more is treated as
    unmarked, so cost, ``signalled_crossings_only`` and speech agree about it."""
    if tags.get("footway") != "crossing" and "crossing" not in tags:
        return None
    kind = crossing_type(tags)
    if kind is None and tags.get("footway") == "crossing" and tags.get("crossing") != "no":
        return "unmarked"
    return kind
