"""``lotse route`` and ``lotse serve`` from the shell: answers and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lotse_common.settings import PROJECT_ROOT
from routing_service import cli

DATA = Path(__file__).parent / "data"


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(args))
    except SystemExit as exc:  # argparse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_route_text(capsys, cc_osm, places):
    a, b = places["Hauptbahnhof"], places["Stiftsplatz"]
    code, out, err = run(capsys, "--osm", str(cc_osm), "--from", f"{a[0]},{a[1]}",
                         "--to", f"{b[0]},{b[1]}", "--lang", "en")
    assert code == 0, err
    assert "arrived" in out and "© OpenStreetMap contributors" in out


def test_route_json_is_the_http_body(capsys, cc_osm, cc_router, places):
    a, b = places["Rathaus"], places["Fackelrondell"]
    code, out, _ = run(capsys, "--osm", str(cc_osm), "--from", f"{a[0]},{a[1]}",
                       "--to", f"{b[0]},{b[1]}", "--profile", "low_vision", "--json",
                       "--avoid-steps", "--signalled-crossings-only",
                       "--no-prefer-tactile-paving", "--max-detour-factor", "3")
    assert code == 0
    data = json.loads(out)
    from routing_service.options import RouteOptions

    expected = cc_router.route(a, b, profile="low_vision", options=RouteOptions(
        avoid_steps=True, signalled_crossings_only=True, prefer_tactile_paving=False,
        max_detour_factor=3)).to_dict()
    assert data["distance_m"] == expected["distance_m"]
    assert data["geometry"] == expected["geometry"]
    assert [m["text"] for m in data["maneuvers"]] == [m["text"] for m in expected["maneuvers"]]


@pytest.mark.parametrize("args,needle,code", [
    (["--from", "49.44", "--to", "49.44,7.77"], "LAT,LON", 2),
    (["--from", "91,7.77", "--to", "49.44,7.77"], "latitude", 2),
    (["--from", "49.44,7.77"], "--to", 2),
    (["--from", "49.44,7.77", "--to", "49.445,7.77", "--profile", "skate"], "profile", 2),
    (["--from", "49.44,7.77", "--to", "49.445,7.77", "--max-detour-factor", "x"], "detour", 2),
    (["--from", "48.0,7.77", "--to", "49.445,7.77"], "außerhalb", 1),
    (["--from", "48.0,7.77", "--to", "49.445,7.77", "--lang", "en"], "outside the service", 1),
])
def test_bad_input_one_line(capsys, cc_osm, args, needle, code):
    got, out, err = run(capsys, "--osm", str(cc_osm), *args)
    assert got == code
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_and_broken_osm_files_are_named(capsys, tmp_path):
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm><node id='1' lat='49.4'")
    for path in (tmp_path / "missing.osm.gz", broken):
        code, _, err = run(capsys, "--osm", str(path), "--from", "49.44,7.77",
                           "--to", "49.445,7.77", "--lang", "en")
        assert code == 1 and str(path) in err and len(err.strip().splitlines()) == 1


def test_osm_without_walkable_ways(capsys, tmp_path):
    empty = tmp_path / "buildings.osm"
    empty.write_text((DATA / "no_pavement.osm").read_text().replace('k="highway"', 'k="hw"'))
    code, _, err = run(capsys, "--osm", str(empty), "--from", "49.44,7.77", "--to",
                       "49.445,7.77", "--lang", "en")
    assert code == 1 and "no walkable ways" in err


def test_lotse_commands_in_a_subprocess(cc_osm, tmp_path):
    """Through the real console entry point: `lotse route` and `lotse serve` bad start-up."""
    env_cmd = [sys.executable, "-m", "lotse"]
    ok = subprocess.run([*env_cmd, "route", "--osm", str(DATA / "steps_ramp.osm"),
                         "--from", "49.43965,7.77", "--to", "49.44075,7.77", "--profile", "walk"],
                        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert ok.returncode == 0 and "12" in ok.stdout, ok.stderr
    bad = subprocess.run([*env_cmd, "serve", "--osm", str(tmp_path / "nope.osm")],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines()[-1].startswith("lotse serve: ")
    assert "nope.osm" in bad.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("args,needle", [
    (["--osm", "x.osm", "--overpass-bbox", "7.76,49.43,7.78,49.45"], "not allowed with"),
    (["--overpass-bbox", "7.78,49.43,7.76,49.45"], "west,south,east,north"),
    (["--overpass-bbox", "7.76,49.43"], "W,S,E,N"),
])
def test_overpass_arguments_checked_before_any_request(capsys, args, needle):
    code, _, err = run(capsys, *args, "--from", "49.44,7.77", "--to", "49.445,7.77")
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1
