"""Maneuver facts → one short spoken message, in German or English.

Follows the Wayfindr rules in DESIGN.md: the action at the decision point ("at"), a preparatory
hint ahead of it ("prep", hazards before their distance), a confirmation after it ("confirm").
Verbosity changes length, never meaning: every level starts with the same action; "normal" adds
street, landmark and what the cane meets (handrail, guide line), "detailed" adds surface and what
comes next. All words come from the `.po` catalogue; this module only picks and orders them.
"""

from __future__ import annotations

import logging
from operator import attrgetter

from accessibility import messages
from accessibility.facts import ManeuverFacts
from accessibility.streets import landmark_at, now_on, street_at, street_into
from accessibility.units import clock_from_angle, distance_phrase, format_distance

log = logging.getLogger(__name__)

__all__ = ["maneuver_text", "format_distance", "turn_from_angle", "FORMS", "VERBOSITIES"]

FORMS: tuple[str, ...] = ("prep", "at", "confirm")
VERBOSITIES: tuple[str, ...] = ("brief", "normal", "detailed")

# turn thresholds on the absolute angle, degrees
STRAIGHT_BELOW_DEG = 20.0
SLIGHT_BELOW_DEG = 60.0
NORMAL_BELOW_DEG = 135.0
UTURN_FROM_DEG = 170.0

#: maneuvers that are a warning: their prep form says the hazard first, then the distance
_HAZARD_TYPES = frozenset({"barrier", "hazard"})
#: how the street enters the "normal" message, per maneuver type. A crossing names no street:
#: the way after it is confirmed once crossed, and a bare name after the action misleads.
_STREET_FRAMES = {
    "depart": street_at,
    "continue": street_at,
    "turn": street_into,
    "open_square": street_at,
}
_CONFIRM_WITHOUT_STREET = {
    "cross": "confirm.cross",
    "steps": "confirm.steps",
    "barrier": "confirm.passed",
    "hazard": "confirm.passed",
    "open_square": "confirm.open_square",
}
_SETT = frozenset({"sett", "cobblestone", "unhewn_cobblestone", "paving_stones:uneven"})
_UNPAVED = frozenset({"unpaved", "gravel", "fine_gravel", "dirt", "ground", "grass", "compacted"})
_KNOWN_BARRIERS = frozenset(
    {"bollard", "gate", "lift_gate", "cycle_barrier", "chain", "block", "kerb"}
)
#: what the "at" message reads at brief/normal verbosity without a clock face: its memo key.
#: Not read there: distance_m and surface ("detailed" only), clock (clock face only), angle_deg
#: (only when turn is missing, added to the key then). A route server phrases the same
#: junctions over and over; building the words again cost more than the rest of a maneuver.
AT_FIELD_NAMES = ("type", "turn", "street", "crossing", "step_count", "handrail",
                  "steps_direction", "tactile_paving", "barrier", "kerb", "side", "landmark",
                  "landmark_category", "compass", "island")
_AT_FIELDS = attrgetter(*AT_FIELD_NAMES)
#: facing the first leg within this angle is "straight ahead"; beyond BEHIND_FROM_DEG "behind"
AHEAD_BELOW_DEG = 30.0
BEHIND_FROM_DEG = 135.0
#: memoised "at" messages kept at most (a city has a few thousand distinct ones per language)
AT_MEMO_SIZE = 20_000
_at_memo: dict[tuple, str] = {}


def turn_from_angle(angle_deg: float) -> str:
    """Turn word for a signed angle (+ = right), on the thresholds above."""
    size = abs(angle_deg)
    if size >= UTURN_FROM_DEG:
        return "uturn"
    if size < STRAIGHT_BELOW_DEG:
        return "straight"
    side = "right" if angle_deg > 0 else "left"
    if size < SLIGHT_BELOW_DEG:
        return f"slight_{side}"
    if size < NORMAL_BELOW_DEG:
        return side
    return f"sharp_{side}"


def _clock(facts: ManeuverFacts) -> int | None:
    if facts.clock is not None:
        return facts.clock
    return None if facts.angle_deg is None else clock_from_angle(facts.angle_deg)


def _hazard_words(facts: ManeuverFacts, lang: str) -> str:
    texts = facts.hazard_text or {}
    said = texts.get(lang) or texts.get(messages.DEFAULT_LANG) or next(iter(texts.values()), "")
    if said:
        return messages.text("hazard.prefix", lang, hazard=said)
    return messages.text("maneuver.hazard", lang)


def _barrier_words(facts: ManeuverFacts, lang: str) -> str:
    if facts.barrier == "kerb" and facts.kerb in ("raised", "lowered", "flush"):
        kerb = messages.text(f"kerb.{facts.kerb}", lang)
        return messages.text("hazard.prefix", lang, hazard=kerb)
    if facts.barrier in _KNOWN_BARRIERS:
        return messages.text(f"barrier.{facts.barrier}", lang)
    if facts.barrier is None and facts.kerb in ("raised", "lowered", "flush"):
        kerb = messages.text(f"kerb.{facts.kerb}", lang)
        return messages.text("hazard.prefix", lang, hazard=kerb)
    return messages.text("maneuver.barrier", lang)


