"""A simulated walk's log, re-run through the real pipeline, says the same things at the same
times; the report built from it shows the walk, the error, the decision points and the dead beacon.
"""

from __future__ import annotations

import re

import pytest

from mobile.ble.plan import PLAN_PATH
from tester_log.review.analysis import decision_points
from tester_log.review.cli import main as replay_main
from tester_log.review.replay import advertisement_from_event, rerun
from tester_log.schema import read_log

from .builders import assert_png_not_empty


def said(events: list[dict]) -> list[tuple[float, str]]:
    return [(e["started_t"], e["text"]) for e in events if e["type"] == "announcement"]


def test_the_walk_is_a_real_one(walk):
    read = read_log(walk.log)
    assert not read.problems
    counts = {t: len(read.of_type(t)) for t in ("advert", "position", "truth", "announcement")}
    assert counts["advert"] > 300 and counts["position"] > 150 and counts["truth"] > 50
    assert counts["announcement"] == len(walk.announcements) >= len(walk.route["maneuvers"])
    assert read.of_type("arrival")


def test_rerun_gives_the_same_announcements(replayed):
    """Same pipeline, same packets at the same times: the same words on the same ticks."""
    data, _ = replayed
    logged, again = said(data.read.events), said(data.rerun)
    assert len(logged) > 10 and again == logged
    track = [(e["t"], e["lat"], e["lon"]) for e in data.read.of_type("position")]
    assert [(e["t"], e["lat"], e["lon"]) for e in data.rerun
            if e["type"] == "position"][: len(track)] == track


def test_rerun_without_the_beacon_plan_differs(walk):
    """The re-run is not a copy of the log: without beacon positions only GPS is left."""
    read = read_log(walk.log)
    events = rerun(read, [])
    logged_sources = {e["source"] for e in read.of_type("position")}
    assert {e["source"] for e in events if e["type"] == "position"} == {"gps"} != logged_sources
    assert said(events) != said(read.events)


def test_adverts_rebuild_to_frames_with_the_logged_power(walk):
    event = read_log(walk.log).of_type("advert")[0]
    frame = advertisement_from_event(event)
    assert frame.key == event["beacon"] and frame.measured_power == event["measured_power"]


def test_report_of_the_walk(walk, replayed):
    data, summary = replayed
    line = summary.line()
    assert "1 beacons never heard" in line and "1 markers" in line
    n = len(walk.announcements)
    assert f"announcements log {n} / re-run {n}" in line
    assert summary.log_error.mean_m == pytest.approx(summary.rerun_error.mean_m, abs=0.01)
    assert 0.5 < summary.log_error.mean_m < 15.0
    page = summary.html_path.read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)"', page)
    assert images == ["map.png", "error.png"]
    for name in images:
        assert_png_not_empty(summary.html_path.parent / name)
    assert walk.dead_key in page and "nie gehört – bitte prüfen" in page
    # every maneuver of the route has a row; the re-run gave each instruction when the log did
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\w+)</td>", page)
    assert [int(i) for i, _ in rows] == list(range(len(walk.route["maneuvers"])))
    decisions = decision_points(data.route, data.read.events, data.rerun, data.truth.timed)
    shifts = [r.shift_s for r in decisions if r.shift_s is not None]
    assert len(shifts) >= 3 and set(shifts) == {0.0}
    assert page.count("+0.0 s") == len(shifts)
    assert "hier stimmt etwas nicht" in page
    assert f"{n} von {n} Ansagen des Logs kamen in der Neu-Rechnung gleich" in page


def test_cli_on_a_cut_log_with_corrupt_lines(walk, tmp_path, capsys):
    """The first minute of the walk, with a line cut off mid-way and one of an unknown type."""
    log = tmp_path / "trip.jsonl"
    lines = walk.log.read_text(encoding="utf-8").splitlines(keepends=True)[:400]
    lines[10] = lines[10][: len(lines[10]) // 2] + "\n"
    lines[20] = '{"v": 1, "t": 5, "session": "abcdefgh", "type": "warp"}\n'
    log.write_text("".join(lines), encoding="utf-8")
    args = [str(log), "--out", str(tmp_path / "r"), "--beacons",
            str(walk.plan_path)]
    assert replay_main(args) == 0
    out = capsys.readouterr().out
    verdict, summary = out.splitlines()
    assert verdict.startswith("Urteil: nicht angekommen;")  # the first minute only
    assert summary.startswith("replay: 398 events, 2 corrupt lines skipped")
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "<td>11</td>" in page and "<td>21</td>" in page and "unknown event type" in page
    assert_png_not_empty(tmp_path / "r" / "map.png")


def test_lotse_walk_log_replays_to_the_same_announcements(cc_osm, tmp_path, capsys):
    """The engine's own `lotse walk --log` (places, re-routing, GPS): its app_start says the
    tick and the wall time, so replay need not guess either."""
    from mobile.simulation.cli import main as walk_main
    from tester_log.review.analysis import speech_diff
    from tester_log.review.replay import infer_tick_s, replay

    log = tmp_path / "walk.jsonl"
    assert walk_main(["--from", "49.4445,7.7680", "--to", "49.4435,7.7700", "--seed", "3",
                      "--log", str(log), "--json"]) == 0
    capsys.readouterr()
    read = read_log(log)
    assert not read.problems and infer_tick_s(read.events) == 0.25
    start = read.of_type("app_start")[0]
    assert start["tick_s"] == 0.25 and start["started_at"]
    data = replay(log, plan_path=PLAN_PATH, osm_path=cc_osm)
    alike, diffs = speech_diff(data.read.events, data.rerun)
    assert diffs == [] and alike == len(read.of_type("announcement")) > 10


def test_a_rotated_log_replays_as_one(walk, tmp_path, capsys):
    """Written again through TripLogger with an eighth of its size as limit, the walk is many
    files; replay
    given the current file reads the older parts first and reports the same walk."""
    from tester_log.writer import TripLogger

    common = ("v", "t", "session", "type")
    path = tmp_path / "trip.jsonl"
    with TripLogger(path, max_bytes=walk.log.stat().st_size // 8) as log:
        for e in read_log(walk.log).events:
            log.event(e["type"], t=e["t"], **{k: v for k, v in e.items() if k not in common})
    assert len(list(tmp_path.glob("trip.*.jsonl"))) > 5
    lines = []
    for source in (walk.log, path):
        assert replay_main([str(source), "--out", str(tmp_path / source.stem), "--no-rerun",
                            "--no-streets", "--beacons", str(PLAN_PATH)]) == 0
        lines.append(capsys.readouterr().out.splitlines()[1].split(" -> ")[0])
    assert lines[0] == lines[1] and "markers" in lines[0]
