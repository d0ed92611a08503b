"""How a maneuver is worded for this walker: language, verbosity, and the time limit.

The richest wording that is said within `talk.INSTRUCTION_LIMIT_S` wins; a "Danach: …" that
does not fit is dropped (its maneuver then gets its own instruction), and so is detail before
the action itself is ever cut.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from accessibility.phrasing import maneuver_text
from mobile.guidance.active_route import Maneuver
from mobile.guidance.talk import longest_fitting
from mobile.guidance.texts import say


@dataclass(frozen=True, slots=True)
class SpeechPreferences:
    """How the user wants to be spoken to (from AppSettings)."""

    lang: str = "de"
    verbosity: str = "normal"
    clock_face: bool = False


def phrase(m: Maneuver, v: SpeechPreferences, form: str, distance_to_m: float | None = None,
           facing_deg: float | None = None) -> str:
    return maneuver_text(m.facts, lang=v.lang, form=form, clock_face=v.clock_face,
                         verbosity=v.verbosity, distance_to_m=distance_to_m,
                         facing_deg=facing_deg)


def wordings(v: SpeechPreferences) -> list[SpeechPreferences]:
    """The user's verbosity first, then shorter ones (a message must fit in the time limit)."""
    return [v] if v.verbosity == "brief" else [v, replace(v, verbosity="brief")]


def instruction_text(first: Maneuver, chained: list[Maneuver], v: SpeechPreferences,
                     facing_deg: float | None = None, wrap: str | None = None,
                     ) -> tuple[str, list[Maneuver]]:
    """The richest wording of `first` (with "Danach: …" for `chained`) that is said within
    the instruction limit, and the maneuvers actually chained: a chain that does not fit is
    dropped, and its maneuver gets its own instruction. `wrap`: an `app.*` frame around it
    ("Neue Route: {first}")."""
    candidates: list[tuple[str, list[Maneuver]]] = []
    for chain in ([chained, []] if chained else [[]]):
        for w in wordings(v):
            text = " ".join([phrase(first, w, "at", facing_deg=facing_deg), *(
                say("then", v.lang, text=_after_colon(phrase(c, w, "at"), v.lang))
                for c in chain)])
            if wrap:
                text = say(wrap, v.lang, first=_after_colon(text, v.lang))
            candidates.append((text, chain))
    best = longest_fitting([c[0] for c in candidates], v.lang)
    return next(c for c in candidates if c[0] == best)


def chainable(m: Maneuver) -> bool:
    """What may follow "Danach:". Not the second half of a split crossing (said on the island)
    and not "straight on" (shortened to fit, it says nothing; alone it names its street)."""
    return m.is_decision and m.facts.type != "continue" and \
        not (m.facts.type == "cross" and m.facts.island)


def _after_colon(text: str, lang: str) -> str:
    """English goes on in lower case after a colon ("Then: turn right"); German keeps the
    capital of a sentence after a colon."""
    return text[:1].lower() + text[1:] if lang == "en" else text
