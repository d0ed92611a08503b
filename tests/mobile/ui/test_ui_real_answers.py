"""The walker's questions on the engine's real controller and the real inner-city map: where am I,
what is ahead, search by category word, repeat — asked with touches on the rendered screens."""

from __future__ import annotations

import re

import pytest
from ui_double import HandClock
from ui_harness import UiTest

from accessibility.speakable import speakable
from accessibility.voices import RecorderVoice
from lotse_common.geodesy import haversine_m, to_latlon, to_xy
from mobile.app.controller import GuideController
from mobile.app.kivy_app import build_ui
from mobile.positioning.gps import FakeGps

#: the Stiftsplatz (market square) in the pedestrian zone
STIFTSPLATZ = (49.4441, 7.7698)
#: a node of the Maxstraße by the Burggymnasium; walking north from 15 m south of it the
#: Burgstraße/Maxstraße crossing (27 m) and the Burggymnasium (35 m) lie ahead
MAXSTRASSE = (49.44531, 7.76649)


class RealAnswers(UiTest):
    @pytest.fixture(autouse=True)
    def _real_map(self, cc_network, tmp_path):
        """Runs before `setUp` (pytest's fixtures come first for unittest classes)."""
        self.network, self.tmp_path = cc_network, tmp_path

    def setUp(self) -> None:
        super().setUp()
        cc_network, tmp_path = self.network, self.tmp_path
        self.clock = HandClock()
        self.voice = RecorderVoice(clock=self.clock)
        self.gps = FakeGps()
        self.controller = GuideController(self.voice, settings_path=tmp_path / "settings.json",
                                          network=cc_network, clock=self.clock, gps=self.gps)
        self.controller.update_settings(route_on_server=False)
        self.controller.start_radio()
        self.Window.remove_widget(self.ui)
        self.ui = build_ui(self.controller, clock=self.clock)
        self.Window.add_widget(self.ui)
        self.ui.home()
        self.frames()

    @property
    def said(self):
        return self.voice.texts

    def at(self, lat: float, lon: float, accuracy_m: float = 6.0) -> None:
        """A GPS fix arrives and the app's clock ticks the controller once."""
        self.gps.emit(lat, lon, accuracy_m)
        self.clock.advance(1.0)
        self.controller.tick(self.clock())

    def walk_north_to(self, lat: float, lon: float, metres: float = 15.0) -> None:
        x, y = to_xy(lat, lon)
        for step in range(4):
            self.at(*to_latlon(x, y - metres + step * metres / 3))

    def walk(self, seconds: float) -> None:
        for _ in range(int(seconds * 2)):
            self.clock.advance(0.5)
            self.controller.tick(self.clock())
            self.ui.live_update()
            self.ui.ctx.announcer.pump()


class TestWhereAmI(RealAnswers):
    def test_with_a_fix_the_answer_is_never_unknown(self):
        """Every 25th node of the inner city, on it and 11 m beside it (on a sidewalk, in a
        square), with a poor GPS fix: a street or a named place, never "unbekannt"."""
        net = self.network
        asked = 0
        for node in range(0, net.n_nodes, 25):
            x, y = to_xy(float(net.node_lat[node]), float(net.node_lon[node]))
            for dx, dy in ((0.0, 0.0), (9.0, -7.0)):
                self.at(*to_latlon(x + dx, y + dy), accuracy_m=18.0)
                said = self.controller.where_am_i()
                assert "unbekannt" not in said, said
                assert "Sie sind " in said and "Position ungenau" in said, said
                asked += 1
        assert asked >= 50

    def test_the_double_tap_says_street_direction_crossing_and_how_sure(self):
        self.walk_north_to(*MAXSTRASSE)
        self.double_tap(self.element("Wo bin ich?"))
        self.walk(20)
        answer = next(text for text in self.said if text.startswith("Position auf etwa"))
        assert answer == speakable("Position auf etwa 10 Meter genau. Sie sind in der Maxstraße. "
                                   "Gehrichtung Norden. Nächste Querung: Ampel, "
                                   "Burgstraße / Maxstraße, 25 Meter auf 1 Uhr.", "de")
        assert "Maxstraße" in self.street_names_at(*MAXSTRASSE)  # the map agrees

    def street_names_at(self, lat: float, lon: float) -> set[str]:
        net = self.network
        node = min(range(net.n_nodes), key=lambda n: haversine_m(
            lat, lon, float(net.node_lat[n]), float(net.node_lon[n])))
        return {net.edge_tags.value("name", e) for e in range(net.n_edges)
                if node in (int(net.edge_u[e]), int(net.edge_v[e]))} - {None}

    def test_without_a_fix_it_says_so(self):
        self.double_tap(self.element("Wo bin ich?"))
        self.walk(3)
        assert self.said[-1] == "Position unbekannt."


