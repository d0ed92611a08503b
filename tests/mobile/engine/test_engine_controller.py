"""The controller the screens call: no-Bluetooth path, GPS fallback, settings, questions."""

from __future__ import annotations

import json

import pytest

from accessibility.voices import RecorderVoice
from mobile.app.controller import ControllerError, GuideController
from mobile.app.settings import SettingsError
from mobile.ble.plan import record_key
from mobile.ble.scanner import BleakBeaconScanner, FakeScanner
from mobile.positioning.gps import FakeGps, NoFixGps
from mobile.simulation.run import SimClock


@pytest.fixture
def make(cc_network, tmp_path, when):
    def build(**kw):
        clock = SimClock(10.0)
        voice = RecorderVoice(clock=clock)
        kw.setdefault("scanner", FakeScanner(clock=clock))
        kw.setdefault("gps", FakeGps())
        ctl = GuideController(voice, settings_path=tmp_path / "settings.json",
                              network=cc_network, clock=clock, wall_clock=lambda: when, **kw)
        ctl.update_settings(route_on_server=False)
        return ctl, clock, voice

    return build


def run(ctl, clock, seconds: float) -> None:
    for _ in range(int(seconds / 0.25)):
        clock.now += 0.25
        ctl.tick(clock.now)


def test_no_bluetooth_on_this_machine_is_said_once_and_gps_carries_on(make, place_of):
    """The real bleak scanner: this container has no Bluetooth stack, so start() fails for real."""
    gps = FakeGps()
    ctl, clock, voice = make(scanner=BleakBeaconScanner(), gps=gps)
    ctl.start_radio()
    assert ctl.bluetooth_ok is False
    run(ctl, clock, 6)
    assert voice.texts == ["Bluetooth nicht verfügbar. Ich nutze GPS, die Position ist ungenauer."]
    assert voice.spoken[0].earcon == "warning"  # said as a SAFETY message
    lat, lon = place_of("Hauptbahnhof")
    gps.emit(lat, lon, 10.0)
    run(ctl, clock, 1)
    assert ctl.status()["position_source"] == "gps"
    assert "Sie sind" in ctl.where_am_i()
    ctl.start_guidance("Stiftsplatz")
    assert ctl.pipeline.route.arrival.facts.landmark == "Stiftsplatz"  # the arrival names it
    run(ctl, clock, 8)
    assert voice.texts.count(voice.texts[0]) == 1  # said once, never repeated
    assert any(t.startswith("Gehen Sie nach") for t in voice.texts)  # with its direction
    ctl.shutdown()


def test_no_bluetooth_and_no_gps_says_both_and_never_goes_silent(make, place_of):
    ctl, clock, voice = make(scanner=FakeScanner(fail="BleakError: No Bluetooth adapters found"),
                             gps=NoFixGps())
    ctl.start_radio()
    run(ctl, clock, 10)
    assert voice.texts[:2] == ["Bluetooth nicht verfügbar. Ich nutze GPS, die Position ist "
                               "ungenauer.", "Kein GPS-Empfang."]
    assert ctl.where_am_i() == "Position unbekannt."
    with pytest.raises(ControllerError, match="Position unbekannt"):
        ctl.start_guidance("Stiftsplatz")
    ctl.start_simulation("Hauptbahnhof", "Stiftsplatz")  # testers can still simulate
    run(ctl, clock, 30)
    assert ctl.status()["mode"] == "simulated" and ctl.status()["position_source"] == "beacon"


def test_settings_are_validated_saved_and_applied(make, tmp_path):
    ctl, clock, voice = make()
    ctl.update_settings(lang="en", verbosity="brief", clock_face=True, speech_rate=1.4)
    assert voice.rate_wpm == 245  # 175 words per minute × 1.4
    saved = json.loads((tmp_path / "settings.json").read_text())
    assert saved["lang"] == "en" and saved["clock_face"] is True
    assert ctl.pipeline.voice.lang == "en"
    for bad in ({"lang": "fr"}, {"speech_rate": 7}, {"colour": "red"}):
        with pytest.raises(SettingsError):
            ctl.update_settings(**bad)
    assert json.loads((tmp_path / "settings.json").read_text()) == saved  # nothing half-written
    ctl.add_favourite("Zuhause", 49.444, 7.769)
    assert [f.name for f in ctl.favourites] == ["Zuhause"]
    again = GuideController(RecorderVoice(), settings_path=tmp_path / "settings.json")
    assert again.settings.lang == "en" and again.favourites[0].name == "Zuhause"


