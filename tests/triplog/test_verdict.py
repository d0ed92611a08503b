"""The verdict on top of the report: each kind of trouble gives its line and its plot markers.

Walks are the real simulator on the real inner city; trouble is either walked (a departure from
the route) or hand-edited into a walk's log (a false alarm, a suppressed arrival, a late
instruction), as a reviewer would find it in a real log.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from mobile.simulation.model import RadioModel
from tester_log.review import analysis as ra
from tester_log.review.analysis import speech_diff
from tester_log.review.beacon_check import (
    VISIT_RESIDUAL_M,
    needing_visit,
    path_loss_exponent,
    with_residuals,
)
from tester_log.review.cli import main as replay_main
from tester_log.review.inputs import load_plan
from tester_log.review.replay import replay, rerun
from tester_log.review.report import write_report
from tester_log.schema import read_log

from .walklog import simulate, simulate_departure

V1_WALK = Path(__file__).parent / "data" / "walk_v1.jsonl.gz"


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, events: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events),
                    encoding="utf-8")
    return path


def _report(log: Path, out: Path, plan: Path, lang: str = "de"):
    data = replay(log, plan_path=plan, do_rerun=False)
    return write_report(out, data, lang=lang)


def _kinds(summary) -> dict[str, list]:
    found: dict[str, list] = {}
    for f in summary.verdict.findings:
        found.setdefault(f.kind, []).append(f)
    return found


def test_a_clean_walk_has_a_clean_verdict(walk, tmp_path):
    s = _report(walk.log, tmp_path / "r", walk.plan_path)
    v = s.verdict
    assert (v.arrived, v.arrival_said, v.false_alarms, v.real_alarms, v.late, v.missing) == (
        True, True, 0, 0, 0, 0)
    assert s.verdict_line().startswith("Urteil: angekommen, Ankunft angesagt; "
                                       "Abweichungsalarme 0 falsch, 0 echt")
    assert "arrived_said" in _kinds(s)


def test_a_false_alarm_is_told_from_a_real_one_by_the_truth(walk, tmp_path):
    """An off-route alarm hand-edited into the log while the walker was on the route."""
    events = _lines(walk.log)
    truth = [e for e in events if e["type"] == "truth"]
    at = truth[len(truth) // 2]
    alarm = {**at, "type": "off_route", "distance_m": 14.0, "route_id": 1}
    events.insert(events.index(at) + 1, alarm)
    s = _report(_write(tmp_path / "false.jsonl", events), tmp_path / "r", walk.plan_path)
    (finding,) = _kinds(s)["false_alarm"]
    assert s.verdict.false_alarms == 1 and s.verdict.real_alarms == 0
    assert finding.t == at["t"] and finding.values["offset"] < 6.0
    assert "Abweichungsalarme 1 falsch, 0 echt" in s.verdict_line()
    assert finding.label in s.map_markers and finding.label in s.plot_markers
    page = s.html_path.read_text(encoding="utf-8")
    assert "Falscher Abweichungsalarm" in page and f'id="finding-{finding.label}"' in page


def test_a_suppressed_arrival(walk, tmp_path):
    events = [e for e in _lines(walk.log)
              if not (e["type"] == "announcement" and e["kind"] == "arrival")]
    s = _report(_write(tmp_path / "quiet.jsonl", events), tmp_path / "r", walk.plan_path)
    (finding,) = _kinds(s)["arrival_unsaid"]
    assert s.verdict.arrived and not s.verdict.arrival_said and not s.verdict.ok
    assert s.verdict_line().startswith("Urteil: angekommen, Ankunft NICHT angesagt")
    assert finding.label in s.map_markers and finding.label in s.plot_markers
    english = _report(tmp_path / "quiet.jsonl", tmp_path / "en", walk.plan_path, lang="en")
    assert english.verdict_line().startswith("Verdict: arrived, arrival NOT said")
    assert "Arrived, but the arrival was never said." in english.html_path.read_text("utf-8")


def test_a_late_instruction_names_its_wait_in_the_queue(walk, tmp_path):
    """One instruction started 20 s after it was queued (a busy queue): late at its point."""
    events = _lines(walk.log)
    first = next(e for e in events if e["type"] == "announcement"
                 and e["kind"] == "instruction" and e["maneuver"] > 0)
    first["started_t"] += 20.0
    first["t"] += 20.0
    s = _report(_write(tmp_path / "late.jsonl", events), tmp_path / "r", walk.plan_path)
    late = _kinds(s)["late"]
    # the instruction's own point, and a point chained into it ("Danach: …") if passed meanwhile
    assert [f.values["index"] for f in late][0] == first["maneuver"]
    assert {f.values["index"] for f in late} <= {first["maneuver"], *first.get("chained", [])}
    assert late[0].values["wait"] == pytest.approx(20.0)
    assert late[0].values["delay"] > 2.0 and s.verdict.late == len(late)
    assert f"Anweisungen {len(late)} spät, 0 fehlend" in s.verdict_line()
    assert late[0].label in s.plot_markers and late[0].label in s.map_markers
    assert "Sie wartete 20.0 s in der Sprachausgabe." in s.html_path.read_text("utf-8")


@pytest.fixture(scope="module")
def departed(walk_route, cc_network, tmp_path_factory):
    from routing_service.router import Router

    log = tmp_path_factory.mktemp("departure") / "trip.jsonl"
    return simulate_departure(log, walk_route, Router(cc_network))


def test_a_walk_off_the_route_gives_real_alarms_and_replays_alike(departed, tmp_path):
    read = read_log(departed.log)
    assert read.of_type("off_route") and read.of_type("reroute")
    reroute = read.of_type("reroute")[0]
    assert reroute["route_id"] == 2 and reroute["route"]["maneuvers"]
    s = _report(departed.log, tmp_path / "r", departed.plan_path)
    real = _kinds(s)["real_alarm"]
    assert s.verdict.real_alarms == len(read.of_type("off_route")) and s.verdict.false_alarms == 0
    assert all(f.values["offset"] > 6.0 for f in real)
    assert not s.verdict.arrived and "not_arrived" in _kinds(s)
    assert all(f.label in s.map_markers and f.label in s.plot_markers for f in real)
    page = s.html_path.read_text(encoding="utf-8")
    assert "Neue Route 2 (nach Abweichung)" in page  # the re-route's decision points
    # the re-run, served the logged new routes in order, says what the walk said
    again = rerun(read, load_plan(departed.plan_path))
    alike, diffs = speech_diff(read.events, again)
    assert diffs == [] and alike == len(read.of_type("announcement"))


def test_a_v1_log_still_replays(tmp_path, capsys):
    log = tmp_path / "v1.jsonl"
    log.write_bytes(gzip.decompress(V1_WALK.read_bytes()))
    assert {e["v"] for e in read_log(log).events} == {1}
    assert replay_main([str(log), "--out", str(tmp_path / "r"), "--no-streets",
                        "--lang", "en"]) == 0
    verdict, summary = capsys.readouterr().out.splitlines()
    assert verdict.startswith("Verdict: arrived, arrival said;")
    assert summary.startswith("replay: ") and "re-run -" not in summary
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "Re-run: with the current code" in page


def test_a_beacon_that_hangs_elsewhere_than_planned_tops_the_visit_list(walk, walk_route,
                                                                          tmp_path):
    """One beacon really hangs 20 m north of its planned place: its readings say it is nearer
    or farther than the plan allows, and it is listed for a visit beside the dead one."""
    clean = _report(walk.log, tmp_path / "clean", walk.plan_path)
    # the ideal radio: the residuals of one misplaced beacon, not the realistic radio's
    # per-place shadowing, are what this ranking is about
    moved = simulate(tmp_path / "moved.jsonl", walk_route, moved_m=20.0, radio=RadioModel.ideal())
    data = replay(moved.log, plan_path=moved.plan_path, do_rerun=False)
    s = write_report(tmp_path / "r", data)
    page = s.html_path.read_text(encoding="utf-8")
    visit_table = page[page.index('id="beacons"'):page.index("<details>")]
    assert moved.moved_key in visit_table and moved.dead_key in visit_table
    assert clean.html_path.read_text(encoding="utf-8").count(moved.moved_key) == 1  # folded only
    adverts = data.read.of_type("advert")
    rows = with_residuals(ra.beacon_coverage(adverts, data.plan, data.truth.points()), adverts,
                          data.truth, path_loss_exponent(data.read.events))
    visit = needing_visit(rows)
    assert [r.key for r in visit] == [moved.dead_key, moved.moved_key]
    assert visit[1].residual_m > VISIT_RESIDUAL_M
