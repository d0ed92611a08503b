"""Turn directions and arrival sides on a hand-made junction whose right answers are known.

The map (tests/routing/data/turns.osm) is a plus of four footways meeting at right angles; its
header says which way is left from each arm. A mirrored turn would send a blind walker the wrong
way, so every turn is checked in facts (turn word, signed angle, clock hour) and in both
languages' words, and every arrival side against the side the destination was put on.
"""

from __future__ import annotations

import pytest

#: points 60 m out on each arm, on the way itself (lat, lon)
ON_ARM = {"Nordgasse": (49.44054, 7.7700), "Südgasse": (49.43946, 7.7700),
          "Ostgasse": (49.4400, 7.77083), "Westgasse": (49.4400, 7.76917)}
#: (from arm, to arm) -> the turn a walker makes at the junction, worked out by hand
TURNS = {
    ("Südgasse", "Westgasse"): "left", ("Südgasse", "Ostgasse"): "right",
    ("Nordgasse", "Ostgasse"): "left", ("Nordgasse", "Westgasse"): "right",
    ("Ostgasse", "Südgasse"): "left", ("Ostgasse", "Nordgasse"): "right",
    ("Westgasse", "Nordgasse"): "left", ("Westgasse", "Südgasse"): "right",
}
WORDS = {"left": {"de": "links", "en": "left"}, "right": {"de": "rechts", "en": "right"}}
#: about 8 m north/south/east/west in degrees at this latitude
D_LAT, D_LON = 0.000072, 0.00011


def _turn(router, origin: str, destination: str, lang: str) -> dict:
    route = router.route(ON_ARM[origin], ON_ARM[destination], profile="blind", lang=lang)
    turns = [m for m in route.maneuvers if m["type"] == "turn"]
    assert len(turns) == 1, route.maneuvers
    return turns[0]


@pytest.mark.parametrize(("origin", "destination"), list(TURNS))
@pytest.mark.parametrize("lang", ["de", "en"])
def test_turn_direction_at_a_right_angled_junction(mini, origin, destination, lang):
    side = TURNS[(origin, destination)]
    turn = _turn(mini("turns"), origin, destination, lang)
    assert turn["turn"] == side
    assert turn["street"] == destination
    if side == "left":  # + is right: a left turn has a negative angle, 9 to 11 on the clock
        assert -135.0 < turn["angle_deg"] < -45.0 and 9 <= turn["clock"] <= 11
    else:
        assert 45.0 < turn["angle_deg"] < 135.0 and 1 <= turn["clock"] <= 3
    text = turn["text"].lower()
    other = "right" if side == "left" else "left"
    assert WORDS[side][lang] in text and WORDS[other][lang] not in text


@pytest.mark.parametrize(("origin", "destination", "offset", "side"), [
    # walking east along the Ostgasse: north of the way is on the walker's left
    ("Westgasse", "Ostgasse", (D_LAT, 0.0), "left"),
    ("Westgasse", "Ostgasse", (-D_LAT, 0.0), "right"),
    # walking west along the Westgasse: north is on the right
    ("Ostgasse", "Westgasse", (D_LAT, 0.0), "right"),
    ("Ostgasse", "Westgasse", (-D_LAT, 0.0), "left"),
    # walking north up the Nordgasse: east is on the right
    ("Südgasse", "Nordgasse", (0.0, D_LON), "right"),
    ("Südgasse", "Nordgasse", (0.0, -D_LON), "left"),
    # after a left turn into the Westgasse (walking west): south is on the left
    ("Südgasse", "Westgasse", (-D_LAT, 0.0), "left"),
])
def test_arrival_side_is_where_the_destination_lies(mini, origin, destination, offset, side):
    lat, lon = ON_ARM[destination]
    target = (lat + offset[0], lon + offset[1])
    for lang, said in (("de", {"left": "linken", "right": "rechten"}),
                       ("en", {"left": "your left", "right": "your right"})):
        route = mini("turns").route(ON_ARM[origin], target, profile="blind", lang=lang)
        arrive = route.maneuvers[-1]
        assert arrive["type"] == "arrive" and arrive["side"] == side
        assert said[side] in arrive["text"]
        assert said["right" if side == "left" else "left"] not in arrive["text"]


def test_destination_on_the_way_has_no_side(mini):
    route = mini("turns").route(ON_ARM["Westgasse"], ON_ARM["Ostgasse"], profile="blind")
    assert route.maneuvers[-1]["type"] == "arrive" and route.maneuvers[-1]["side"] is None