class SpyLogger:
    """Keeps what the controller sends, before any logger could strip it."""

    enabled, session, path, lines_written, closed = True, "spy", None, 0, False

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    def event(self, type: str, **fields) -> None:
        self.sent.append((type, fields))

    def close(self) -> None:
        self.closed = True


def test_log_starts_with_wall_time_and_tick_and_never_gets_favourites(make, when):
    from datetime import datetime

    spies: list[SpyLogger] = []
    ctl, clock, voice = make(logger_factory=lambda: spies.append(SpyLogger()) or spies[-1])
    ctl.add_favourite("Zuhause", 49.444, 7.769)
    ctl.update_settings(logging_enabled=True)
    ctl.add_favourite("Arbeit", 49.445, 7.770)
    sent = spies[0].sent
    start = dict(sent)["app_start"]
    assert datetime.fromisoformat(start["started_at"]) == when
    assert start["tick_s"] == ctl.tick_s == 0.25
    settings = [fields["settings"] for type, fields in sent if type == "settings"]
    assert len(settings) == 2 and all("favourites" not in s for s in settings)
    assert "lang" in settings[0]  # the rest of the settings still go to the log
    assert "Zuhause" not in repr(sent) and "Arbeit" not in repr(sent)


def test_where_am_i_around_me_and_status_during_a_simulated_walk(make):
    from tester_log.writer import MemoryLogger

    logs: list[MemoryLogger] = []
    ctl, clock, voice = make(logger_factory=lambda: logs.append(MemoryLogger(clock=clock))
                             or logs[-1])
    ctl.update_settings(logging_enabled=True)  # the tester opts in
    ctl.start_simulation("Hauptbahnhof", "Stiftsplatz", seed=2)
    run(ctl, clock, 300)
    types = [e["type"] for e in logs[0].events]
    assert {"app_start", "settings", "route_received", "advert", "announcement"} <= set(types)
    assert 290 <= types.count("truth") <= 301  # the simulator's truth, once a second
    status = ctl.status()
    assert status["guiding"] and status["mode"] == "simulated"
    assert status["next"] and status["distance_m"] > 0 and 0 < status["position_quality"] <= 1
    where = ctl.where_am_i()
    assert "Sie sind" in where and ("straße" in where.lower() or "platz" in where.lower())
    around = ctl.around_me()
    assert around and all(t.endswith(".") for t in around)
    paused_at = len(voice.texts)
    ctl.pause()
    run(ctl, clock, 20)
    assert voice.texts[paused_at:] == ["Führung pausiert."]  # silence while paused
    ctl.resume()
    run(ctl, clock, 3)
    assert "Führung fortgesetzt." in voice.texts
    ctl.mark_problem()
    ctl.stop()
    run(ctl, clock, 3)
    assert voice.texts[-1] == "Führung beendet." and not ctl.status()["guiding"]


def test_around_me_says_opening_hours_in_berlin_time(make, cc_network):
    ctl, clock, voice = make()
    shop = next(p for p in cc_network.places if (p.get("tags") or {}).get("opening_hours")
                == "Mo-Fr 09:00-19:00; Sa 09:00-16:00")
    ctl.pipeline.on_gps(clock.now, shop["lat"], shop["lon"], 5.0)
    ctl.tick(clock.now)
    said = ctl.around_me()
    mine = next(t for t in said if t.startswith(shop["name"]))
    assert "geöffnet bis 19 Uhr" in mine  # a Monday 11:00 in Kaiserslautern


