"""The shared log schema: good lines pass, each kind of bad line fails naming its field."""

from __future__ import annotations

import json

import pytest

from tester_log.schema import (
    EVENT_TYPES,
    IDENTITY_FIELDS,
    SCHEMA_VERSION,
    LogLineError,
    parse_lines,
    read_log,
    validate_line,
)

SESSION = "a1b2c3d4e5f60718"


def line(type_: str, **fields) -> dict:
    return {"v": SCHEMA_VERSION, "t": 12.5, "session": SESSION, "type": type_, **fields}


GOOD = [
    line("app_start", app_version="0.1.0"),
    line("settings", settings={"lang": "de", "logging_enabled": True}),
    line("route_requested", origin={"lat": 49.44, "lon": 7.77}, destination=[49.443, 7.768]),
    line("route_received", route={"geometry": {"type": "LineString", "coordinates": []}}),
    line("advert", beacon="ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:7", rssi=-71,
         manufacturer_data={"76": "0215f7826da64fa24e988024bc5b71e0893e00010007c5"}),
    line("gps_fix", lat=49.4441, lon=7.7689, accuracy_m=8.0),
    line("position", lat=49.4441, lon=7.7689, uncertainty_m=4.2, source="beacons"),
    line("setup", positioning={"path_loss_exponent": 2.7}, timings={"off_route_m": 6.0},
         radio={"drop_rate": 0.25}, seed=3),
    line("announcement", text="Links abbiegen", priority="GUIDANCE", queued_t=12.0,
         started_t=12.4, kind="instruction", maneuver=3, route=1, chained=[4],
         key="r1-maneuver-3"),
    line("announcement", text="Position unsicher", priority=3, queued_t=None, started_t=12.5,
         kind="position", maneuver=None, route=0),
    line("gesture", gesture="double_tap"),
    line("marker"),
    line("error", message="Kein Netz"),
    line("off_route", distance_m=23.0),
    line("reroute", reason="off_route", route={"maneuvers": []}, route_id=2),
    line("arrival", route_id=2, lat=49.4435, lon=7.77),
    line("heading", degrees=271.5),
    line("position_uncertain", active=True, reason="lost"),
    line("truth", lat=49.4442, lon=7.7690),
]


def test_every_event_type_has_a_good_example():
    assert {e["type"] for e in GOOD} == set(EVENT_TYPES)


@pytest.mark.parametrize("event", GOOD, ids=lambda e: e["type"])
def test_good_lines_pass(event):
    assert validate_line(dict(event)) == event


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({k: v for k, v in line("marker").items() if k != "t"}, "'t'"),
        ({k: v for k, v in line("marker").items() if k != "session"}, "'session'"),
        (line("marker") | {"v": 3}, "'v'"),
        (line("marker") | {"v": "1"}, "'v'"),
        (line("marker") | {"t": -1}, "'t'"),
        (line("marker") | {"t": "soon"}, "'t'"),
        (line("marker") | {"session": "x"}, "'session'"),
        (line("marker") | {"type": "teleport"}, "'type'"),
        (line("advert", beacon="b1"), "'rssi'"),
        (line("advert", beacon="b1", rssi=True), "'rssi'"),
        (line("advert", beacon="b1", rssi=-500), "'rssi'"),
        (line("gps_fix", lat=95.0, lon=7.7, accuracy_m=5), "'lat'"),
        (line("gps_fix", lat=49.0, lon=7.7, accuracy_m=float("nan")), "'accuracy_m'"),
        (line("position", lat=49.0, lon=7.7, uncertainty_m=3), "'source'"),
        (line("announcement", text="x", priority="INFO", queued_t=1.0, kind="info",
              maneuver=None, route=1), "'started_t'"),
        (line("announcement", text="x", priority="INFO", queued_t=1.0, started_t=1.0,
              kind="info", maneuver=2.5, route=1), "'maneuver'"),
        (line("position_uncertain", active=1, reason="lost"), "'active'"),
        (line("heading", degrees=400.0), "'degrees'"),
        (line("heading"), "'degrees'"),
        # a v1 line is judged by v1's fields: v2's queue time is no v1 field, actual_t is
        (line("announcement", text="x", priority="INFO", queued_t=1.0, started_t=1.0,
              kind="info", maneuver=None, route=1) | {"v": 1}, "'planned_t'"),
        (line("gesture"), "'gesture'"),
        (line("marker", device_id="abc"), "'device_id'"),
        (line("app_start", name="Erika Mustermann"), "'name'"),
        (line("settings", settings={"lang": "de", "favourites": [{"name": "Zuhause"}]}),
         "'settings.favourites'"),
    ],
)
def test_bad_lines_name_the_field(event, field):
    with pytest.raises(LogLineError, match=field) as caught:
        validate_line(event)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field.strip("'").split(".")[0]


