"""What the walker hears on real inner-city routes, in German and English.

The corpus (`mobile.simulation.speech_corpus.ROUTES`, 34 routes between real places) is routed
in both languages and every maneuver text is checked for each defect class walkers reported:
article and case against the lexicon, "onto" the street one is already on, bare names tacked on,
departures without a direction. A few of the routes are walked in simulation through the whole
pipeline: at most one "Danach:", the arrival last and naming the chosen destination, the talk
share under the budget, and every instruction within 5 s measured on real espeak-ng WAVs.
(`bench/bench_speech.py` walks the whole corpus.)
"""

from __future__ import annotations

import re
import shutil

import pytest

from accessibility.grammar import noun_phrase
from accessibility.messages import text as msg
from accessibility.streets import landmark_at, street_into
from mobile.guidance.callouts import SpeechPreferences
from mobile.simulation.speech_corpus import ROUTES, WHEN, place_point, walk_route

LANGS = ("de", "en")
#: walked in simulation by the tests (short and long, with islands, steps, squares)
WALKED = (("Rathaus", "Fackelbrunnen"), ("Stiftsplatz", "Pfalzbibliothek"),
          ("Kerststraße", "Stiftsplatz"))
#: the talk budget at default verbosity (share of walking time)
TALK_BUDGET = 0.15
_DIRECTION_WORDS = {
    lang: tuple(msg(f"compass.{c}", lang) for c in ("n", "ne", "e", "se", "s", "sw", "w", "nw"))
    + tuple(msg(f"depart.{d}", lang) for d in ("ahead", "left", "right", "behind"))
    for lang in ("de", "en")
}


@pytest.fixture(scope="module")
def corpus(router) -> dict[str, list[dict]]:
    """Every corpus route's body, per language."""
    net = router.net
    out: dict[str, list[dict]] = {lang: [] for lang in LANGS}
    for origin, destination in ROUTES:
        a, b = place_point(net, origin), place_point(net, destination)
        for lang in LANGS:
            out[lang].append(router.route(a, b, lang=lang, when=WHEN).to_dict())
    return out


def test_the_corpus_has_thirty_routes_between_distinct_inner_city_places(corpus):
    assert len(ROUTES) >= 30 and len(set(ROUTES)) == len(ROUTES)
    assert all(o != d for o, d in ROUTES)
    assert all(body["distance_m"] > 50 for body in corpus["de"])


@pytest.mark.parametrize("lang", LANGS)
def test_landmarks_take_the_article_of_the_lexicon(corpus, lang):
    checked = 0
    for body in corpus[lang]:
        for m in body["maneuvers"]:
            if not m["landmark"] or m["type"] == "arrive" or m["landmark"] == m["street"]:
                continue
            said = landmark_at(m["landmark"], lang, m.get("landmark_category"))
            assert said in m["text"], (m["text"], said)
            if lang == "de":
                np = noun_phrase(m["landmark"])
                if np.kind == "noun":  # the gender of the name's own head noun
                    article = {"f": "bei der ", "m": "beim ", "n": "beim "}[np.gender]
                    assert said.startswith(article), said
                else:  # never a bare "bei X": the category's noun or "am Ort"
                    assert said.startswith(("bei der ", "beim ", "am Ort ")), said
            checked += 1
    assert checked >= 30


@pytest.mark.parametrize("lang", LANGS)
def test_no_turn_onto_the_street_already_on(corpus, lang):
    for body in corpus[lang]:
        current = body["maneuvers"][0]["street"]
        for m in body["maneuvers"][1:]:
            if m["type"] in ("turn", "continue", "open_square") and m["street"]:
                assert m["street"] != current, m
                current = m["street"]
            if m["type"] == "turn" and current and m["street"] is None:
                assert street_into(current, lang) not in m["text"], m["text"]


