"""The router's own maneuver facts skip re-validation (ManeuverFacts.trusted): that is only
sound while everything it says stays within the closed vocabularies, checked here on real
inner-city routes against the validating constructor."""

from __future__ import annotations

from dataclasses import fields

import pytest
from test_speed_shortcuts import N_PAIRS, answer, network_pairs

from accessibility.facts import FIELD_DEFAULTS, ManeuverFacts
from routing_service.errors import NoRoute
from routing_service.options import RouteOptions

VARIANTS = [("blind", RouteOptions(), "de"), ("walk", RouteOptions(), "en"),
            ("low_vision", RouteOptions(avoid_steps=True), "de")]
FACT_NAMES = {f.name for f in fields(ManeuverFacts)}


@pytest.mark.parametrize(("profile", "options", "lang"), VARIANTS)
def test_router_facts_pass_the_validating_constructor(cc_router, profile, options, lang):
    seen = set()
    for a, b in network_pairs(cc_router.net, N_PAIRS):
        try:
            _, body = answer(cc_router, a, b, profile=profile, options=options, lang=lang)
        except NoRoute:  # e.g. a point on steps with avoid_steps
            continue
        for m in body["maneuvers"]:
            values = {k: v for k, v in m.items() if k in FACT_NAMES}
            assert ManeuverFacts.trusted(values) == ManeuverFacts(**values)  # validates
            seen.add(m["type"])
    assert seen > {"depart", "arrive"}  # junctions were described, not only the two ends


def test_trusted_facts_are_equal_to_and_as_frozen_as_validated_ones():
    facts = ManeuverFacts.trusted({**FIELD_DEFAULTS, "type": "turn", "turn": "left"})
    assert facts == ManeuverFacts(type="turn", turn="left")
    assert facts.to_dict() == ManeuverFacts(type="turn", turn="left").to_dict()
    with pytest.raises(AttributeError):
        facts.turn = "right"  # type: ignore[misc]


def test_outside_input_is_still_validated():
    with pytest.raises(ValueError, match="crossing"):
        ManeuverFacts.from_dict({"type": "cross", "crossing": "pelican"})