def test_not_an_object():
    with pytest.raises(ValueError, match="JSON object"):
        validate_line([1, 2])  # type: ignore[arg-type]


def test_identity_fields_are_all_refused():
    for key in IDENTITY_FIELDS:
        with pytest.raises(ValueError, match=key):
            validate_line(line("marker") | {key: "x"})


def test_reader_reports_corrupt_lines_with_numbers_and_keeps_the_rest(tmp_path):
    path = tmp_path / "trip.jsonl"
    rows = [json.dumps(GOOD[0]), '{"v":1,"t":1', "", json.dumps(line("gesture")),
            json.dumps(GOOD[5])]
    path.write_bytes("\n".join(rows).encode() + b"\n\xff\xfe garbage\n")
    read = read_log(path)
    assert [e["type"] for e in read.events] == ["app_start", "gps_fix"]
    assert [(p.line, p.message.split(":")[0]) for p in read.problems] == [
        (2, "not valid JSON"), (4, "missing field 'gesture' for a gesture event"),
        (6, "not valid UTF-8 text")]
    assert str(read.problems[0]).startswith("line 2: ")
    assert read.sessions == [SESSION]


def test_parse_lines_accepts_text(tmp_path):
    read = parse_lines([json.dumps(e) for e in GOOD])
    assert len(read.events) == len(GOOD) and not read.problems


def test_missing_log_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such log"):
        read_log(tmp_path / "nope.jsonl")


V1_ANNOUNCEMENT = line("announcement", text="Links abbiegen", priority="GUIDANCE",
                       planned_t=12.4, actual_t=12.4, key="r2-maneuver-3") | {"v": 1}


def test_v1_lines_are_still_valid_and_read_in_the_current_shape():
    assert validate_line(dict(V1_ANNOUNCEMENT)) == V1_ANNOUNCEMENT
    read = parse_lines([json.dumps(V1_ANNOUNCEMENT)])
    (event,) = read.events
    assert (event["v"], event["started_t"], event["queued_t"]) == (1, 12.4, None)
    assert (event["kind"], event["maneuver"], event["route"]) == ("instruction", 3, 2)
    assert "planned_t" not in event and "actual_t" not in event
    with pytest.raises(LogLineError, match="unknown event type 'setup'"):
        validate_line(line("setup", positioning={}) | {"v": 1})


def test_the_published_json_schema_is_up_to_date():
    from pathlib import Path

    from tester_log.json_schema import render

    published = Path(__file__).resolve().parents[2] / "docs" / "tester-log.schema.json"
    assert published.read_text(encoding="utf-8") == render(), (
        "run: python -m tester_log.json_schema docs/tester-log.schema.json")


def test_the_json_schema_agrees_with_the_validator():
    """The same lines pass and fail under the published schema as under validate_line."""
    import jsonschema

    from tester_log.json_schema import json_schema

    checker = jsonschema.Draft202012Validator(json_schema())
    for event in [*GOOD, V1_ANNOUNCEMENT]:
        assert not list(checker.iter_errors(event)), event["type"]
    refused = [
        line("marker") | {"v": 3}, line("marker") | {"t": -1}, line("marker") | {"session": "x"},
        line("marker") | {"type": "teleport"}, line("advert", beacon="b1"),
        line("advert", beacon="b1", rssi=-500), line("gps_fix", lat=95.0, lon=7.7, accuracy_m=5),
        line("marker", device_id="abc"),
        line("settings", settings={"favourites": []}),
        line("announcement", text="x", priority="INFO", queued_t=1.0, kind="info",
             maneuver=None, route=1),
        line("position_uncertain", active=1, reason="lost"),
        {k: v for k, v in V1_ANNOUNCEMENT.items() if k != "actual_t"},
    ]
    for event in refused:
        with pytest.raises(LogLineError):
            validate_line(event)
        assert list(checker.iter_errors(event)), event
