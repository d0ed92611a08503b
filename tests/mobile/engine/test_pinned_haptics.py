"""A left turn is felt as the left pattern and a right turn as the right one, end to end.

The route comes from the router on the hand-made plus junction (tests/routing/data/turns.osm,
whose header says which way is left), a simulated walker follows it with GPS only, and the
pipeline's haptics record what the phone would vibrate when the turn is said.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accessibility.haptics import Haptics, Pattern
from mobile.positioning.geo import RouteLine
from mobile.simulation.model import RadioModel, SimulatedWalk
from mobile.simulation.run import run_walk

TURNS_OSM = Path(__file__).parents[2] / "routing" / "data" / "turns.osm"
#: 60 m up the Südgasse (walking north), then 60 m into the Westgasse or the Ostgasse
SOUTH, WEST, EAST = (49.43946, 7.7700), (49.4400, 7.76917), (49.4400, 7.77083)


class RecordingVibrator:
    """Test double for the vibrator seam: remembers each pattern it was asked to play."""

    def __init__(self) -> None:
        self.patterns: list[list[float]] = []

    def pattern(self, pattern, repeat=-1) -> None:
        self.patterns.append(list(pattern))


@pytest.fixture(scope="module")
def junction_router(tmp_path_factory):
    from routing_service.ingest import load_network
    from routing_service.router import Router

    return Router(load_network(TURNS_OSM, cache_dir=tmp_path_factory.mktemp("turns")))


@pytest.mark.parametrize(("destination", "pattern", "word"), [
    (WEST, Pattern.LEFT, "Links abbiegen"), (EAST, Pattern.RIGHT, "Rechts abbiegen")])
def test_turn_is_felt_on_its_own_side(junction_router, new_pipeline, destination, pattern,
                                      word):
    route = junction_router.route(SOUTH, destination, profile="blind").to_dict()
    vibrator = RecordingVibrator()
    pipeline, clock, _, _ = new_pipeline()
    pipeline.haptics = Haptics(vibrator, clock=clock)
    pipeline.set_route(0.0, route)
    line = RouteLine(route["geometry"]["coordinates"], route["distance_m"])
    walk = SimulatedWalk(line, [], RadioModel(gps_sigma_m=2.0), seed=5)
    result = run_walk(pipeline, walk, clock)
    assert result.arrived
    turn_said = [a for a in result.announcements if word in a["text"]]
    assert len(turn_said) == 1 and turn_said[0]["kind"] == "instruction"
    felt = pipeline.haptics.played
    at_turn = [p for t, p in felt if t == turn_said[0]["t_s"]]
    assert at_turn == [pattern]
    other = Pattern.RIGHT if pattern is Pattern.LEFT else Pattern.LEFT
    assert other not in [p for _, p in felt]
    assert list(pattern.value) in vibrator.patterns

