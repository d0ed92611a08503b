"""The speed shortcuts change no answer: shared search matrices, the straight-line bound on the
plain-walk detour check, and the memoised "at" texts, each compared with the slow way."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

import routing_service.router as router_module
from accessibility import messages, phrasing
from accessibility.facts import ManeuverFacts
from routing_service.options import RouteOptions
from routing_service.overlays import Overlay
from routing_service.router import Router

NOON = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
#: seeded points on the inner-city network, enough to meet detours, steps and crossings
N_PAIRS = 40


def network_pairs(net, n: int, seed: int = 3) -> list[tuple[tuple[float, float], ...]]:
    """Points at random fractions of random ways (every point is on the network)."""
    rng = random.Random(seed)

    def point() -> tuple[float, float]:
        coords = net.edge_coords(rng.randrange(net.n_edges))
        i = rng.randrange(len(coords) - 1)
        lon, lat = coords[i] + rng.random() * (coords[i + 1] - coords[i])
        return float(lat), float(lon)

    return [(point(), point()) for _ in range(n)]


def answer(router: Router, a, b, **kw) -> tuple:
    route = router.route(a, b, when=NOON, **kw)
    return route.edges, route.to_dict()


@pytest.mark.parametrize("factor", [1.0, 1.1, 1.4])
def test_straight_line_bound_skips_only_searches_that_find_nothing(cc_router, monkeypatch,
                                                                   factor):
    pairs = network_pairs(cc_router.net, N_PAIRS)
    options = RouteOptions(max_detour_factor=factor)
    fast = [answer(cc_router, a, b, options=options) for a, b in pairs]
    monkeypatch.setattr(router_module, "CROW_BOUND_SHARE", 0.0)  # never skip: always search
    slow = [answer(cc_router, a, b, options=options) for a, b in pairs]
    assert fast == slow
    if factor == 1.0:  # the comparison must have met real fallbacks to the plain walk
        detour = messages.text("route.warning.detour", "de")
        assert any(detour in body["warnings"] for _, body in fast)


def test_shared_search_matrix_survives_overlays_and_threads(cc_network, places):
    router = Router(cc_network)
    pairs = network_pairs(cc_network, N_PAIRS, seed=11)
    first = [answer(router, a, b) for a, b in pairs]
    # overlay requests build their own matrix; the shared one must come out untouched
    wall = Overlay(id="wall", kind="road_works", geometry=_middle(router, places),
                   effect="block", radius_m=5, valid_from=NOON - timedelta(hours=1),
                   valid_to=NOON + timedelta(hours=1))
    for a, b in pairs[:10]:
        router.route(a, b, when=NOON, overlays=[wall])
    # many threads writing the virtual origin row of the same matrix at once
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda ab: answer(router, *ab), pairs * 3))
    assert threaded == first * 3
    assert [answer(router, a, b) for a, b in pairs] == first


def _middle(router: Router, places) -> object:
    from shapely.geometry import Point

    route = router.route(places["Hauptbahnhof"], places["Stiftsplatz"], when=NOON)
    lon, lat = route.coords[len(route.coords) // 2]
    return Point(lon, lat)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_memoised_texts_equal_fresh_phrasing(cc_router, lang):
    facts = []
    for a, b in network_pairs(cc_router.net, N_PAIRS, seed=5):
        for m in cc_router.route(a, b, lang=lang, when=NOON).maneuvers:
            f = ManeuverFacts.from_dict(m)
            # variants in what the memo must tell apart, and in what it may ignore
            facts += [f, replace(f, distance_m=(f.distance_m or 0) + 37.0, surface="sett"),
                      replace(f, street="Marktstraße"), replace(f, landmark="Stiftskirche"),
                      replace(f, turn=None, angle_deg=-95.0),
                      replace(f, hazard_text={"de": "Bauzaun", "en": "Fence"})]
    assert len({f.type for f in facts}) >= 4
    forms = [("at", "normal"), ("at", "brief")]
    memoised = [phrasing.maneuver_text(f, lang, form, verbosity=v) for f in facts
                for form, v in forms]
    fresh = []
    for f in facts:
        for form, v in forms:
            phrasing._at_memo.clear()
            fresh.append(phrasing.maneuver_text(f, lang, form, verbosity=v))
    assert memoised == fresh


@pytest.mark.parametrize(("profile", "lang"), [("blind", "de"), ("walk", "en")])
def test_remembered_junctions_bearings_and_places_say_what_computing_them_says(
        cc_network, profile, lang):
    """The describer remembers what it says at a junction of two whole edges, the text of each
    maneuver by its facts, and the rounded bearing and place of a maneuver at a node; routes
    whose junctions are all remembered (routed a second time, and on a router with its memory
    switched off) say the same."""
    fresh, remembering = Router(cc_network), Router(cc_network)
    fresh.describer._junction_at = fresh.describer._junction
    fresh.describer._texts = Forgetful()
    pairs = network_pairs(cc_network, N_PAIRS, seed=17)
    first = [answer(remembering, a, b, profile=profile, lang=lang) for a, b in pairs]
    assert len(remembering.describer._junction_memo) > N_PAIRS  # it did remember
    assert len(remembering.describer._texts) > N_PAIRS
    assert first == [answer(remembering, a, b, profile=profile, lang=lang) for a, b in pairs]
    assert first == [answer(fresh, a, b, profile=profile, lang=lang) for a, b in pairs]


class Forgetful(dict):
    """A memory that keeps nothing."""

    def __setitem__(self, key, value) -> None:
        pass
