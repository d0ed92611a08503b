"""Maneuver phrases: every type in both languages, the three forms, verbosity, NavCog rounding."""

from __future__ import annotations

import pytest

from accessibility import messages
from accessibility.facts import MANEUVER_TYPES, ManeuverFacts
from accessibility.phrasing import (
    FORMS,
    VERBOSITIES,
    format_distance,
    maneuver_text,
    turn_from_angle,
)

LANGS = ("de", "en")

#: one realistic maneuver per type, as the router fills them for the inner city
EXAMPLES = {
    "depart": ManeuverFacts("depart", street="Marktstraße", angle_deg=30, distance_m=40),
    "continue": ManeuverFacts("continue", street="Stiftsplatz", distance_m=120),
    "turn": ManeuverFacts(
        "turn",
        angle_deg=-85,
        street="Fackelstraße",
        landmark="Stiftskirche",
        distance_m=33,
        tactile_paving=True,
        surface="sett",
    ),
    "cross": ManeuverFacts(
        "cross",
        crossing="signals_sound",
        street="Pirmasenser Straße",
        tactile_paving=True,
        kerb="lowered",
        distance_m=12,
    ),
    "steps": ManeuverFacts("steps", step_count=12, handrail="right", steps_direction="up"),
    "barrier": ManeuverFacts("barrier", barrier="bollard"),
    "open_square": ManeuverFacts("open_square", street="Schillerplatz", distance_m=60),
    "tactile_paving": ManeuverFacts("tactile_paving", distance_m=25),
    "hazard": ManeuverFacts("hazard", hazard_text={"de": "Baustelle", "en": "road works"}),
    "arrive": ManeuverFacts("arrive", side="left", landmark="Stadtbibliothek"),
}


def test_examples_cover_every_maneuver_type():
    assert set(EXAMPLES) == set(MANEUVER_TYPES)


