"""German articles and cases from the lexicon, English without German prepositions, and the
speakable form the voice reads (the screen keeps the written one)."""

from __future__ import annotations

import pytest

from accessibility.facts import ManeuverFacts
from accessibility.grammar import gender_of_word, noun_phrase
from accessibility.phrasing import maneuver_text
from accessibility.speakable import speakable
from accessibility.streets import landmark_at, now_on, street_at, street_into


@pytest.mark.parametrize(
    ("name", "category", "de"),
    [
        # the defects a tester heard, and what a German speaker says
        ("Apotheke am Schillerplatz", "pharmacy", "bei der Apotheke am Schillerplatz"),
        ("Kaiserpfalz", "ruins", "bei der Kaiserpfalz"),
        ("Finanzamt", None, "beim Finanzamt"),
        ("Grüne Apotheke", "pharmacy", "bei der Grünen Apotheke"),
        ("Altes Rathaus", "townhall", "beim Alten Rathaus"),
        ("Tinten-Toner-Tankstation", "stationery", "bei der Tinten-Toner-Tankstation"),
        ("Café Bremer", "cafe", "beim Café Bremer"),
        # no head noun known: the category noun carries the article
        ("Rossmann", "chemist", "bei der Drogerie Rossmann"),
        ("Galeria", "department_store", "beim Kaufhaus Galeria"),
        ("Dr. Hof", "doctors", "bei der Arztpraxis Dr. Hof"),
        ("Zur Post", "pub", "bei der Kneipe Zur Post"),
        # nothing known: a frame that is right for any gender
        ("Mainzer Tor Süd", None, "am Ort Mainzer Tor Süd"),
    ],
)
def test_landmark_article_and_case_come_from_the_lexicon(name, category, de):
    assert landmark_at(name, "de", category) == de


@pytest.mark.parametrize(
    ("name", "at", "into"),
    [
        ("Marktstraße", "in der Marktstraße", "in die Marktstraße"),
        ("Stiftsplatz", "auf dem Stiftsplatz", "auf den Stiftsplatz"),
        ("Grüner Graben", "auf dem Grünen Graben", "auf den Grünen Graben"),
        ("Fackelrondell", "auf dem Fackelrondell", "auf das Fackelrondell"),
        ("Volkspark", "im Volkspark", "in den Volkspark"),
        ("Am Altenhof", "Am Altenhof", "Richtung Am Altenhof"),
        ("Guimarães-Platz", "auf dem Guimarães-Platz", "auf den Guimarães-Platz"),
    ],
)
def test_street_frames_by_gender_and_preposition(name, at, into):
    assert street_at(name, "de") == at
    assert street_into(name, "de") == into


def test_english_never_puts_an_english_preposition_before_a_german_one():
    assert street_at("Am Altenhof", "en") == "on the street Am Altenhof"
    assert street_into("Am Altenhof", "en") == "into the street Am Altenhof"
    assert now_on("Am Altenhof", "en") == "You are now on the street Am Altenhof"
    assert landmark_at("Zur Post", "en", "pub") == "at the pub Zur Post"
    # English keeps the written name: no German inflection
    assert street_at("Grüner Graben", "en") == "on Grüner Graben"


def test_short_nouns_only_count_as_whole_words_or_real_compounds():
    assert gender_of_word("Finanzamt") == "n"
    assert gender_of_word("Altenhof") == "m"
    assert gender_of_word("Tor") == "n"
    assert gender_of_word("Motor") is None  # "tor" inside a word is no gate
    assert noun_phrase("Dr. Hof").kind == "unknown"  # a person, not a yard


def test_english_sentences_have_no_comma_splices():
    facts = ManeuverFacts("turn", turn="left", street="Marktstraße", landmark="Hauptbahnhof")
    assert maneuver_text(facts, "en") == "Turn left onto Marktstraße at Hauptbahnhof."
    assert maneuver_text(facts, "de") == "Links abbiegen in die Marktstraße, beim Hauptbahnhof."


