"""The shipped inner-city beacon plan: generated from the real graph, in the import format."""

from __future__ import annotations

import json
import re
import uuid

import numpy as np
import pytest
from scipy.spatial import cKDTree

from lotse.cli import main as lotse
from mobile.ble.plan import MAJOR, PLAN_PATH, generate_plan, load_plan, record_key
from mobile.positioning.geo import RouteLine, to_xy


@pytest.fixture(scope="module")
def plan() -> dict:
    return json.loads(PLAN_PATH.read_text(encoding="utf-8"))


def test_plan_is_the_contract_import_format(plan, cc_network):
    assert plan["type"] == "FeatureCollection" and 600 < len(plan["features"]) < 1200
    min_lon, min_lat, max_lon, max_lat = cc_network.bbox
    keys = set()
    for f in plan["features"]:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "Point"
        assert min_lon - 1e-3 <= lon <= max_lon + 1e-3 and min_lat - 1e-3 <= lat <= max_lat + 1e-3
        assert p["kind"] in ("ibeacon", "eddystone") and p["level"] == 0
        assert -75 <= p["measured_power"] <= -50 and p["placement_de"] and p["placement_en"]
        if p["kind"] == "ibeacon":
            assert str(uuid.UUID(p["uuid"])) == p["uuid"]
            assert 0 <= p["major"] <= 0xFFFF and 0 <= p["minor"] <= 0xFFFF
        else:
            assert re.fullmatch(r"[0-9a-f]{20}", p["namespace"])
            assert re.fullmatch(r"[0-9a-f]{12}", p["instance"])
        keys.add(record_key(p))
    assert len(keys) == len(plan["features"])  # every beacon has its own identity


def test_beacons_every_10_to_15_m_along_the_axes_and_at_crossings(plan, hbf_stiftsplatz):
    axis = np.array([to_xy(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
                     for f in plan["features"] if f["properties"].get("major") == MAJOR["axis"]])
    nearest, _ = cKDTree(axis).query(axis, k=2)
    spacing = nearest[:, 1]
    assert 7.0 <= float(np.median(spacing)) <= 15.0
    kinds = {f["properties"]["placement_en"].split()[0] for f in plan["features"]}
    assert {"crossing", "entrance"} <= kinds
    # the route Hauptbahnhof → Stiftsplatz is covered: no point of it is far from a beacon
    every = np.array([to_xy(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
                      for f in plan["features"]])
    line = RouteLine(hbf_stiftsplatz["geometry"]["coordinates"])
    points = [line.xy_at(s) for s in np.arange(0, line.length_m, 2.0)]
    gaps, _ = cKDTree(every).query(points)
    assert float(np.max(gaps)) < 15.0


def test_only_the_main_axes_are_equipped(plan, cc_network, router, place_of):
    """The links between the main destinations are covered; residential side streets are not
    (the phone uses GPS there)."""
    from mobile.ble.plan import LINK_PLACES, SHOPPING_STREETS

    every = cKDTree([to_xy(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
                     for f in plan["features"]])
    a, b = place_of(LINK_PLACES[2]), place_of(LINK_PLACES[1])  # Rathaus -> Stiftsplatz
    line = RouteLine(router.route(a, b).to_dict()["geometry"]["coordinates"])
    gaps, _ = every.query([line.xy_at(s) for s in np.arange(0, line.length_m, 2.0)])
    assert float(np.max(gaps)) < 15.0
    side = [e for e in range(cc_network.n_edges)
            if cc_network.edge_tags.value("highway", e) == "residential"
            and cc_network.edge_tags.value("name", e) not in SHOPPING_STREETS]
    mids = [to_xy(float(lat), float(lon)) for lon, lat in
            (cc_network.edge_coords(e).mean(axis=0) for e in side)]
    far, _ = every.query(mids)
    assert float(np.mean(far > 20.0)) > 0.5  # most residential streets have no beacon near


def test_plan_regenerates_from_the_real_graph(cc_network, plan):
    fresh = generate_plan(cc_network)
    assert abs(len(fresh["features"]) - len(plan["features"])) <= 0.05 * len(plan["features"])
    assert len(load_plan()) == len(plan["features"])


def test_walk_writes_each_announcement_as_wav(tmp_path, capsys, place_of):
    lat, lon = place_of("Stiftsplatz")
    out = tmp_path / "wav"
    rc = lotse(["walk", "--from", f"{lat - 0.0004:.5f},{lon - 0.0004:.5f}", "--to", "Stiftsplatz",
                "--wav", str(out), "--seed", "1"])
    assert rc == 0, capsys.readouterr().err
    files = sorted(out.glob("*.wav"))
    printed = [line for line in capsys.readouterr().out.splitlines() if " s  " in line]
    assert files and len(files) == len(printed)
    assert all(f.stat().st_size > 1000 for f in files)
