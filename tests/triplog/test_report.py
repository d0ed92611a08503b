"""The report from a log alone (no re-run): files, links, non-empty plots, corrupt lines listed."""

from __future__ import annotations

import json
import re

from tester_log.review.cli import main as replay_main
from tester_log.writer import TripLogger

from .builders import START, assert_png_not_empty, line_east, offset, route_for


def write_walk(path, *, truth: bool = True, corrupt: bool = True):
    """A 100 m walk east with estimates 4 m north of the truth, a marker, two announcements."""
    points = line_east()
    with TripLogger(path) as log:
        log.event("app_start", t=0.0)
        log.event("route_received", t=0.5, route=route_for(points))
        for i, p in enumerate(points):
            t = 1.0 + i
            if truth:
                log.event("truth", t=t, lat=p[0], lon=p[1])
            log.event("advert", t=t, beacon="ibeacon:u:1:1", rssi=-70 - i)
            est = offset(p, 0, 4)
            log.event("position", t=t, lat=est[0], lon=est[1], uncertainty_m=5.0,
                      source="beacons")
            if i == 0:
                log.event("announcement", t=t, text="Gehen Sie geradeaus in die Marktstraße",
                          priority="GUIDANCE", queued_t=t, started_t=t, kind="depart",
                          maneuver=0, route=1)
            if i == 6:
                log.event("marker", t=t, note="Ansage kam zu spät")
        log.event("arrival", t=12.0)
    good = len(path.read_text(encoding="utf-8").splitlines())
    if corrupt:
        with path.open("a", encoding="utf-8") as handle:
            handle.write('{"v":1,"t":13,"session":"abc\n')
            handle.write(json.dumps({"v": 1, "t": 14, "session": "a" * 16, "type": "gps_fix",
                                     "lat": 49.0}) + "\n")
    return good


def test_report_files_exist_link_and_show_something(tmp_path, capsys):
    log = tmp_path / "trip.jsonl"
    good = write_walk(log)
    out = tmp_path / "report"
    assert replay_main([str(log), "--out", str(out), "--no-rerun"]) == 0
    verdict, summary = capsys.readouterr().out.strip().splitlines()
    assert verdict.startswith("Urteil: angekommen, Ankunft NICHT angesagt;")
    assert verdict.endswith("größter Positionsfehler 4.0 m")
    assert summary.startswith("replay: ") and "2 corrupt lines skipped" in summary
    assert "mean error log 4.0 m" in summary
    page = (out / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)"', page)
    assert images == ["map.png", "error.png"]
    for name in images:
        assert_png_not_empty(out / name)
    assert "© OpenStreetMap contributors" in page
    # corrupt lines are listed with their numbers
    assert good == 38
    assert f"<td>{good + 1}</td>" in page and "not valid JSON" in page
    assert f"<td>{good + 2}</td>" in page and "missing field &#x27;lon&#x27;" in page
    assert "Ansage kam zu spät" in page


def test_report_without_truth_still_works(tmp_path, capsys):
    log = tmp_path / "trip.jsonl"
    write_walk(log, truth=False, corrupt=False)
    assert replay_main([str(log), "--out", str(tmp_path / "r"), "--no-rerun"]) == 0
    assert "no truth" in capsys.readouterr().out
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    # the plot still shows the events and findings on the time line, without an error curve
    assert re.findall(r'<img src="([^"]+)"', page) == ["map.png", "error.png"]
    assert "Keine Wahrheit bekannt" in page
    assert "größter Positionsfehler unbekannt (keine Wahrheit)" in page
    assert_png_not_empty(tmp_path / "r" / "map.png")