@pytest.mark.parametrize("kind", MANEUVER_TYPES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_type_has_a_translated_catalogue_entry(kind, lang):
    assert messages.has(f"maneuver.{kind}", lang), f"maneuver.{kind} missing in {lang}.po"
    assert messages.text(f"maneuver.{kind}", "de") != messages.text(f"maneuver.{kind}", "en")


def test_catalogues_have_the_same_keys_and_no_empty_entries():
    de, en = messages.catalog("de"), messages.catalog("en")
    de_keys = {m.id if isinstance(m.id, str) else m.id[0] for m in de if m.id}
    en_keys = {m.id if isinstance(m.id, str) else m.id[0] for m in en if m.id}
    assert de_keys == en_keys
    missing = [k for k in de_keys for lang in LANGS if not messages.has(k, lang)]
    assert not missing


@pytest.mark.parametrize("kind", MANEUVER_TYPES)
@pytest.mark.parametrize("form", FORMS)
def test_every_type_and_form_differs_between_languages(kind, form):
    de = maneuver_text(EXAMPLES[kind], "de", form, distance_to_m=20)
    en = maneuver_text(EXAMPLES[kind], "en", form, distance_to_m=20)
    assert de and en and de != en
    assert de.count(".") == 1 and de.endswith("."), "one sentence: one short idea"
    assert not any(part in de for part in ("maneuver.", "turn.", "frame.", "{", "}"))


def test_turn_phrases_de_and_en():
    facts = EXAMPLES["turn"]
    assert (
        maneuver_text(facts, "de") == "Links abbiegen in die Fackelstraße, bei der Stiftskirche."
    )
    assert maneuver_text(facts, "en") == "Turn left onto Fackelstraße at Stiftskirche."
    assert maneuver_text(facts, "de", "prep", distance_to_m=22).startswith("In 20 Metern links")
    assert maneuver_text(facts, "de", "prep").startswith("Gleich links abbiegen")
    assert maneuver_text(facts, "de", "confirm") == "Sie sind jetzt in der Fackelstraße."
    assert maneuver_text(facts, "en", "confirm") == "You are now on Fackelstraße."


def test_confirmation_uses_the_article_of_the_street_name():
    assert (
        maneuver_text(ManeuverFacts("turn", turn="right", street="Stiftsplatz"), form="confirm")
        == "Sie sind jetzt auf dem Stiftsplatz."
    )
    assert (
        maneuver_text(ManeuverFacts("turn", turn="right", street="Am Altenhof"), form="confirm")
        == "Sie sind jetzt Am Altenhof."
    )


@pytest.mark.parametrize(
    ("landmark", "de"),
    [
        ("Stiftskirche", "bei der Stiftskirche"),
        ("Rathaus", "beim Rathaus"),
        ("Finanzamt", "beim Finanzamt"),
        ("Galeria", "am Ort Galeria"),
    ],
)
def test_landmarks_get_the_right_article(landmark, de):
    facts = ManeuverFacts("turn", turn="right", landmark=landmark)
    assert maneuver_text(facts, "de") == f"Rechts abbiegen, {de}."
    assert maneuver_text(facts, "en") == f"Turn right at {landmark}."


@pytest.mark.parametrize(
    ("angle", "turn"),
    [
        (0, "straight"),
        (15, "straight"),
        (-30, "slight_left"),
        (45, "slight_right"),
        (90, "right"),
        (-100, "left"),
        (150, "sharp_right"),
        (-150, "sharp_left"),
        (175, "uturn"),
        (-180, "uturn"),
    ],
)
def test_turn_from_angle(angle, turn):
    assert turn_from_angle(angle) == turn


def test_clock_face_is_added_to_left_right_not_instead():
    facts = ManeuverFacts("turn", angle_deg=90, street="Marktstraße")
    assert maneuver_text(facts, "de", clock_face=True).startswith("Rechts abbiegen, auf 3 Uhr")
    assert "3 o'clock" in maneuver_text(facts, "en", clock_face=True)
    assert "Uhr" not in maneuver_text(facts, "de")
    assert "auf 11 Uhr" in maneuver_text(
        ManeuverFacts("turn", turn="slight_left", clock=11), clock_face=True
    )


@pytest.mark.parametrize(
    ("crossing", "de_word", "en_word"),
    [
        ("signals_sound", "Tonsignal", "sound signal"),
        ("signals_vibration", "Vibrationssignal", "vibrating"),
        ("signals", "Ampel", "traffic lights"),
        ("zebra", "Zebrastreifen", "zebra"),
        ("unmarked", "ungesicherte", "unmarked"),
        (None, "Straße überqueren", "cross the street"),
    ],
)
def test_crossings_by_type(crossing, de_word, en_word):
    facts = ManeuverFacts("cross", crossing=crossing)
    assert de_word.lower() in maneuver_text(facts, "de").lower()
    assert en_word in maneuver_text(facts, "en").lower()


def test_steps_say_count_direction_and_handrail():
    facts = EXAMPLES["steps"]
    assert maneuver_text(facts, "de") == "Treppe hinauf, 12 Stufen, Handlauf rechts."
    assert maneuver_text(facts, "en") == "Steps up, 12 steps, handrail on the right."
    one = ManeuverFacts("steps", step_count=1, steps_direction="down", handrail="both")
    assert maneuver_text(one, "de") == "Treppe hinunter, 1 Stufe, Handlauf auf beiden Seiten."
    assert maneuver_text(one, "en") == "Steps down, 1 step, handrails on both sides."


def test_hazard_first_then_distance_in_prep():
    assert (
        maneuver_text(EXAMPLES["hazard"], "de", "prep", distance_to_m=31)
        == "Achtung, Baustelle, in 30 Metern."
    )
    assert (
        maneuver_text(EXAMPLES["barrier"], "en", "prep", distance_to_m=8)
        == "Caution, bollard, in a few metres."
    )
    kerb = ManeuverFacts("barrier", barrier="kerb", kerb="raised")
    assert maneuver_text(kerb, "de") == "Achtung, erhöhter Bordstein."


def test_tactile_paving_open_square_and_arrival():
    assert maneuver_text(EXAMPLES["tactile_paving"], "de") == "Leitlinie vorhanden."
    assert maneuver_text(EXAMPLES["open_square"], "de", verbosity="brief") == "Offener Platz."
    assert (
        maneuver_text(ManeuverFacts("arrive", side="right"), "de")
        == "Ziel erreicht, auf der rechten Seite."
    )
    assert "on your left" in maneuver_text(EXAMPLES["arrive"], "en")
    ahead = ManeuverFacts("arrive", side="left")
    assert (
        maneuver_text(ahead, "de", "prep", distance_to_m=20)
        == "In 20 Metern erreichen Sie Ihr Ziel, auf der linken Seite."
    )
    assert (
        maneuver_text(ahead, "en", "prep", distance_to_m=20)
        == "In 20 metres, you reach your destination, on your left."
    )


@pytest.mark.parametrize("kind", MANEUVER_TYPES)
@pytest.mark.parametrize("lang", LANGS)
def test_verbosity_changes_length_not_meaning(kind, lang):
    brief, normal, detailed = (
        maneuver_text(EXAMPLES[kind], lang, verbosity=v) for v in VERBOSITIES
    )
    assert len(brief) <= len(normal) <= len(detailed)
    core = brief.rstrip(".")
    assert normal.startswith(core) and detailed.startswith(core)
    if kind in ("turn", "cross", "open_square"):
        assert len(brief) < len(normal) < len(detailed)


@pytest.mark.parametrize(
    ("metres", "de", "en"),
    [
        (0, "wenige Meter", "a few metres"),
        (9.9, "wenige Meter", "a few metres"),
        (10, "10 Meter", "10 metres"),
        (12.4, "10 Meter", "10 metres"),
        (12.5, "15 Meter", "15 metres"),
        (47, "45 Meter", "45 metres"),
        (50, "50 Meter", "50 metres"),
        (54, "50 Meter", "50 metres"),
        (56, "60 Meter", "60 metres"),
        (347, "350 Meter", "350 metres"),
        (1000, "1 Kilometer", "1 kilometre"),
        (1260, "1,3 Kilometer", "1.3 kilometres"),
    ],
)
def test_format_distance_navcog_rounding(metres, de, en):
    assert format_distance(metres, "de") == de
    assert format_distance(metres, "en") == en


def test_bad_input_is_a_clear_value_error():
    with pytest.raises(ValueError, match="language"):
        maneuver_text(EXAMPLES["turn"], "fr")
    with pytest.raises(ValueError, match="form"):
        maneuver_text(EXAMPLES["turn"], "de", form="later")
    with pytest.raises(ValueError, match="verbosity"):
        maneuver_text(EXAMPLES["turn"], "de", verbosity="chatty")
    with pytest.raises(ValueError, match="maneuver type"):
        ManeuverFacts("jump")
    with pytest.raises(ValueError, match="turn"):
        ManeuverFacts("turn", turn="leftish")
    with pytest.raises(ValueError, match="negative"):
        format_distance(-1, "de")


def test_facts_round_trip_through_json_dicts():
    facts = EXAMPLES["hazard"]
    data = facts.to_dict() | {"text": "…", "at_m": 12.0}
    assert ManeuverFacts.from_dict(data) == facts


@pytest.mark.parametrize("lang", LANGS)
def test_every_fact_value_has_words_in_both_catalogues(lang):
    from accessibility.facts import CROSSINGS, HANDRAILS, SIDES, STEPS_DIRECTIONS, TURNS

    keys = (
        [f"turn.{t}" for t in TURNS]
        + [f"crossing.{c}" for c in CROSSINGS]
        + [f"crossing.noun.{c}" for c in CROSSINGS]
        + [f"handrail.{h}" for h in HANDRAILS]
        + [f"steps.{d}" for d in STEPS_DIRECTIONS]
        + [f"arrive.{s}" for s in SIDES]
        + [f"kerb.{k}" for k in ("raised", "lowered", "flush")]
    )
    missing = [k for k in keys if not messages.has(k, lang)]
    assert not missing, f"{lang}.po lacks {missing}"


def test_a_key_in_no_catalogue_is_a_programming_error():
    assert messages.text("turn.left", "en") == "turn left"
    with pytest.raises(KeyError, match="no.such.key"):
        messages.text("no.such.key", "en")


def test_translations_use_the_same_placeholders():
    import string

    def fields(message) -> set[str]:
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        return {f for s in strings for _, f, _, _ in string.Formatter().parse(s) if f}

    en = messages.catalog("en")
    for message in messages.catalog("de"):
        if message.id:
            assert fields(message) == fields(en.get(message.id)), message.id
