"""Every shop/amenity/tourism/leisure/craft value on a named feature of the real extracts has a
word in both languages, so a German walk never says "Brauhaus am Markt, pub"."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from accessibility import messages
from accessibility.places import NearbyPlace, around_texts, category_text, place_status_text
from lotse_common.settings import SHARED_OSM

#: the OSM keys whose values the phone speaks as a place's category
CATEGORY_KEYS = ("shop", "amenity", "tourism", "leisure", "craft")


def _named_categories(path: Path) -> dict[str, str]:
    """value -> one example name, for every category key on a named node, way or relation."""
    found: dict[str, str] = {}
    with gzip.open(path) as fh:
        for _, elem in ET.iterparse(fh):
            if elem.tag in ("node", "way", "relation"):
                tags = {t.get("k"): t.get("v") for t in elem.iter("tag")}
                if tags.get("name"):
                    for key in CATEGORY_KEYS:
                        if tags.get(key):
                            found.setdefault(tags[key], tags["name"])
                elem.clear()
    return found


@pytest.fixture(scope="session")
def cc_categories(cc_osm) -> dict[str, str]:
    return _named_categories(cc_osm)


@pytest.fixture(scope="session")
def city_categories() -> dict[str, str]:
    return _named_categories(SHARED_OSM / "kaiserslautern.osm.gz")


def _untranslated(values: dict[str, str]) -> Iterator[str]:
    for value, example in sorted(values.items()):
        for lang in messages.LANGS:
            if not messages.has(f"category.{value}", lang):
                yield f"{value} ({example}): no {lang} entry"
        german = messages.text(f"category.{value}", "de") if messages.has(
            f"category.{value}", "de") else None
        if german is not None and german == value.replace("_", " "):
            yield f"{value} ({example}): German entry is the raw English tag"


def test_inner_city_categories_have_words_in_both_languages(cc_categories):
    assert len(cc_categories) > 50, "the inner-city extract has dozens of kinds of places"
    assert {"pub", "outdoor", "mobile_phone"} <= cc_categories.keys()
    missing = list(_untranslated(cc_categories))
    assert not missing, "add category.* entries to de.po and en.po:\n" + "\n".join(missing)


def test_whole_city_categories_have_words_in_both_languages(city_categories):
    missing = list(_untranslated(city_categories))
    assert not missing, "add category.* entries to de.po and en.po:\n" + "\n".join(missing)


@pytest.mark.parametrize(("name", "category", "de", "en"), [
    ("Brauhaus am Markt", "pub", "Brauhaus am Markt, Kneipe.", "Brauhaus am Markt, pub."),
    ("Jack Wolfskin", "outdoor", "Jack Wolfskin, Outdoorgeschäft.", "Jack Wolfskin, outdoor shop."),
    ("Vodafone", "mobile_phone", "Vodafone, Handygeschäft.", "Vodafone, mobile phone shop."),
])
def test_walk_phrases_say_the_category_in_the_walk_language(name, category, de, en):
    assert place_status_text(name, category, None, "de") == de
    assert place_status_text(name, category, None, "en") == en


def test_unknown_category_is_left_out_not_spoken_raw():
    assert category_text("space_elevator", "de") is None
    assert category_text("space_elevator", "en") is None
    assert place_status_text("Turm", "space_elevator", None, "de") == "Turm."
    assert around_texts([NearbyPlace("Turm", "space_elevator", 12.0)], "de") == ["Turm, 10 Meter."]
    assert around_texts([NearbyPlace("Turm", "pub", 12.0)], "de") == ["Turm, 10 Meter, Kneipe."]