@pytest.mark.parametrize("lang", LANGS)
def test_no_bare_name_tacked_on(corpus, lang):
    names = {m[k] for body in corpus[lang] for m in body["maneuvers"]
             for k in ("street", "landmark") if m[k]}
    for body in corpus[lang]:
        for m in body["maneuvers"]:
            parts = [p.strip() for p in m["text"].rstrip(".").split(",")]
            assert not any(p in names for p in parts[1:]), m["text"]
            if lang == "en":  # no German preposition right after an English one
                assert not re.search(r"\b(on|onto|at|into) (Am|Zum|Zur|Im|An) ", m["text"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_departure_says_which_way(corpus, lang):
    for body in corpus[lang]:
        depart = body["maneuvers"][0]
        assert depart["type"] == "depart" and depart["compass"]
        assert any(w in depart["text"] for w in _DIRECTION_WORDS[lang]), depart["text"]


@pytest.mark.parametrize("lang", LANGS)
def test_no_decision_point_chains_more_than_one_other(corpus, lang):
    from mobile.guidance.active_route import ActiveRoute
    from mobile.guidance.callouts import GuidanceLoop
    from mobile.guidance.wording import instruction_text

    close = 0
    for body in corpus[lang]:
        loop = GuidanceLoop(ActiveRoute(body))
        for m in loop.route.decisions:
            chain = loop.decisions._chain(m)
            assert len(chain) <= 1
            text, used = instruction_text(m, chain, SpeechPreferences(lang=lang))
            assert text.count(":") <= 1 and len(used) <= len(chain)
            close += bool(chain)
            if m.facts.type == "cross" and m.facts.island:
                assert not any(c.index == m.index for d in loop.route.decisions
                               for c in loop.decisions._chain(d))
    assert close >= 10  # the corpus has many points close together


@pytest.fixture(scope="module", params=LANGS)
def walks(request, router, plan_records):
    return [walk_route(router, plan_records, o, d, lang=request.param) for o, d in WALKED]


def test_walks_chain_at_most_once_and_end_with_the_named_arrival(walks):
    then = {"de": "Danach:", "en": "Then:"}
    for w in walks:
        said = w.result.announcements
        assert all(a["text"].count(then[w.lang]) <= 1 for a in said)
        assert w.result.arrived and said[-1]["kind"] == "arrival", said[-3:]
        assert w.destination in said[-1]["text"]
        route = w.pipeline.route  # the last one, after any re-route
        prep = [a for a in said if a["maneuver"] == route.arrival.index
                and a["kind"] == "prep" and a["route"] == w.pipeline.route_id]
        assert prep and 10.0 <= route.length_m - prep[0]["est_progress_m"] <= 25.0
        first = said[0]
        assert first["kind"] == "depart"
        assert any(word in first["text"] for word in _DIRECTION_WORDS[w.lang])


def test_walks_keep_to_the_talk_budget_and_say_no_metre_counts(walks):
    talk = sum(w.talk_s for w in walks)
    walked = sum(w.result.duration_s for w in walks)
    assert talk / walked <= TALK_BUDGET, f"talk share {talk / walked:.1%}"
    for w in walks:
        assert not any(a["kind"] == "reassure" and re.search(r"\d", a["text"])
                       for a in w.result.announcements)


def test_brief_says_only_decisions_hazards_and_arrival(router, plan_records):
    w = walk_route(router, plan_records, *WALKED[0], verbosity="brief")
    kinds = {a["kind"] for a in w.result.announcements}
    assert kinds <= {"depart", "instruction", "hazard", "arrival", "prep", "off_route",
                     "reroute"}, kinds
    assert not any(a["kind"] == "prep" and a["maneuver"] != w.pipeline.route.arrival.index
                   and not w.pipeline.route.maneuvers[a["maneuver"]].is_hazard
                   for a in w.result.announcements)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_every_instruction_fits_in_five_seconds_of_real_speech(walks, corpus, tmp_path):
    from accessibility.speakable import speakable
    from accessibility.voices.wav import synthesize
    from mobile.guidance.active_route import ActiveRoute
    from mobile.guidance.callouts import GuidanceLoop

    lang = walks[0].lang
    texts = {a["text"] for w in walks for a in w.result.announcements
             if a["kind"] in ("depart", "instruction", "prep", "hazard", "arrival", "reroute")}
    # the first words of every corpus route, as said at the start and after a re-route
    # and its arrival, prepared and said, naming the destination the walker chose
    for body, (_, destination) in zip(corpus[lang], ROUTES, strict=True):
        loop = GuidanceLoop(ActiveRoute(body, destination))
        texts.add(loop.first_text(SpeechPreferences(lang=lang)))
        texts.add(loop.first_text(SpeechPreferences(lang=lang), wrap="reroute.done"))
        texts.add(loop.arrival.prep_text(SpeechPreferences(lang=lang), 20.0))
        texts.add(loop.arrival.arrival_text(SpeechPreferences(lang=lang)))
    longest = (0.0, "")
    for i, text in enumerate(sorted(texts)):
        wav = synthesize(speakable(text, lang), lang, tmp_path / f"{i}.wav")
        longest = max(longest, (wav.duration_s, text))
    assert longest[0] <= 5.0, longest
    assert len(texts) >= 40


def test_a_language_switch_rephrases_the_route_at_once(router, plan_records):
    switched: list[float] = []
    asked: list[float] = []

    def switch(pipeline, t: float) -> None:
        if t >= 20.0 and not asked:  # "where to now?" on request: the next step, with distance
            pipeline.reassure(t)
            asked.append(t)
        if t >= 40.0 and not switched:
            pipeline.voice = SpeechPreferences(lang="en")
            switched.append(t)

    w = walk_route(router, plan_records, *WALKED[0], on_tick=switch)
    answer = next(a for a in w.result.announcements if a["t_s"] >= asked[0])
    assert answer["t_s"] - asked[0] < 3.0 and answer["text"].startswith("In ")
    assert "Metern" in answer["text"]
    after = [a for a in w.result.announcements if a["t_s"] >= switched[0]]
    assert after and after[0]["t_s"] - switched[0] < 3.0  # the next step, in English, at once
    assert after[0]["text"].startswith("In ")
    assert not any(re.search(r"\b(Sie|abbiegen|Ziel|Danach|Metern)\b", a["text"])
                   for a in after), [a["text"] for a in after]
    assert all("abbiegen" not in m.text and "Ziel" not in m.text
               for m in w.pipeline.route.maneuvers)
    arrived = msg("arrive.named", "en", name=WALKED[0][1])
    assert after[-1]["text"].lower().startswith(arrived.lower())


def test_the_app_passes_the_chosen_name_and_never_bare_coordinates():
    from mobile.app.controller import _place_name
    from mobile.app.settings import Favourite

    assert _place_name("Eisenbahnstraße") == "Eisenbahnstraße"
    assert _place_name({"name": "Pfalzbibliothek", "lat": 49.4, "lon": 7.7}) == "Pfalzbibliothek"
    assert _place_name(Favourite(name="Zuhause", lat=49.4, lon=7.7)) == "Zuhause"
    assert _place_name("49.44, 7.77") is None and _place_name((49.44, 7.77)) is None
