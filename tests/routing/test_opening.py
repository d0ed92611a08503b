"""One opening-hours evaluation: the phone and the registry give the same state at the same instant.

Both sides are called through their own entry points (the phone's `guidance_places.opening_state`,
the registry's `opening_state` as its lookup phrases it), so a side that evaluates on its own again
fails here, on Fronleichnam first.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest

from accessibility.places import opening_text
from beacon_registry.errors import InvalidField
from beacon_registry.opening import opening_state as registry_state
from beacon_registry.opening import validate as registry_validate
from lotse_common.opening import TZ, InvalidOpeningHours, opening_state, validate
from mobile.guidance.places import opening_state as phone_state
from mobile.guidance.places import place_phrase

SHOP = "Mo-Fr 09:00-19:00; Sa 09:00-16:00; PH off"
BAR = "Fr-Sa 18:00-02:00"


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


CASES = [
    # (spec, instant, is_open, next change, closed_today)
    (SHOP, "2026-11-24 12:00", True, "2026-11-24 19:00", False),
    (SHOP, "2026-11-24 20:00", False, "2026-11-25 09:00", True),
    # Corpus Christi: a holiday in Rhineland-Palatinate only (the library knows nationwide ones)
    (SHOP, "2026-06-04 12:00", False, "2026-06-05 09:00", True),
    (SHOP, "2026-06-05 12:00", True, "2026-06-05 19:00", False),
    # All Saints' Day falls on a Sunday in 2026; 2027 it is a Monday
    (SHOP, "2027-11-01 12:00", False, "2027-11-02 09:00", True),
    # Christmas Day and Boxing Day (nationwide), then a Sunday: opens Monday the 28th
    (SHOP, "2026-12-25 12:00", False, "2026-12-28 09:00", True),
    # a bar's Friday night runs into Saturday 02:00
    (BAR, "2026-11-21 01:30", True, "2026-11-21 02:00", False),
    (BAR, "2026-11-21 02:30", False, "2026-11-21 18:00", False),
    (BAR, "2026-11-22 01:59", True, "2026-11-22 02:00", False),
    (BAR, "2026-11-23 01:00", False, "2026-11-27 18:00", True),
    ("24/7", "2026-11-24 03:00", True, None, False),
]


@pytest.mark.parametrize(("spec", "moment", "is_open", "change", "closed_today"), CASES)
def test_same_state_on_phone_and_registry(spec, moment, is_open, change, closed_today):
    when = at(moment)
    shared = opening_state(spec, when)
    assert shared is not None and shared.is_open is is_open
    expected_change = at(change) if change else None
    assert (shared.closes_at if is_open else shared.opens_at) == expected_change
    assert shared.closed_today is closed_today
    assert phone_state(spec, when) == shared
    assert registry_state(spec, when) == shared


def test_corpus_christi_is_said_alike():
    """The sentence of the original bug: the phone said "open" on Fronleichnam."""
    when = at("2026-06-04 12:00")
    phone = place_phrase({"name": "Reformhaus Escher", "opening_hours": SHOP}, when)
    registry = opening_text(registry_state(SHOP, when), "de")
    assert "heute geschlossen" in phone and "heute geschlossen" in registry
    assert "geöffnet" not in phone


def test_instant_in_another_zone_is_read_in_berlin():
    from datetime import UTC

    when = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # 19:30 in Kaiserslautern
    state = opening_state(SHOP, when)
    assert state is not None and state.is_open is False
    assert state.now.utcoffset() == at("2026-11-24 12:00").utcoffset()


@pytest.mark.parametrize("spec", [None, "", "   ", "nonsense (((", "Mo-Fr 25:00-26:00x"])
def test_unreadable_or_missing_spec_is_none_on_both_sides(spec):
    when = at("2026-11-24 12:00")
    assert opening_state(spec, when) is None
    assert phone_state(spec, when) is None
    assert registry_state(spec, when) is None


def test_validation_is_shared():
    assert validate("  Mo-Fr 09:00-18:00 ") == "Mo-Fr 09:00-18:00"
    with pytest.raises(InvalidOpeningHours, match="not valid OSM opening_hours"):
        validate("Mo-Fr 9 bis 18 Uhr")
    with pytest.raises(InvalidField, match="^opening_hours: not valid OSM") as err:
        registry_validate("Mo-Fr 9 bis 18 Uhr")
    assert err.value.status == 422


def test_naive_instant_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        opening_state(SHOP, datetime(2026, 11, 24, 12, 0))


def test_routing_core_stays_free_of_server_and_ui_frameworks():
    code = ("import sys, lotse_common.opening; "
            "print(sorted(m for m in ('fastapi', 'sqlalchemy', 'kivy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
