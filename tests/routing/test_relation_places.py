"""Named places mapped as multipolygon relations: read, placed inside their area, searchable."""

from __future__ import annotations

import osmium
import shapely

from lotse_common.settings import SHARED_OSM
from routing_service.ingest import load_network
from routing_service.places import KEPT_TAGS, PLACE_TAGS
from routing_service.stream_ingest import places

CITY = SHARED_OSM / "kaiserslautern.osm.gz"
#: the station's platforms mapped only as multipolygons in the whole-city extract
PLATFORMS = {"relation/2819213": "Bahnsteig 1", "relation/2819214": "Bahnsteig 2 & 3",
             "relation/2819215": "Bahnsteig 4 & 5", "relation/2819140": "Bahnsteig 8 & 10"}

#: a museum of two courtyards: an outer ring with a hole (the inner yard), around a footway
MUSEUM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
<node id="1" lat="49.4400" lon="7.7690"/><node id="2" lat="49.4400" lon="7.7730"/>
<node id="11" lat="49.4410" lon="7.7700"/><node id="12" lat="49.4410" lon="7.7720"/>
<node id="13" lat="49.4430" lon="7.7720"/><node id="14" lat="49.4430" lon="7.7700"/>
<node id="21" lat="49.4415" lon="7.7705"/><node id="22" lat="49.4415" lon="7.7715"/>
<node id="23" lat="49.4425" lon="7.7715"/><node id="24" lat="49.4425" lon="7.7705"/>
<way id="100"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way>
<way id="101"><nd ref="11"/><nd ref="12"/><nd ref="13"/></way>
<way id="102"><nd ref="13"/><nd ref="14"/><nd ref="11"/></way>
<way id="103"><nd ref="21"/><nd ref="22"/><nd ref="23"/><nd ref="24"/><nd ref="21"/></way>
<relation id="500"><member type="way" ref="101" role="outer"/>
<member type="way" ref="102" role="outer"/><member type="way" ref="103" role="inner"/>
<tag k="type" v="multipolygon"/><tag k="tourism" v="museum"/>
<tag k="name" v="Hofmuseum"/><tag k="opening_hours" v="Tu-Su 10:00-17:00"/></relation>
</osm>
"""


def test_platform_relations_of_the_city_are_places_inside_their_area():
    found = {p["osm_id"]: p for p in places(CITY, PLACE_TAGS, KEPT_TAGS)}
    outlines: dict[int, list[int]] = {}
    for rel in osmium.FileProcessor(str(CITY), osmium.osm.RELATION):
        if f"relation/{rel.id}" in PLATFORMS:
            outlines[rel.id] = [m.ref for m in rel.members if m.role == "outer"]
    rings = {w.id: [(n.lon, n.lat) for n in w.nodes]
             for w in osmium.FileProcessor(str(CITY)).with_locations()
             if w.is_way() and any(w.id in refs for refs in outlines.values())}
    for osm_id, name in PLATFORMS.items():
        place = found[osm_id]
        assert (place["name"], place["kind"], place["category"]) == (name, "railway", "platform")
        outline = shapely.union_all(shapely.polygonize(
            [shapely.LineString(rings[w]) for w in outlines[int(osm_id.split("/")[1])]]))
        assert outline.contains(shapely.Point(place["lon"], place["lat"])), osm_id


def test_multipolygon_place_avoids_its_hole_and_is_searchable(tmp_path):
    path = tmp_path / "museum.osm"
    path.write_text(MUSEUM, encoding="utf-8")
    net = load_network(path)
    museum = [p for p in net.places if p["osm_id"] == "relation/500"]
    assert len(museum) == 1
    place = museum[0]
    assert place["tags"] == {"opening_hours": "Tu-Su 10:00-17:00"}
    point = shapely.Point(place["lon"], place["lat"])
    outer = shapely.Polygon([(7.7700, 49.4410), (7.7720, 49.4410), (7.7720, 49.4430),
                             (7.7700, 49.4430)])
    yard = shapely.Polygon([(7.7705, 49.4415), (7.7715, 49.4415), (7.7715, 49.4425),
                            (7.7705, 49.4425)])
    assert outer.contains(point) and not yard.intersects(point)
    assert net.search_places("Hofmuseum")[0]["osm_id"] == "relation/500"


def test_a_relation_with_missing_members_is_left_out(tmp_path):
    """The inner city cuts the platform's outline: no area, no place, no error."""
    cut = MUSEUM.replace('<way id="102"><nd ref="13"/><nd ref="14"/><nd ref="11"/></way>', "")
    path = tmp_path / "cut.osm"
    path.write_text(cut, encoding="utf-8")
    assert not [p for p in places(path, PLACE_TAGS, KEPT_TAGS) if p["osm_id"] == "relation/500"]
