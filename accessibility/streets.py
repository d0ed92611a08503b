"""Street and landmark names inside sentences, with the article and case German needs.

`accessibility.grammar` says what a name is (gender of its head noun, its own preposition, or
unknown); this module picks the catalogue frame for it: "in der Marktstraße", "auf dem Grünen
Graben", "beim Finanzamt", "bei der Drogerie Rossmann" (gender from the category), "am Ort …"
(nothing known: correct whatever the gender). English needs no article for a name, but a name
that brings a German preposition ("Am Altenhof") gets "the street …" so no English preposition
stands right before a German one.
"""

from __future__ import annotations

from accessibility import messages
from accessibility.grammar import CATEGORY_GENDER, NOUN_GENDER, head_part, noun_phrase

#: head nouns one is "in" rather than "on" ("in der Marktstraße", "im Park"); others: "auf"
_INSIDE_NOUNS = ("straße", "strasse", "gasse", "allee", "anlage", "passage", "zeile", "park",
                 "garten", "tal", "viertel")  # fmt: skip
assert all(noun in NOUN_GENDER for noun in _INSIDE_NOUNS)


def street_class(name: str) -> str:
    """The frame a street name takes: in_f, in_m, in_n, on_f, on_m, on_n, p (own), x (unknown)."""
    np = noun_phrase(name)
    if np.kind == "own":
        return "p"
    if np.kind != "noun" or np.gender is None:
        return "x"
    head = head_part(name)[0][-1].lower().rsplit("-", 1)[-1]
    return f"{'in' if head.endswith(_INSIDE_NOUNS) else 'on'}_{np.gender}"


def _street(key: str, name: str, lang: str) -> str:
    cls = street_class(name)
    np = noun_phrase(name)
    form = np.accusative if key == "street.dir" else np.dative
    return messages.text(f"{key}.{cls}", lang, street=(form if lang == "de" else "") or name)


def street_at(name: str, lang: str) -> str:
    """Where one is: "in der Marktstraße", "auf dem Grünen Graben" / "on Marktstraße"."""
    return _street("street.loc", name, lang)


def street_into(name: str, lang: str) -> str:
    """Where one turns: "in die Marktstraße", "auf den Stiftsplatz" / "onto Marktstraße"."""
    return _street("street.dir", name, lang)


def now_on(name: str, lang: str) -> str:
    """Confirmation sentence body: "Sie sind jetzt in der Marktstraße"."""
    return messages.text("confirm.street", lang, where=street_at(name, lang))


def landmark_class(name: str, category: str | None = None) -> str:
    """f, m, n (gender of the name's head noun), cf, cm, cn (gender of the category noun, which
    goes before the name), x (nothing known)."""
    np = noun_phrase(name)
    if np.kind == "noun" and np.gender:
        return np.gender
    if category in CATEGORY_GENDER and messages.has(f"category.{category}", "de"):
        return f"c{CATEGORY_GENDER[category]}"
    return "x"


def landmark_at(name: str, lang: str, category: str | None = None) -> str:
    """Where a landmark is: "bei der Stiftskirche", "beim Finanzamt", "bei der Drogerie
    Rossmann", "am Ort Kaiserpfalz" / "at Stiftskirche", "at the chemist Rossmann"."""
    cls = landmark_class(name, category)
    if cls in ("f", "m", "n"):
        said = noun_phrase(name).dative if lang == "de" else name
        return messages.text(f"frame.landmark.{cls}", lang, landmark=said)
    if cls != "x" and (lang == "de" or noun_phrase(name).kind == "own"):
        # English needs the category only before a German preposition ("the pub Zur Post")
        noun = messages.text(f"category.{category}", lang)
        return messages.text(f"frame.landmark.{cls}", lang, landmark=name, category=noun)
    return messages.text("frame.landmark.x", lang, landmark=name)
