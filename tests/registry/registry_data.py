"""Test data for the registry tests: the area, a fixed clock, and request bodies.

A module of its own (not conftest) so `from registry_data import …` cannot pick up another
part's conftest when the whole suite runs.
"""

from __future__ import annotations

from datetime import UTC, datetime

from beacon_registry.area import INNER_CITY_BBOX, ServiceArea

AREA = ServiceArea(name="innenstadt", bbox=INNER_CITY_BBOX, graph_hash="cafe1234")
#: a weekday (Tuesday) noon in Berlin, written in UTC
TUESDAY_NOON = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
#: Stiftsplatz, inside the inner city
LAT, LON = 49.4447, 7.7700
UUID = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"


class FixedClock:
    """A clock the test moves by hand: a datetime for the registry's "now", or seconds for a
    monotonic clock."""

    def __init__(self, now: datetime | float) -> None:
        self.now = now

    def __call__(self) -> datetime | float:
        return self.now


def ibeacon(major: int = 1, minor: int = 1, **extra) -> dict:
    body = {
        "kind": "ibeacon",
        "uuid": UUID,
        "major": major,
        "minor": minor,
        "lat": LAT,
        "lon": LON,
        "placement_de": "am Eingang der Stadtbibliothek, rechts der Tür",
        "placement_en": "at the entrance of the city library, right of the door",
        "measured_power": -59,
    }
    return body | extra


def place(**extra) -> dict:
    body = {
        "name": "Thalia",
        "category": "books",
        "lat": LAT,
        "lon": LON,
        "opening_hours": "Mo-Sa 09:00-19:00; PH off",
    }
    return body | extra
