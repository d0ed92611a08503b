"""Small hand-made OSM maps for the access rules, written per test with the tags under test.

The standard map ("bypass"): a lead-in from the west (W) to node A, two ways from A to B, and a
lead-in from B to the east (E)::

                 C                 the detour "Umweg" A-C-B climbs 220 m north: about 460 m
               /   \\
     W ---- A ---M--- B ---- E     the short way "Kurzweg" A-M-B: 145 m, M is a node in its middle

The detour is three times the short way, so a route only takes it when the short way (or its
middle node M) is forbidden: a cost penalty of any profile would not push a route onto it.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

#: points on the west and east lead-ins
WEST, EAST = (49.4400, 7.76905), (49.4400, 7.77295)
PROFILES = ("walk", "blind", "low_vision")

BYPASS_NODES = {1: (49.4400, 7.7690), 2: (49.4400, 7.7700), 20: (49.4400, 7.7710),
                3: (49.4400, 7.7720), 4: (49.4400, 7.7730), 5: (49.4420, 7.7710)}


def tags_xml(tags: dict[str, str]) -> str:
    return "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())


def osm_xml(nodes: dict[int, tuple[float, float]], ways: list[tuple[int, list[int], dict]],
            node_tags: dict[int, dict[str, str]] | None = None) -> str:
    """An OSM XML document from nodes {id: (lat, lon)} and ways [(id, node ids, tags)]."""
    node_tags = node_tags or {}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="hand">']
    for i, (lat, lon) in nodes.items():
        lines.append(f'<node id="{i}" lat="{lat}" lon="{lon}">'
                     f'{tags_xml(node_tags.get(i, {}))}</node>')
    for i, refs, tags in ways:
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        lines.append(f'<way id="{i}">{nds}{tags_xml(tags)}</way>')
    lines.append("</osm>")
    return "\n".join(lines)


def bypass_map(short: dict[str, str] | None = None, middle: dict[str, str] | None = None,
               short_nodes: tuple[int, ...] = (2, 20, 3)) -> str:
    """The standard map with extra tags on the short way and on its middle node M."""
    short_tags = {"highway": "footway", "name": "Kurzweg", **(short or {})}
    ways = [
        (10, [1, 2], {"highway": "footway", "name": "Westweg"}),
        (11, list(short_nodes), short_tags),
        (12, [2, 5, 3], {"highway": "footway", "name": "Umweg"}),
        (13, [3, 4], {"highway": "footway", "name": "Ostweg"}),
    ]
    return osm_xml(BYPASS_NODES, ways, {20: middle or {}})


def write(tmp: Path, text: str) -> Path:
    """The map as a file named for its content (the compiled cache keys on content anyway)."""
    import hashlib

    path = tmp / f"map-{hashlib.sha1(text.encode()).hexdigest()[:12]}.osm"
    path.write_text(text, encoding="utf-8")
    return path


def link_map(link_refs: list[int], link_tags: dict[str, str],
             extra_nodes: dict[int, tuple[float, float]] | None = None) -> str:
    """W-A and B-E joined only by one way (a platform, a pier, a footway area, ...)."""
    nodes = {1: BYPASS_NODES[1], 2: BYPASS_NODES[2], 20: BYPASS_NODES[20], 3: BYPASS_NODES[3],
             4: BYPASS_NODES[4], 31: (49.4401, 7.7710), 32: (49.4399, 7.7710),
             **(extra_nodes or {})}
    ways = [(10, [1, 2], {"highway": "footway", "name": "Westweg"}),
            (11, link_refs, link_tags),
            (13, [3, 4], {"highway": "footway", "name": "Ostweg"})]
    return osm_xml(nodes, ways)


#: a closed way east of A, attached to the network at A only (a turning loop, a square's rim)
LOOP_NODES = {1: BYPASS_NODES[1], 2: BYPASS_NODES[2], 40: (49.4403, 7.7710),
              41: (49.4400, 7.7720), 42: (49.4397, 7.7710)}


def loop_map(loop_tags: dict[str, str]) -> str:
    ways = [(10, [1, 2], {"highway": "footway", "name": "Westweg"}),
            (11, [2, 40, 41, 42, 2], loop_tags)]
    return osm_xml(LOOP_NODES, ways)


def sidewalk_map(sidewalk_tags: dict[str, str]) -> str:
    """A main road A-B where walkers must use the sidewalk mapped 5 m north of it."""
    nodes = {**BYPASS_NODES, 50: (49.44005, 7.7702), 51: (49.44005, 7.7718),
             6: (49.4390, 7.7700)}
    ways = [
        (10, [1, 2], {"highway": "footway", "name": "Westweg"}),
        (14, [2, 6], {"highway": "footway", "name": "Südweg"}),  # A is a junction
        (11, [2, 20, 3], {"highway": "primary", "name": "Hauptstraße", "foot": "use_sidepath"}),
        (12, [2, 50, 51, 3], {"highway": "footway", "footway": "sidewalk", **sidewalk_tags}),
        (13, [3, 5], {"highway": "footway", "name": "Nordweg"}),
    ]
    return osm_xml(nodes, ways)


def layers_map() -> str:
    """A footbridge (listed first) over the ground footway A-B, crossing above M."""
    nodes = {**BYPASS_NODES, 70: (49.4395, 7.7710), 71: (49.4405, 7.7710)}
    ways = [
        (9, [70, 71], {"highway": "footway", "name": "Brücke", "bridge": "yes", "layer": "1"}),
        (10, [1, 2], {"highway": "footway", "name": "Westweg"}),
        (11, [2, 20, 3], {"highway": "footway", "name": "Unten"}),
        (12, [2, 70], {"highway": "footway", "name": "Rampe Süd"}),
        (13, [71, 3], {"highway": "footway", "name": "Rampe Nord"}),
        (14, [3, 4], {"highway": "footway", "name": "Ostweg"}),
    ]
    return osm_xml(nodes, ways)
