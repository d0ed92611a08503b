"""Place phrases with opening states, "Where am I" and "What's around"."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import opening_hours
import pytest

from accessibility.places import (
    NearbyPlace,
    OpeningState,
    around_texts,
    opening_text,
    place_status_text,
    where_am_i_text,
)

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = datetime(2026, 11, 20, 15, 10, tzinfo=BERLIN)


def at(day: datetime, hour: int, minute: int = 0, days: int = 0) -> datetime:
    return (day + timedelta(days=days)).replace(hour=hour, minute=minute)


def state_from_opening_hours(spec: str, now: datetime) -> OpeningState:
    """What a caller does: evaluate OSM opening_hours with opening-hours-py in Berlin time."""
    hours = opening_hours.OpeningHours(spec)
    local = now.astimezone(BERLIN).replace(tzinfo=None)
    change = hours.next_change(local)
    change_at = change.replace(tzinfo=BERLIN) if change else None
    if hours.is_open(local):
        return OpeningState(now, True, closes_at=change_at)
    opens_today = change_at is not None and change_at.date() == now.date()
    return OpeningState(now, False, opens_at=change_at, closed_today=not opens_today)


@pytest.mark.parametrize(
    ("state", "de", "en"),
    [
        (
            OpeningState(FRIDAY, True, closes_at=at(FRIDAY, 19)),
            "geöffnet bis 19 Uhr",
            "open until 7 pm",
        ),
        (
            OpeningState(FRIDAY, True, closes_at=at(FRIDAY, 18, 30)),
            "geöffnet bis 18:30 Uhr",
            "open until 6:30 pm",
        ),
        (
            OpeningState(FRIDAY, True, closes_at=at(FRIDAY, 15, 30)),
            "schließt in 20 Minuten",
            "closes in 20 minutes",
        ),
        (OpeningState(FRIDAY, True), "rund um die Uhr geöffnet", "open around the clock"),
        (OpeningState(FRIDAY, False, closed_today=True), "heute geschlossen", "closed today"),
        (
            OpeningState(FRIDAY, False, opens_at=at(FRIDAY, 9, days=1), closed_today=True),
            "heute geschlossen, öffnet morgen um 9 Uhr",
            "closed today, opens tomorrow at 9 am",
        ),
        (
            OpeningState(FRIDAY, False, opens_at=at(FRIDAY, 17, 30)),
            "öffnet heute um 17:30 Uhr",
            "opens today at 5:30 pm",
        ),
        (
            OpeningState(FRIDAY, False, opens_at=at(FRIDAY, 10, days=3), closed_today=True),
            "heute geschlossen, öffnet am Montag um 10 Uhr",
            "closed today, opens on Monday at 10 am",
        ),
        (OpeningState(FRIDAY, None), "Öffnungszeiten unbekannt", "opening hours unknown"),
    ],
)
def test_opening_states(state, de, en):
    assert opening_text(state, "de") == de
    assert opening_text(state, "en") == en


def test_closing_time_is_said_in_the_walkers_time_zone():
    utc_close = datetime(2026, 11, 20, 18, 0, tzinfo=ZoneInfo("UTC"))  # 19:00 in Berlin
    assert (
        opening_text(OpeningState(FRIDAY, True, closes_at=utc_close), "de") == "geöffnet bis 19 Uhr"
    )


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        OpeningState(datetime(2026, 11, 20, 15), True)


def test_place_status_with_category_offer_and_event():
    state = OpeningState(FRIDAY, True, closes_at=at(FRIDAY, 19))
    text = place_status_text(
        "Reformhaus Escher",
        "health_food",
        state,
        "de",
        offers=["Tee zum halben Preis"],
        events=["Verkostung bis 17 Uhr"],
    )
    assert text == (
        # a category the catalogue lacks is left out, not spoken as a raw OSM tag
        "Reformhaus Escher, geöffnet bis 19 Uhr. Angebot: Tee zum halben Preis. "
        "Heute: Verkostung bis 17 Uhr."
    )
    assert place_status_text("Fackeltor-Apotheke", "pharmacy", state, "en") == (
        "Fackeltor-Apotheke, pharmacy, open until 7 pm."
    )
    # the category is not said twice when the name already says it
    assert place_status_text("Fackeltor-Apotheke", "pharmacy", state, "de").startswith(
        "Fackeltor-Apotheke, geöffnet"
    )


def _cc_places_with_hours(cc_osm) -> dict[str, str]:
    """name -> opening_hours of the named places in the real inner-city extract."""
    found: dict[str, str] = {}
    with gzip.open(cc_osm) as fh:
        for _, elem in ET.iterparse(fh):
            if elem.tag in ("node", "way"):
                tags = {t.get("k"): t.get("v") for t in elem.findall("tag")}
                if "name" in tags and "opening_hours" in tags:
                    found[tags["name"]] = tags["opening_hours"]
                elem.clear()
    return found


def test_real_inner_city_opening_hours_phrased(cc_osm):
    hours = _cc_places_with_hours(cc_osm)
    assert hours["Reformhaus Escher"] == "Mo-Fr 09:00-19:00; Sa 09:00-16:00"
    spec = hours["Reformhaus Escher"]
    cases = [
        (FRIDAY, "Reformhaus Escher, geöffnet bis 19 Uhr."),
        (at(FRIDAY, 7), "Reformhaus Escher, öffnet heute um 9 Uhr."),
        (
            at(FRIDAY, 17, days=1),
            "Reformhaus Escher, heute geschlossen, öffnet am Montag um 9 Uhr.",
        ),
        (at(FRIDAY, 20), "Reformhaus Escher, heute geschlossen, öffnet morgen um 9 Uhr."),
    ]
    for now, expected in cases:
        assert (
            place_status_text("Reformhaus Escher", None, state_from_opening_hours(spec, now))
            == expected
        )
    # every real opening_hours value that opening-hours-py reads can be phrased in both languages
    for name, spec in hours.items():
        try:
            state = state_from_opening_hours(spec, FRIDAY)
        except opening_hours.ParserError:
            continue
        for lang in ("de", "en"):
            text = place_status_text(name, None, state, lang)
            assert text.startswith(name) and "{" not in text


def test_where_am_i():
    said = where_am_i_text(
        "de", "Marktstraße", heading_deg=95, crossing_distance_m=23, crossing="signals_sound"
    )
    assert said == [
        "Sie sind in der Marktstraße.",
        "Blickrichtung Osten.",
        "Nächste Querung in 25 Metern: Ampel mit Tonsignal.",
    ]
    said = where_am_i_text("en", "Stiftsplatz", heading_deg=200, uncertainty_m=30)
    assert said == [
        "Position uncertain, about 30 metres.",
        "You are on Stiftsplatz.",
        "Facing south.",
    ]
    assert where_am_i_text("de") == ["Position unbekannt."]


def test_whats_around_five_nearest_first_with_open_state():
    open_till_7 = OpeningState(FRIDAY, True, closes_at=at(FRIDAY, 19))
    places = [
        NearbyPlace(f"Laden {i}", "clothes", distance_m=d, clock=(i % 12) + 1, state=open_till_7)
        for i, d in enumerate([120, 15, 300, 44, 8, 260, 95])
    ]
    said = around_texts(places, "de")
    assert len(said) == 5
    assert said[0] == "Laden 4, wenige Meter auf 5 Uhr, Bekleidungsgeschäft, geöffnet bis 19 Uhr."
    assert [s.split(",")[0] for s in said] == [
        "Laden 4",
        "Laden 1",
        "Laden 3",
        "Laden 6",
        "Laden 0",
    ]
    assert around_texts([], "en") == ["No places nearby."]
    church = NearbyPlace("Stiftskirche", "place_of_worship", 40)
    assert around_texts([church], "en") == ["Stiftskirche, 40 metres, place of worship."]
