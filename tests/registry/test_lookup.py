"""Public beacon lookup: placement in the language asked, the linked place's opening state at
tricky moments (public holidays, past midnight), and only current notices."""

from __future__ import annotations

from datetime import datetime

import pytest
from registry_data import LAT, LON, UUID, ibeacon, place

from beacon_registry.opening import TZ

Q = {"uuid": UUID, "major": 1, "minor": 1}


def _berlin(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def shop_beacon(client, auth):
    """A beacon at a shop that closes on public holidays, and a bar beacon open past midnight."""
    shop = client.post("/v1/staff/places", json=place(), headers=auth("staff")).json()
    bar = client.post(
        "/v1/staff/places",
        json=place(name="Nachteule", category="bar", opening_hours="Fr-Sa 18:00-02:00"),
        headers=auth("staff"),
    ).json()
    client.post("/v1/staff/beacons", json=ibeacon(place_id=shop["id"]), headers=auth("staff"))
    client.post(
        "/v1/staff/beacons", json=ibeacon(minor=2, place_id=bar["id"]), headers=auth("staff")
    )
    return shop, bar


@pytest.mark.parametrize(
    ("moment", "minor", "lang", "open_now", "said"),
    [
        ("2026-11-24 12:00", 1, "de", True, "geöffnet bis 19 Uhr"),
        ("2026-11-24 12:00", 1, "en", True, "open until 7 pm"),
        ("2026-11-24 20:00", 1, "de", False, "öffnet morgen um 9 Uhr"),
        # Christmas Day (nationwide): "PH off", and the 26th is a holiday too
        ("2026-12-25 12:00", 1, "de", False, "öffnet am Montag um 9 Uhr"),
        # Corpus Christi: a holiday in Rhineland-Palatinate only, still "PH off"
        ("2026-06-04 12:00", 1, "de", False, "heute geschlossen"),
        ("2026-06-05 12:00", 1, "de", True, "geöffnet bis 19 Uhr"),
        # Friday night's opening runs into Saturday 02:00
        ("2026-11-21 01:30", 2, "de", True, "geöffnet bis 2 Uhr"),
        ("2026-11-21 02:30", 2, "en", False, "opens today at 6 pm"),
        ("2026-11-22 01:00", 2, "de", True, "geöffnet bis 2 Uhr"),
        ("2026-11-22 01:59", 2, "de", True, "schließt in 1 Minute"),
        ("2026-11-23 01:00", 2, "de", False, "öffnet am Freitag um 18 Uhr"),
    ],
)
def test_opening_state_in_lookup(client, clock, shop_beacon, moment, minor, lang, open_now, said):
    clock.now = _berlin(moment)
    r = client.get("/v1/beacons/lookup", params=Q | {"minor": minor, "lang": lang})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["place"]["open_now"] is open_now
    assert said in body["place"]["status_text"]
    assert said in body["place"]["spoken"]
    expected = ibeacon()["placement_en" if lang == "en" else "placement_de"]
    assert body["placement"] == expected


def test_only_current_notices_are_served(client, auth, clock, shop_beacon):
    shop, _ = shop_beacon
    clock.now = _berlin("2026-11-24 12:00")

    def notice(text, start, end, **target):
        body = {
            "kind": "offer",
            "text_de": text,
            "text_en": text + " (en)",
            "valid_from": start,
            "valid_to": end,
        } | target
        r = client.post("/v1/staff/notices", json=body, headers=auth("staff"))
        assert r.status_code == 201, r.text

    notice("Kalender 20 % günstiger", "2026-11-24T09:00", "2026-11-24T19:00", place_id=shop["id"])
    notice("gestern", "2026-11-23T09:00", "2026-11-23T19:00", place_id=shop["id"])
    notice("morgen", "2026-11-25T09:00", "2026-11-25T19:00", place_id=shop["id"])
    notice("Markt auf dem Stiftsplatz", "2026-11-24T07:00", "2026-11-24T13:00", area="innenstadt")
    body = client.get("/v1/beacons/lookup", params=Q).json()
    assert [n["text"] for n in body["notices"]] == [
        "Kalender 20 % günstiger",
        "Markt auf dem Stiftsplatz",
    ]
    assert "Angebot: Kalender 20 % günstiger" in body["place"]["spoken"]
    english = client.get("/v1/beacons/lookup", params=Q | {"lang": "en"}).json()
    assert english["notices"][0]["text"] == "Kalender 20 % günstiger (en)"
    clock.now = _berlin("2026-11-24 13:30")  # the market is over
    body = client.get("/v1/beacons/lookup", params=Q).json()
    assert [n["text"] for n in body["notices"]] == ["Kalender 20 % günstiger"]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"uuid": UUID, "major": 1, "minor": 99}, 404, "identity"),
        ({"uuid": "f7826da6-zzzz", "major": 1, "minor": 1}, 422, "uuid"),
        ({"uuid": UUID, "major": 70000, "minor": 1}, 422, "major"),
        ({"uuid": UUID, "major": 1}, 422, "minor"),
        ({"namespace": "abc", "instance": "00" * 6}, 422, "namespace"),
        ({}, 422, "uuid"),
        ({"uuid": UUID, "major": 1, "minor": 1, "lang": "fr"}, 422, "lang"),
    ],
)
def test_lookup_bad_or_unknown(client, shop_beacon, params, status, field):
    r = client.get("/v1/beacons/lookup", params=params)
    assert r.status_code == status, r.text
    assert field in r.json()["detail"]


def test_places_near_with_open_now(client, auth, clock, shop_beacon):
    clock.now = _berlin("2026-11-21 01:30")  # Saturday night: the bar is open, the shop not
    far = place(name="Weit weg", lat=49.4380, lon=7.7620, opening_hours="24/7")
    client.post("/v1/staff/places", json=far, headers=auth("staff"))
    r = client.get("/v1/places/near", params={"lat": LAT, "lon": LON, "radius_m": 50})
    assert r.status_code == 200
    found = {p["name"]: p for p in r.json()}
    assert set(found) == {"Thalia", "Nachteule"}
    assert found["Nachteule"]["open_now"] is True and found["Thalia"]["open_now"] is False
    assert client.get("/v1/places/near", params={"lat": LAT}).status_code == 422
