"""Fixtures of the routing tests: a router over the inner city and the hand-written mini maps."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing_service.ingest import load_network
from routing_service.router import Router

DATA = Path(__file__).parent / "data"

#: real inner-city places (looked up in the extract: stop, square, fountain, stop)
HAUPTBAHNHOF = (49.43680, 7.76800)
STIFTSPLATZ = (49.44454, 7.77238)
RATHAUS = (49.44566, 7.76869)
FACKELRONDELL = (49.44533, 7.76799)  # the Fackelbrunnen on the Fackelrondell


PLACES = {"Hauptbahnhof": HAUPTBAHNHOF, "Stiftsplatz": STIFTSPLATZ, "Rathaus": RATHAUS,
          "Fackelrondell": FACKELRONDELL}


@pytest.fixture(scope="session")
def places() -> dict[str, tuple[float, float]]:
    """Real inner-city places by name -> (lat, lon)."""
    return dict(PLACES)


@pytest.fixture(scope="session")
def cc_router(cc_network) -> Router:
    return Router(cc_network)


@pytest.fixture(scope="session")
def mini(tmp_path_factory):
    """load a hand-written map from tests/routing/data by name (compiled once per session)."""
    cache = tmp_path_factory.mktemp("mini-graphs")
    loaded: dict[str, Router] = {}

    def get(name: str) -> Router:
        if name not in loaded:
            loaded[name] = Router(load_network(DATA / f"{name}.osm", cache_dir=cache))
        return loaded[name]

    return get


@pytest.fixture(scope="session")
def hand_map(tmp_path_factory):
    """A Router over a hand-made map given as OSM XML text (built once per distinct text)."""
    from osm_maps import write

    tmp = tmp_path_factory.mktemp("hand-maps")
    built: dict[str, Router] = {}

    def get(text: str) -> Router:
        if text not in built:
            built[text] = Router(load_network(write(tmp, text), cache_dir=tmp))
        return built[text]

    return get