def test_truth_route_file_gives_cross_track_error(tmp_path, capsys):
    log = tmp_path / "trip.jsonl"
    write_walk(log, truth=False, corrupt=False)
    truth = tmp_path / "truth.geojson"
    coords = [[lon, lat] for lat, lon in line_east()]
    truth.write_text(json.dumps({"type": "Feature", "properties": {},
                                 "geometry": {"type": "LineString", "coordinates": coords}}))
    args = [str(log), "--truth", str(truth), "--out", str(tmp_path / "r"), "--no-rerun"]
    assert replay_main(args) == 0
    assert "mean error log 4.0 m" in capsys.readouterr().out
    assert (tmp_path / "r" / "error.png").exists()


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    assert replay_main([str(tmp_path / "missing.jsonl"), "--no-rerun"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such log" in err
    junk = tmp_path / "junk.jsonl"
    junk.write_text("not json\n{}\n")
    assert replay_main([str(junk), "--out", str(tmp_path / "j")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no valid events (2 corrupt lines)" in err
    assert not (tmp_path / "j").exists()
    log = tmp_path / "trip.jsonl"
    write_walk(log, corrupt=False)
    bad_truth = tmp_path / "t.json"
    bad_truth.write_text('{"type": "Point", "coordinates": [7.7, 49.4]}')
    assert replay_main([str(log), "--truth", str(bad_truth), "--no-rerun"]) == 2
    assert "no GeoJSON LineString" in capsys.readouterr().err
    assert START  # the walk starts in the inner city


def test_a_rerun_that_cannot_run_is_said_on_the_page(tmp_path, capsys, caplog):
    """The hand-made route has no distance_m, so the pipeline refuses it: the report still comes."""
    log = tmp_path / "trip.jsonl"
    write_walk(log, corrupt=False)
    assert replay_main([str(log), "--out", str(tmp_path / "r"), "--no-streets"]) == 0
    out, err = capsys.readouterr()
    assert "re-run -" in out and "Traceback" not in err
    assert "re-run not possible: the logged route cannot be followed" in caplog.text
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "Neu gerechnet: nicht möglich: the logged route cannot be followed" in page


def test_truth_can_be_a_route_body(tmp_path, capsys):
    log = tmp_path / "trip.jsonl"
    write_walk(log, truth=False, corrupt=False)
    truth = tmp_path / "route.json"
    truth.write_text(json.dumps(route_for(line_east())))
    args = [str(log), "--truth", str(truth), "--out", str(tmp_path / "r"), "--no-rerun",
            "--no-streets"]
    assert replay_main(args) == 0
    assert "mean error log 4.0 m" in capsys.readouterr().out


def test_a_file_with_two_sessions_reports_one_and_names_the_other(tmp_path, capsys):
    """After an app restart the logger appends a new session with its own clock to the file."""
    log = tmp_path / "trip.jsonl"
    with TripLogger(log) as short:
        short.event("app_start", t=5.0)
        short.event("marker", t=6.0)
    write_walk(log, corrupt=False)
    args = [str(log), "--out", str(tmp_path / "r"), "--no-rerun", "--no-streets"]
    assert replay_main(args) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("replay: 38 events")
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert f"{short.session} (2 Ereignisse)" in page
    assert replay_main([*args, "--session", short.session]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("replay: 2 events")
    assert replay_main([*args, "--session", "nobody-here"]) == 2
    assert "no session 'nobody-here'" in capsys.readouterr().err


def test_the_report_catalogues_hold_the_same_keys_and_every_key_the_code_names():
    import pathlib

    from tester_log.review.texts import catalog

    keys = {lang: {m.id for m in catalog(lang) if m.id} for lang in ("de", "en")}
    assert keys["de"] == keys["en"] and len(keys["de"]) > 100
    assert all(m.string for lang in ("de", "en") for m in catalog(lang) if m.id)
    review = pathlib.Path(__file__).resolve().parents[2] / "tester_log" / "review"
    named = {k for f in review.glob("*.py")
             for k in re.findall(r'tr\(\s*"(report\.[a-z0-9_.]+)"', f.read_text("utf-8"))}
    assert named and named <= keys["de"], named - keys["de"]