def test_departure_names_a_direction_compass_or_relative():
    facts = ManeuverFacts("depart", street="Stiftsplatz", compass="ne")
    assert maneuver_text(facts, "de") == "Gehen Sie nach Nordosten auf dem Stiftsplatz."
    assert maneuver_text(facts, "en") == "Head north-east on Stiftsplatz."
    assert maneuver_text(facts, "de", facing_deg=170).startswith("Umdrehen")
    assert maneuver_text(facts, "en", facing_deg=-80).startswith("Turn to your left")
    assert maneuver_text(facts, "de", facing_deg=10).startswith("Gehen Sie geradeaus los")


def test_steps_without_direction_say_so_and_islands_are_named():
    assert maneuver_text(ManeuverFacts("steps"), "de") == "Treppe, Richtung unbekannt."
    island = ManeuverFacts("cross", crossing="signals", island=True)
    assert maneuver_text(island, "de") == "Mittelinsel, an der Ampel die Straße überqueren."


def test_arrival_names_the_chosen_destination_and_its_side():
    facts = ManeuverFacts("arrive", side="left", landmark="Eisenbahnstraße")
    assert maneuver_text(facts, "de") == "Ziel erreicht: Eisenbahnstraße, auf der linken Seite."
    assert maneuver_text(facts, "en") == "You have arrived at Eisenbahnstraße, on your left."
    assert maneuver_text(facts, "de", "prep", distance_to_m=20) == (
        "In 20 Metern erreichen Sie Ihr Ziel, Eisenbahnstraße, auf der linken Seite.")


@pytest.mark.parametrize(
    ("written", "lang", "spoken"),
    [
        ("Praxis Dr. Hof", "de", "Praxis Doktor Hof"),
        ("Auf dem St.-Martins-Platz.", "de", "Auf dem Sankt-Martins-Platz."),
        ("Pirmasenser Str. 3", "de", "Pirmasenser Straße 3"),
        ("Marktstr.", "de", "Marktstraße"),
        ("Am Schillerpl.", "de", "Am Schillerplatz"),
        ("Mikwe (jüdisches Kultbad), links.", "de", "Mikwe, jüdisches Kultbad, links."),
        ("geöffnet bis 1 Uhr.", "de", "geöffnet bis ein Uhr."),
        ("öffnet um 9:30 Uhr.", "de", "öffnet um 9 Uhr 30."),
        ("öffnet um 13:00 Uhr.", "de", "öffnet um 13 Uhr."),
        ("H&M", "de", "H und M"),
        ("St. Martin, open until 9:30 am", "en", "Saint Martin, open until 9:30 am"),
        ("Dr. Hof (dentist)", "en", "Doctor Hof, dentist"),
    ],
)
def test_speakable_text_for_the_voice(written, lang, spoken):
    assert speakable(written, lang) == spoken


def test_the_queue_speaks_the_speakable_form_and_keeps_the_written_one():
    from accessibility.speech import Message, Priority, SpeechQueue
    from accessibility.voices import RecorderVoice

    now = [0.0]
    voice = RecorderVoice(clock=lambda: now[0])
    queue = SpeechQueue(voice, clock=lambda: now[0])
    queue.submit(Message("Rechts: Praxis Dr. Hof (2. Stock).", Priority.INFO))
    queue.tick()
    assert voice.texts == ["Rechts: Praxis Doktor Hof, 2. Stock."]
    assert queue.history[-1][1].text == "Rechts: Praxis Dr. Hof (2. Stock)."


def test_category_genders_agree_with_the_nouns_the_catalogue_says():
    from accessibility import messages
    from accessibility.grammar import CATEGORY_GENDER

    checked = 0
    for category, gender in CATEGORY_GENDER.items():
        if not messages.has(f"category.{category}", "de"):
            continue
        noun = messages.text(f"category.{category}", "de").split()[-1]
        if gender_of_word(noun) is not None:
            assert gender_of_word(noun) == gender, (category, noun)
            checked += 1
    assert checked >= 40