def _depart_words(facts: ManeuverFacts, lang: str, facing_deg: float | None) -> str:
    """Which way to start: relative to the walker's facing when known, else the compass."""
    if facing_deg is not None:
        size = abs(facing_deg)
        if size < AHEAD_BELOW_DEG:
            return messages.text("depart.ahead", lang)
        if size >= BEHIND_FROM_DEG:
            return messages.text("depart.behind", lang)
        return messages.text("depart.right" if facing_deg > 0 else "depart.left", lang)
    if facts.compass:
        compass = messages.text(f"compass.{facts.compass}", lang)
        return messages.text("depart.compass", lang, compass=compass)
    return messages.text("maneuver.depart", lang)


def _core(facts: ManeuverFacts, lang: str, clock_face: bool,
          facing_deg: float | None = None) -> list[str]:
    """The action itself: the part every verbosity says."""
    kind = facts.type
    if kind == "depart":
        parts = [_depart_words(facts, lang, facing_deg)]
        if clock_face and facing_deg is not None:
            parts.append(messages.text("frame.clock", lang, clock=clock_from_angle(facing_deg)))
        return parts
    if kind == "turn":
        turn = facts.turn or (None if facts.angle_deg is None else turn_from_angle(facts.angle_deg))
        parts = [messages.text(f"turn.{turn}" if turn else "maneuver.turn", lang)]
    elif kind == "cross":
        key = f"crossing.{facts.crossing}" if facts.crossing else "maneuver.cross"
        action = messages.text(key, lang)
        if facts.island:  # the second half of a split crossing, said on the island
            action = messages.text("crossing.island", lang, action=action)
        parts = [action]
    elif kind == "steps":
        key = f"steps.{facts.steps_direction}" if facts.steps_direction else "steps.unknown"
        parts = [messages.text(key, lang)]
        if facts.step_count:
            parts.append(messages.plural("steps.count", facts.step_count, lang))
    elif kind == "barrier":
        parts = [_barrier_words(facts, lang)]
    elif kind == "hazard":
        parts = [_hazard_words(facts, lang)]
    elif kind == "arrive" and facts.landmark:  # the destination the walker chose, by name
        parts = [messages.text("arrive.named", lang, name=facts.landmark)]
        if facts.side:
            parts.append(messages.text(f"side.{facts.side}", lang))
    elif kind == "arrive":
        parts = [messages.text(f"arrive.{facts.side}" if facts.side else "maneuver.arrive", lang)]
    else:  # continue, open_square, tactile_paving
        parts = [messages.text(f"maneuver.{kind}", lang)]
    clock = _clock(facts)
    if clock_face and clock is not None and kind in ("continue", "turn"):
        parts.append(messages.text("frame.clock", lang, clock=clock))
    return parts


def _normal_extras(facts: ManeuverFacts, lang: str) -> tuple[str, list[str]]:
    """Street, landmark, and what the cane will meet.

    Returns the words joined to the action without a comma (the street, and in English the
    landmark: "Turn left onto Fackelstraße at Stiftskirche") and the parts after a comma.
    """
    joined: list[str] = []
    parts: list[str] = []
    frame = _STREET_FRAMES.get(facts.type)
    if frame and facts.street:
        joined.append(frame(facts.street, lang))
    if facts.landmark and facts.type != "arrive" and facts.landmark != facts.street:
        said = landmark_at(facts.landmark, lang, facts.landmark_category)
        (joined if lang == "en" else parts).append(said)
    if facts.type == "steps" and facts.handrail:
        parts.append(messages.text(f"handrail.{facts.handrail}", lang))
    if facts.type == "cross":
        if facts.kerb == "raised":
            parts.append(messages.text("kerb.raised", lang))
        if facts.tactile_paving:
            parts.append(messages.text("maneuver.tactile_paving", lang))
    return " ".join(joined), parts


def _with_extras(core: list[str], facts: ManeuverFacts, lang: str) -> list[str]:
    joined, parts = _normal_extras(facts, lang)
    if joined:
        core = [*core[:-1], f"{core[-1]} {joined}"]
    return core + parts


def _detailed_extras(facts: ManeuverFacts, lang: str) -> list[str]:
    parts: list[str] = []
    if facts.tactile_paving and facts.type not in ("cross", "tactile_paving"):
        parts.append(messages.text("maneuver.tactile_paving", lang))
    if facts.type == "cross" and facts.kerb in ("lowered", "flush"):
        parts.append(messages.text(f"kerb.{facts.kerb}", lang))
    if facts.type == "open_square":
        parts.append(messages.text("open_square.no_edge", lang))
    if facts.surface in _SETT:
        parts.append(messages.text("surface.sett", lang))
    elif facts.surface in _UNPAVED:
        parts.append(messages.text("surface.unpaved", lang))
    return parts


