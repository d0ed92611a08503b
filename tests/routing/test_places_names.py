"""Local names OSM lacks (the curated gazetteer) are found by the place search on the real
inner-city extract, and the answer says which OSM feature an alias stands for."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lotse_server.routing_api import create_app
from routing_service.places import (
    LOCAL_NAMES_CSV,
    LocalName,
    fold,
    load_local_names,
    local_name_places,
)


@pytest.fixture(scope="module")
def client(cc_network):
    return TestClient(create_app(cc_network))


@pytest.fixture(scope="module")
def fountain(cc_network) -> dict:
    """The Fackelbrunnen as OSM has it: the fountain, not the bus stop of the same name."""
    return next(p for p in cc_network.places
                if p["name"] == "Fackelbrunnen" and p["category"] == "fountain")


def test_fackelrondell_finds_the_fackelbrunnen_over_http(client, fountain):
    r = client.get("/v1/places/search", params={"q": "Fackelrondell"})
    assert r.status_code == 200, r.text
    first = r.json()["results"][0]
    assert first["name"] == "Fackelrondell"
    assert first["alias_of"] == "Fackelbrunnen" and first["local_name"] is True
    assert (first["lat"], first["lon"], first["osm_id"]) == (
        fountain["lat"], fountain["lon"], fountain["osm_id"])
    assert "source" not in first and "tags" not in first


@pytest.mark.parametrize("q", ["fackelrondell", "Fackel-Rondell", "Fackelrondel"])
def test_spellings_of_the_local_name(cc_network, q):
    assert cc_network.search_places(q, limit=1)[0]["name"] == "Fackelrondell"


def test_osm_names_are_not_aliases(cc_network):
    for hit in cc_network.search_places("Stiftsplatz", limit=5):
        assert hit["alias_of"] is None and hit["local_name"] is False
    assert cc_network.search_places("Fackelbrunnen", limit=1)[0]["alias_of"] is None


def test_local_names_do_not_become_landmarks(cc_network):
    """The gazetteer feeds the search only; the extract's places stay what OSM says."""
    cc_network.search_places("Fackelrondell")
    assert all(p["name"] != "Fackelrondell" for p in cc_network.places)


def test_shipped_gazetteer_rows_all_resolve_on_the_inner_city(cc_network):
    rows = load_local_names()
    assert rows and all(r.source for r in rows)
    resolved = local_name_places(cc_network.places, cc_network.bbox, rows)
    assert sorted(p["name"] for p in resolved) == sorted(r.name for r in rows)
    names = {fold(p["name"]) for p in cc_network.places}
    for row in rows:
        assert fold(row.name) not in names, f"{row.name} is in OSM now; the row is not needed"


def test_point_rows_and_rows_of_other_areas(tmp_path: Path, cc_network):
    path = tmp_path / "names.csv"
    path.write_text(
        "name,alias_of,lat,lon,source\n"
        "Treffpunkt Stiftsplatz,,49.44454,7.77238,test row inside the inner city\n"
        "Uni-Mensa-Eck,,49.4240,7.7520,test row on the campus\n"
        "Campusbrunnen,Brunnen am Campus,,,test row naming a feature outside the extract\n",
        encoding="utf-8")
    rows = load_local_names(path)
    assert rows[0] == LocalName("Treffpunkt Stiftsplatz", None, 49.44454, 7.77238,
                                "test row inside the inner city")
    resolved = local_name_places(cc_network.places, cc_network.bbox, rows)
    assert [p["name"] for p in resolved] == ["Treffpunkt Stiftsplatz"]
    assert resolved[0]["alias_of"] is None and resolved[0]["osm_id"] is None


@pytest.mark.parametrize(("row", "message"), [
    ("Ort,Fackelbrunnen,49.4,7.7,both", "either alias_of or both lat and lon"),
    ("Ort,,,,neither", "either alias_of or both lat and lon"),
    ("Ort,,49.4,,lat only", "either alias_of or both lat and lon"),
    ("Ort,,nord,ost,words", "not numbers"),
    (",Fackelbrunnen,,,no name", "name and source are required"),
    ("Ort,Fackelbrunnen,,,", "name and source are required"),
])
def test_bad_rows_name_file_and_line(tmp_path: Path, row, message):
    path = tmp_path / "names.csv"
    path.write_text("name,alias_of,lat,lon,source\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"names.csv line 2: .*{message}"):
        load_local_names(path)


def test_shipped_file_is_beside_the_search():
    assert LOCAL_NAMES_CSV.parent.name == "routing_service" and LOCAL_NAMES_CSV.exists()