class TestAheadAndAround(RealAnswers):
    def test_ahead_lists_what_lies_in_the_walking_direction_and_one_becomes_the_destination(self):
        self.walk_north_to(*MAXSTRASSE)
        self.double_tap(self.element("Was ist vor mir?"))
        labels = [i.label for i in self.ui.ring.items][:-1]  # the last is "Neu abfragen"
        assert labels[0] == "Ampel, Burgstraße / Maxstraße, 25 Meter auf 1 Uhr"
        assert labels[1].startswith("Burggymnasium, Schule, 35 Meter auf")
        for item in self.controller.ahead():
            assert item["distance_m"] <= 50.0
        self.double_tap(self.element(labels[1]))
        assert self.ui.manager.current == "preview"
        assert self.ui.screen.destination["name"] == "Burggymnasium"
        assert self.ui.screen.steps  # a real route there

    def test_around_holds_crossings_and_intersections_besides_places(self):
        self.walk_north_to(*MAXSTRASSE)
        kinds = {item["kind"] for item in self.controller.around()}
        assert {"place", "crossing"} <= kinds
        self.double_tap(self.element("Was ist in der Nähe?"))
        assert any(i.label.startswith("Ampel, Burgstraße") for i in self.ui.ring.items)


class TestSearchByEar(RealAnswers):
    def search(self, text: str) -> list[str]:
        self.double_tap(self.element("Ziel wählen"))
        field = self.element("Suchtext")
        self.double_tap(field)
        for n in range(1, len(text) + 1):  # typed one character at a time
            field.text = text[:n]
            self.ui.ctx.announcer.pump()
            self.walk(0.5)
        self.double_tap(self.element("Suchen"))
        return [i.label for i in self.ui.ring.items if i.label not in ("Suchtext", "Suchen",
                                                                        "Diktieren", "Zurück")]

    def test_apotheke_finds_the_nearest_pharmacy_first_with_distance_and_direction(self):
        for _ in range(3):
            self.at(*STIFTSPLATZ)
        rows = self.search("Apotheke")
        assert "A" in self.said and "e" in self.said  # each typed character was said
        pharmacies = sorted((haversine_m(*STIFTSPLATZ, p["lat"], p["lon"]), p["name"])
                            for p in self.network.places if p["category"] == "pharmacy")
        assert pharmacies[0][1] == "Markt-Apotheke"  # the known answer, checked on the map
        assert rows[0].startswith("Markt-Apotheke, ") and " Meter " in rows[0]
        assert rows[0] == "Markt-Apotheke, 30 Meter nach Südwesten"  # no heading yet: compass
        names = [row.split(",")[0] for row in rows]
        assert names == [name for _, name in pharmacies[:len(rows)]]  # nearest first
        assert self.said[-1].startswith(f"{len(rows)} Treffer: Markt-Apotheke")
        assert all("pharmacy" not in row for row in rows)
        # a pharmacy whose name lacks the word is found by its category
        self.at(49.44222, 7.77075)
        assert self.controller.search("Apotheke")[0]["name"] == "St.-Martin"

    def test_category_words_find_the_nearest_of_their_kind(self):
        self.at(*STIFTSPLATZ)
        for word, first in (("Kino", "Central Filmpalast, Kino"),
                            ("Bäcker", "Backwerk, Bäckerei, 30 Meter"),
                            ("Bushaltestelle", "Marktstraße, Haltestelle, 60 Meter"),
                            ("toilet", "Öffentliche Toilette")):
            hits = self.controller.search(word)
            assert hits and hits[0]["label"].startswith(first), [h["label"] for h in hits]
            distances = [h["distance_m"] for h in hits]
            assert distances == sorted(distances), word

    def test_a_name_appears_once_and_never_as_a_raw_tag(self):
        self.at(*STIFTSPLATZ)
        hits = self.controller.search("Stiftsplatz")
        names = [h["name"] for h in hits]
        assert names.count("Stiftsplatz") == 1  # the square, its street and its stop are one
        assert hits[0]["label"].startswith("Stiftsplatz, Marktplatz, ")
        assert all("stop_position" not in h["label"] and "marketplace" not in h["label"]
                   for h in hits)


class TestRepeat(RealAnswers):
    def test_repeat_says_the_last_guidance_message_not_its_own_label(self):
        self.double_tap(self.element("Letzte Ansage wiederholen"))
        self.walk(3)
        assert self.said[-1] == "Noch keine Ansage zum Wiederholen."

        self.controller.start_simulation("Hauptbahnhof", "Stiftsplatz")
        self.ui.show("guidance")
        self.walk(40)
        last = self.controller.last_guidance()
        assert last and last in self.said
        assert self.element("Zuletzt gesagt").value_text == last  # shown in full
        self.double_tap(self.reach("Wiederholen"))
        self.walk(2)
        # the swipe said the button's label; the double tap said the guidance again
        assert self.said[-2:] == ["Wiederholen", last]


class TestShareRealRoute(RealAnswers):
    def test_the_previewed_route_is_written_as_numbered_steps_in_the_users_language(self):
        self.at(*STIFTSPLATZ)
        self.ui.show("preview", destination={"name": "Hauptbahnhof", "lat": 49.4366,
                                             "lon": 7.7688})
        steps = self.ui.screen.steps
        self.double_tap(self.reach("Route teilen"))
        assert self.said[-1].startswith("Route als Text gespeichert")
        (path,) = (str(p) for p in self.tmp_path.rglob("route-*.txt"))
        text = open(path, encoding="utf-8").read()
        lines = text.splitlines()
        assert lines[0] == "Route mit Lotse" and lines[2] == steps[1]  # the summary
        numbered = [line for line in lines if re.match(r"\d+\. ", line)]
        assert numbered == [f"{i}. {step}" for i, step in enumerate(steps[2:], start=1)]
        assert lines[-1] == "Kartendaten © OpenStreetMap-Mitwirkende"
        assert str(self.tmp_path) in path  # beside the settings, on this device only
