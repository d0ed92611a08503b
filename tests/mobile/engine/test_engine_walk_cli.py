"""`lotse walk` end to end through `lotse.cli`, on the real inner-city extract."""

from __future__ import annotations

import json
from datetime import datetime

from lotse.cli import main as lotse
from tester_log.schema import read_log


def test_walk_json_hauptbahnhof_to_stiftsplatz(capsys, tmp_path):
    log = tmp_path / "walk.jsonl"
    rc = lotse(["walk", "--from", "Hauptbahnhof", "--to", "Stiftsplatz", "--seed", "5",
                "--json", "--log", str(log)])
    out = capsys.readouterr().out
    assert rc == 0
    data = json.loads(out)
    assert data["arrived"] is True
    assert data["from"]["name"] == "Hauptbahnhof" and data["to"]["name"] == "Stiftsplatz"
    for a in data["announcements"]:
        assert {"t_s", "text", "priority", "lat", "lon"} <= a.keys()
        assert 49.43 < a["lat"] < 49.45 and 7.75 < a["lon"] < 7.78
    said = [d["announced_m_before"] for d in data["decision_points"]]
    assert said and all(v is not None and v > 3.0 for v in said)
    err = data["position_error_m"]
    assert 0 < err["median"] <= err["p95"] < 5.0
    events = read_log(log)
    types = {e["type"] for e in events.events}
    # the phone's compass is logged, so a replay feeds the same headings back
    assert {"app_start", "advert", "heading", "position", "announcement", "truth",
            "arrival"} <= types
    assert not events.problems
    start = events.events[0]
    assert start["type"] == "app_start" and start["tick_s"] == 0.25
    assert datetime.fromisoformat(start["started_at"]).tzinfo is not None


def test_walk_text_output_and_same_seed_same_walk(capsys):
    args = ["walk", "--from", "49.4427,7.7688", "--to", "Stiftsplatz", "--seed", "3",
            "--drop-rate", "0.4", "--rssi-sigma", "6", "--lang", "en"]
    assert lotse(args) == 0
    first = capsys.readouterr().out
    assert "position error: median" in first and "decision points" in first
    assert "Destination reached" in first or "arrived: yes" in first
    assert lotse(args) == 0
    assert capsys.readouterr().out == first  # seeded: the same walk, byte for byte


def test_walk_errors_are_one_line(capsys):
    cases = [
        ["--from", "Hauptbahnhof", "--to", "Xyzzyplatz"],
        ["--from", "48.0,7.0", "--to", "Stiftsplatz"],
        ["--from", "Hauptbahnhof", "--to", "Stiftsplatz", "--drop-rate", "1.5"],
        ["--from", "Hauptbahnhof", "--to", "Stiftsplatz", "--osm", "/nonexistent.osm"],
        ["--from", "Hauptbahnhof", "--to", "Stiftsplatz", "--log", "/proc/no/such/dir.jsonl"],
    ]
    for case in cases:
        assert lotse(["walk", *case]) == 1
        err = capsys.readouterr().err
        assert err.startswith("lotse walk: ") and err.count("\n") == 1, err


def test_walk_leaving_the_route_is_told_and_rerouted(capsys):
    rc = lotse(["walk", "--from", "Stiftsplatz", "--to", "Fruchthalle", "--leave-route-at", "100",
                "--seed", "1", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0 and data["radio"] == "realistic"
    left = data["left_route"]
    assert left["at_m"] >= 100.0 and left["false_before"] == 0
    assert left["told_after_s"] is not None and left["told_after_s"] <= 15.0
    # seeded: the same walk each time; the new route starts across the walker's way and turns
    # left within `chain_m` of its start, said with it
    assert left["reroute_text"] == \
        "Neue Route: Wenden Sie sich nach rechts. Danach: Links abbiegen."
    assert data["reroutes"] >= 1
    assert not data["arrived"]  # the walker kept walking the wrong way


def test_walk_ideal_radio_and_bad_leave_point(capsys):
    assert lotse(["walk", "--from", "Stiftsplatz", "--to", "Fruchthalle", "--radio", "ideal",
                  "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["radio"] == "ideal" and data["arrived"]
    assert 0.0 < data["uncertainty_coverage"] <= 1.0
    assert lotse(["walk", "--from", "Stiftsplatz", "--to", "Fruchthalle",
                  "--leave-route-at", "-5"]) == 1
    assert capsys.readouterr().err == "lotse walk: --leave-route-at must be 0 or more metres\n"
