"""Who may walk where: the legal and physical access rules for pedestrians, read from OSM tags.

These rules are absolute, unlike costs: a way or node that fails them is removed from the graph
at ingest, so no profile and no cost weighting can ever send a walker along or through it.
Peer routers (OSRM's foot profile, GraphHopper's foot access parser) apply the same rules; the
values below were chosen from the OSM wiki's definitions, not copied from either.
"""

from __future__ import annotations

from typing import Any, Literal

#: an explicit permission for pedestrians (overrides a general ``access=no``)
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})
#: ``foot=`` values that forbid walking; ``use_sidepath``: walk the separately mapped footway
FOOT_DENIED = frozenset({"no", "private", "use_sidepath"})
ACCESS_DENIED = frozenset({"no", "private"})

WALKABLE_HIGHWAYS = frozenset({
    "footway", "path", "pedestrian", "living_street", "residential", "service", "unclassified",
    "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link",
    "track", "steps", "road", "corridor", "bridleway", "platform",
})
#: closed ways of these kinds are walkable areas: their outline is kept as a walking line
AREA_HIGHWAYS = frozenset({"pedestrian", "footway", "platform"})

#: barriers nobody walks through (unless the node says ``foot=yes``: a gap in the fence)
SOLID_BARRIERS = frozenset({
    "wall", "fence", "hedge", "retaining_wall", "city_wall", "guard_rail", "ditch",
    "jersey_barrier", "wire_fence", "hedge_bank", "barrier_board",
})

Direction = Literal["both", "forward", "backward"]
_FORWARD = frozenset({"yes", "true", "1"})
_BACKWARD = frozenset({"-1", "reverse"})


def walkable_highway(tags: dict[str, Any]) -> str | None:
    """The highway class a pedestrian walks on here, including ways mapped without ``highway``:
    station platforms (``railway=platform``) and piers (``man_made=pier``)."""
    highway = tags.get("highway")
    if isinstance(highway, str):
        return highway
    if tags.get("railway") == "platform" or tags.get("public_transport") == "platform":
        return "platform"
    if tags.get("man_made") == "pier":
        return "footway"
    return None


def is_walkable(tags: dict[str, Any]) -> bool:
    """May a pedestrian use this way at all (in at least one direction)?"""
    highway = walkable_highway(tags)
    if highway is None:
        return False
    foot = tags.get("foot")
    if foot in FOOT_DENIED:
        return False
    if tags.get("access") in ACCESS_DENIED and foot not in FOOT_ALLOWED:
        return False
    # a Kraftfahrstraße is closed to pedestrians by law (StVO § 18)
    if tags.get("motorroad") == "yes" and foot not in FOOT_ALLOWED:
        return False
    if highway == "cycleway":
        return foot in FOOT_ALLOWED
    if highway not in WALKABLE_HIGHWAYS:
        return False  # construction, proposed, motorway, trunk, raceway, ...
    # an area's outline is a walking line only for areas people walk on (squares, platforms)
    return tags.get("area") != "yes" or highway in AREA_HIGHWAYS


def walk_direction(tags: dict[str, Any]) -> Direction:
    """Which way along the way's node order a pedestrian may go.

    ``oneway`` alone binds vehicles, not walkers; ``oneway:foot`` and a moving escalator or
    walkway (``conveying``) bind walkers. ``conveying=reversible`` changes during the day, so
    either direction stays allowed.
    """
    oneway = tags.get("oneway:foot")
    if oneway in _FORWARD:
        return "forward"
    if oneway in _BACKWARD:
        return "backward"
    conveying = tags.get("conveying")
    if conveying == "forward":
        return "forward"
    if conveying == "backward":
        return "backward"
    return "both"


def node_passable(tags: dict[str, Any]) -> bool:
    """May a pedestrian pass through this node (a gate, a fence, a bollard, ...)?"""
    foot = tags.get("foot")
    if foot in FOOT_DENIED:
        return False
    if tags.get("locked") == "yes":
        return False  # a locked gate is shut whatever the sign on it allows
    if tags.get("access") in ACCESS_DENIED and foot not in FOOT_ALLOWED:
        return False
    return not (tags.get("barrier") in SOLID_BARRIERS and foot not in FOOT_ALLOWED)


def side_name(tags: dict[str, Any]) -> str | None:
    """The name a walker hears for a way: its own, else the street a sidewalk belongs to."""
    for key in ("name", "is_sidepath:of:name", "street:name"):
        value = tags.get(key)
        if isinstance(value, str) and value:
            return value
    return None
