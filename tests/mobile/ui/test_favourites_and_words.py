"""Favourite editing and the category words of the search, on their own."""

from __future__ import annotations

import pytest

from mobile.app.destinations import category_of
from mobile.app.favourites import FavouriteError, moved, removed, renamed
from mobile.app.settings import Favourite

FAVS = tuple(Favourite(name=n, lat=49.44, lon=7.77) for n in ("Zuhause", "Praxis", "Arbeit"))


def names(favs):
    return [f.name for f in favs]


def test_rename_remove_and_move_return_new_orders():
    assert names(renamed(FAVS, "Praxis", " Hausarzt ")) == ["Zuhause", "Hausarzt", "Arbeit"]
    assert names(removed(FAVS, "Zuhause")) == ["Praxis", "Arbeit"]
    assert names(moved(FAVS, "Arbeit", -1)) == ["Zuhause", "Arbeit", "Praxis"]
    assert names(moved(FAVS, "Zuhause", -1)) == names(FAVS)  # already first
    assert names(moved(FAVS, "Arbeit", +1)) == names(FAVS)  # already last


@pytest.mark.parametrize(("change", "args"), [
    (renamed, ("Praxis", "Arbeit")),  # taken
    (renamed, ("Praxis", "  ")),  # empty
    (removed, ("Kino",)),  # no such favourite
])
def test_impossible_edits_are_refused(change, args):
    with pytest.raises(FavouriteError):
        change(FAVS, *args)


@pytest.mark.parametrize(("query", "category"), [
    ("Apotheke", "pharmacy"), ("apotheken", "pharmacy"), ("pharmacy", "pharmacy"),
    ("Kino", "cinema"), ("Bäcker", "bakery"), ("Baecker", "bakery"),
    ("Bushaltestelle", "bus_stop"), ("bus stop", "bus_stop"), ("Toilette", "toilets"),
    ("toilet", "toilets"), ("Einkaufszentrum", "mall"),
    ("Stiftsplatz", None), ("Markt", None), ("Fackelbrunnen", None),
])
def test_category_words_in_german_and_english(query, category):
    assert category_of(query) == category