def _then(facts: ManeuverFacts, lang: str) -> list[str]:
    if facts.type == "arrive" or not facts.distance_m:
        return []
    return [messages.text("frame.then", lang, distance=distance_phrase(facts.distance_m, lang))]


def _sentence(parts: list[str]) -> str:
    text = ", ".join(p for p in parts if p)
    return text[:1].upper() + text[1:] + "."


def _confirm(facts: ManeuverFacts, lang: str, verbosity: str) -> str:
    if facts.type in ("arrive", "tactile_paving"):
        return _at(facts, lang, False, verbosity)
    if facts.street and facts.type in _STREET_FRAMES:
        parts = [now_on(facts.street, lang)]
    else:
        parts = [messages.text(_CONFIRM_WITHOUT_STREET.get(facts.type, "confirm.on_track"), lang)]
    if verbosity == "detailed":
        parts += _then(facts, lang)
    return _sentence(parts)


def _at(facts: ManeuverFacts, lang: str, clock_face: bool, verbosity: str,
        facing_deg: float | None = None) -> str:
    parts = _core(facts, lang, clock_face, facing_deg)
    if verbosity != "brief":
        parts = _with_extras(parts, facts, lang)
    if verbosity == "detailed":
        parts += _detailed_extras(facts, lang) + _then(facts, lang)
    return _sentence(parts)


def _prep(
    facts: ManeuverFacts, lang: str, clock_face: bool, verbosity: str, distance_to_m: float | None
) -> str:
    if facts.type == "arrive":  # "In 20 Metern erreichen Sie Ihr Ziel, auf der linken Seite"
        side = [messages.text(f"side.{facts.side}", lang)] if facts.side else []
        # the name comes again at the arrival itself: "kurz" leaves it out here
        ahead = messages.text("arrive.ahead.named", lang, name=facts.landmark) \
            if facts.landmark and verbosity != "brief" else messages.text("arrive.ahead", lang)
        parts = [ahead, *side]
    else:
        parts = _core(facts, lang, clock_face)
    if verbosity != "brief":
        parts = _with_extras(parts, facts, lang)
    if verbosity == "detailed":
        parts += _detailed_extras(facts, lang)
    action = ", ".join(parts)
    if distance_to_m is None:
        return _sentence([messages.text("frame.soon", lang, action=action)])
    distance = distance_phrase(distance_to_m, lang, dative=True)
    key = "frame.prep.hazard" if facts.type in _HAZARD_TYPES else "frame.prep"
    return _sentence([messages.text(key, lang, action=action, distance=distance)])


def maneuver_text(
    facts: ManeuverFacts,
    lang: str = "de",
    form: str = "at",
    clock_face: bool = False,
    verbosity: str = "normal",
    distance_to_m: float | None = None,
    facing_deg: float | None = None,
) -> str:
    """One message for one maneuver.

    `form`: "prep" (ahead of the point; says `distance_to_m` when given, else "gleich …"),
    "at" (at the decision point) or "confirm" (after it). `clock_face` adds "auf 2 Uhr" to
    left/right rather than replacing it: the clock face alone confuses many users.
    `facing_deg`: for a departure, the first leg's direction relative to the way the walker
    faces (signed, + = right): "wenden Sie sich nach rechts", "umdrehen"; without it a
    departure names the compass point of the first leg.
    Raises ValueError for an unknown language, form or verbosity.
    """
    messages.check_lang(lang)
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}; choose one of {', '.join(FORMS)}")
    if verbosity not in VERBOSITIES:
        raise ValueError(f"unknown verbosity {verbosity!r}; choose one of {', '.join(VERBOSITIES)}")
    if form == "prep":
        return _prep(facts, lang, clock_face, verbosity, distance_to_m)
    if form == "confirm":
        return _confirm(facts, lang, verbosity)
    if clock_face or verbosity == "detailed" or facing_deg is not None:
        return _at(facts, lang, clock_face, verbosity, facing_deg)
    return _memo_at(facts, lang, verbosity)


def _memo_at(facts: ManeuverFacts, lang: str, verbosity: str) -> str:
    """``_at`` without a clock face below "detailed", memoised on the fields it reads."""
    hazard = tuple(facts.hazard_text.items()) if facts.hazard_text else None
    angle = facts.angle_deg if facts.turn is None else None
    key = (lang, verbosity, _AT_FIELDS(facts), hazard, angle)
    text = _at_memo.get(key)
    if text is None:
        text = _at(facts, lang, False, verbosity)
        if len(_at_memo) >= AT_MEMO_SIZE:  # bounded: start afresh rather than grow
            _at_memo.clear()
        _at_memo[key] = text
    return text