@pytest.mark.parametrize(("hour", "day", "expected"), [
    (11, 23, "geöffnet bis 19 Uhr"),  # Monday
    (20, 23, "öffnet morgen um 9 Uhr"),  # Monday evening
    (11, 22, "heute geschlossen"),  # Sunday
])
def test_opening_state_phrases(hour, day, expected):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from mobile.guidance.places import place_phrase

    when = datetime(2026, 11, day, hour, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    text = place_phrase({"name": "Reformhaus Escher", "category": "chemist",
                         "opening_hours": "Mo-Fr 09:00-19:00; Sa 09:00-16:00"}, when)
    assert expected in text
    broken = place_phrase({"name": "Kiosk", "opening_hours": "nonsense ((("}, when)
    assert broken.startswith("Kiosk")


def test_unknown_destination_is_a_sentence_not_a_traceback(make, place_of):
    ctl, clock, voice = make()
    ctl.pipeline.on_gps(clock.now, *place_of("Hauptbahnhof"), 5.0)
    ctl.tick(clock.now)
    with pytest.raises(ControllerError, match="Nichts gefunden für Xyzzyplatz"):
        ctl.preview("Xyzzyplatz")
    with pytest.raises(ControllerError, match="außerhalb"):
        ctl.preview((49.0, 7.0))


def test_real_adverts_through_the_scanner_reach_the_pipeline(make, plan_records):
    """Bytes as a beacon sends them → FakeScanner (bleak's callback path) → controller tick."""
    import struct

    from bleak.backends.device import BLEDevice

    from mobile.ble.frames import EDDYSTONE_UUID
    from mobile.simulation.model import advert_for

    ctl, clock, voice = make()  # the default radio is a FakeScanner on the test clock
    scanner = ctl.scanner
    ctl.start_radio()
    entrance = next(r for r in plan_records if r["kind"] == "eddystone")
    near = sorted(plan_records, key=lambda r: (r["lat"] - entrance["lat"]) ** 2
                  + (r["lon"] - entrance["lon"]) ** 2)[:4]
    tlm = b"\x20\x00" + struct.pack(">HhII", 2710, 19 * 256, 10, 10)
    for _ in range(12):
        for k, rec in enumerate(near):
            scanner.emit(BLEDevice(f"AA:{k}", None, None),
                         advert_for(rec)._replace(rssi=-62 - 3 * k))
        scanner.emit(BLEDevice("AA:0", None, None),
                     advert_for(near[0])._replace(service_data={EDDYSTONE_UUID: tlm}, rssi=-62))
        clock.now += 0.5
        ctl.tick(clock.now)
    status = ctl.status()
    assert status["position_source"] == "beacon" and status["uncertainty_m"] < 15
    health = ctl.beacon_health[record_key(entrance)]
    assert health["battery_mv"] == 2710 and health["temperature_c"] == 19.0
    assert "Eingang" in ctl.where_am_i() or "Sie sind" in ctl.where_am_i()


def test_controller_for_this_device_without_server_or_bluetooth(tmp_path):
    """What `lotse app` builds on this machine: no server reachable, no Bluetooth, no GPS."""
    from mobile.app.controller import controller_for_this_device
    from mobile.app.settings import AppSettings, save_settings

    save_settings(AppSettings(server_url="http://127.0.0.1:9"), tmp_path / "settings.json")
    clockless = RecorderVoice()
    ctl = controller_for_this_device(voice=clockless, data_dir=tmp_path)
    try:
        assert ctl.mode == "offline" and ctl.network is not None
        assert len(ctl.beacon_records) > 500  # the shipped plan stands in for the registry
        ctl.start_radio()
        assert clockless.texts[0].startswith("Bluetooth nicht verfügbar")
        assert ctl.search("Stiftsplatz")[0]["name"] == "Stiftsplatz"
    finally:
        ctl.shutdown()


def test_speech_rate_setting_changes_the_real_espeak_voice(tmp_path):
    """WavVoice synthesises with espeak-ng at the voice's rate: a faster setting, shorter audio."""
    from accessibility.voices import WavVoice

    voice = WavVoice(tmp_path / "wav")
    ctl = GuideController(voice, settings_path=tmp_path / "settings.json", beacons=[])
    sentence = "Links abbiegen, in die Fackelstraße. Danach: Rechts abbiegen, in die Marktstraße."
    durations = []
    for rate in (0.7, 1.0, 1.6):
        ctl.update_settings(speech_rate=rate)
        durations.append(voice.speak(sentence, "de"))
    assert voice.rate_wpm == 280  # 175 words per minute × 1.6
    assert durations[0] > durations[1] * 1.2 and durations[1] > durations[2] * 1.3
    again = GuideController(WavVoice(tmp_path / "wav2"), settings_path=tmp_path / "settings.json",
                            beacons=[])
    assert again.speech.voice.rate_wpm == 280  # the saved setting applies from the start
