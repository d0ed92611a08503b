"""German noun phrases for names, from a small lexicon instead of guesses.

A German sentence needs the article and case of a name ("bei der Apotheke am Schillerplatz",
"auf dem Grünen Graben", "beim Finanzamt"). The gender comes from the name's head noun, looked
up by its ending in `NOUN_GENDER` ("…kirche" f, "…amt" n, "…graben" m); when the head noun is not
in the lexicon, from the place's category (`CATEGORY_GENDER`: a pharmacy is "die Apotheke", so
"Rossmann", a chemist, becomes "die Drogerie Rossmann"). Names that bring their own preposition
or article ("Am Altenhof", "Zur Post") are used as they are. Known adjectives in a name are
inflected ("Grüner Graben" → "dem Grünen Graben"). What cannot be classified gets a frame that is
correct whatever the gender ("am Ort Kaiserslautern Süd"), never a guessed article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: head-noun endings → grammatical gender (f, m, n); the longest matching ending wins
NOUN_GENDER: dict[str, str] = {
    # streets and open spaces
    "straße": "f", "strasse": "f", "gasse": "f", "allee": "f", "passage": "f", "brücke": "f",
    "promenade": "f", "chaussee": "f", "zeile": "f", "anlage": "f", "insel": "f", "treppe": "f",
    "platz": "m", "markt": "m", "weg": "m", "ring": "m", "damm": "m", "pfad": "m", "steg": "m",
    "graben": "m", "wall": "m", "berg": "m", "hof": "m", "garten": "m", "park": "m",
    "rondell": "n", "ufer": "n", "viertel": "n", "tal": "n", "feld": "n", "eck": "n",
    # buildings and institutions
    "kirche": "f", "kapelle": "f", "synagoge": "f", "moschee": "f", "bibliothek": "f",
    "pfalz": "f", "burg": "f", "halle": "f", "schule": "f", "station": "f", "haltestelle": "f",
    "galerie": "f", "post": "f", "bank": "f", "sparkasse": "f", "klinik": "f", "praxis": "f",
    "apotheke": "f", "bäckerei": "f", "metzgerei": "f", "konditorei": "f", "drogerie": "f",
    "reinigung": "f", "buchhandlung": "f", "handlung": "f", "pizzeria": "f", "kneipe": "f",
    "bar": "f", "stube": "f", "mühle": "f", "villa": "f", "kaserne": "f", "optik": "f",
    "brauerei": "f", "boutique": "f", "filiale": "f", "agentur": "f", "versicherung": "f",
    "information": "f", "mikwe": "f", "ruine": "f", "eisdiele": "f", "pension": "f",
    "brunnen": "m", "turm": "m", "bahnhof": "m", "kiosk": "m", "laden": "m", "salon": "m",
    "keller": "m", "imbiss": "m", "friseur": "m", "optiker": "m", "juwelier": "m",
    "supermarkt": "m", "biergarten": "m", "dom": "m",
    "haus": "n", "amt": "n", "theater": "n", "museum": "n", "denkmal": "n", "tor": "n",
    "center": "n", "zentrum": "n", "hotel": "n", "café": "n", "cafe": "n", "restaurant": "n",
    "bistro": "n", "kino": "n", "studio": "n", "gericht": "n", "schloss": "n", "stift": "n",
    "geschäft": "n", "kaufhaus": "n", "bad": "n", "gymnasium": "n", "institut": "n",
    "büro": "n", "lokal": "n", "hallenbad": "n", "parkhaus": "n", "mahnmal": "n",
}  # fmt: skip
#: endings short enough to occur inside unrelated words: they count only as a whole word
WHOLE_WORD_ONLY = frozenset({"tor", "bar", "bad", "eck", "dom", "tal", "hof", "amt", "post"})
#: a compound ending in one of those has at least this many letters before it ("Finanzamt")
COMPOUND_MIN_PREFIX = 4

#: OSM category → gender of its German noun (the noun itself is `category.<name>` in the .po)
CATEGORY_GENDER: dict[str, str] = {
    "pharmacy": "f", "bakery": "f", "bank": "f", "cafe": "n", "restaurant": "n",
    "fast_food": "m", "pub": "f", "bar": "f", "clothes": "n", "shoes": "n", "boutique": "f",
    "hairdresser": "m", "jewelry": "m", "optician": "m", "chemist": "f", "supermarket": "m",
    "department_store": "n", "mall": "n", "books": "f", "butcher": "f", "florist": "n",
    "kiosk": "m", "convenience": "m", "gift": "m", "computer": "n", "mobile_phone": "n",
    "sports": "n", "furniture": "n", "travel_agency": "n", "stationery": "n", "toys": "n",
    "hotel": "n", "library": "f", "theatre": "n", "cinema": "n", "museum": "n",
    "place_of_worship": "f", "townhall": "n", "fountain": "m", "post_office": "f",
    "dentist": "f", "doctors": "f", "school": "f", "hospital": "n", "police": "f",
    "toilets": "f", "parking": "m", "marketplace": "m", "park": "m", "ice_cream": "f",
    "confectionery": "n", "deli": "n", "music": "n", "variety_store": "n", "optics": "f",
    "information": "f", "laundry": "m", "dry_cleaning": "f",
    "nightclub": "f", "arts_centre": "n", "courthouse": "n", "community_centre": "n",
    "electronics": "n", "beauty": "n", "tattoo": "n", "atm": "m", "university": "f",
    "kindergarten": "m", "tea": "m", "organic": "m", "yes": "n",
}  # fmt: skip

#: adjectives that appear in names and are inflected ("Grüner Graben", "Alte Post")
ADJECTIVE_STEMS = frozenset({
    "grün", "alt", "neu", "groß", "klein", "ober", "unter", "hoh", "lang", "rot", "weiß",
    "schwarz", "gold", "golden", "blau", "gelb", "schön", "heilig", "breit", "kurz", "hell",
    "mittler", "vorder", "hinter", "nördlich", "südlich", "östlich", "westlich",
})  # fmt: skip
_ADJ_ENDINGS = ("er", "es", "en", "e")
#: a name starting with one of these brings its own preposition or article: said as it is
OWN_FRAME_WORDS = frozenset({
    "am", "an", "auf", "im", "in", "zum", "zur", "bei", "beim", "hinter", "vor", "unter",
    "über", "neben", "der", "die", "das", "den", "dem",
})  # fmt: skip
#: a name starting with a title is a person's: its last word is no noun to inflect
PERSON_TITLES = frozenset({"dr.", "prof.", "dipl.", "dr", "prof"})
#: lower-case words that end the head-noun part of a name ("Apotheke am Schillerplatz")
_NAME_TAILS = frozenset({"am", "an", "im", "in", "zum", "zur", "des", "der", "vom", "von",
                         "bei", "beim", "auf", "und", "&"})

_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_DATIVE_ARTICLE = {"f": "der", "m": "dem", "n": "dem"}
_ACCUSATIVE_ARTICLE = {"f": "die", "m": "den", "n": "das"}


@dataclass(frozen=True, slots=True)
class NounPhrase:
    """A name made ready for a German frame.

    `kind`: "own" (brings its own preposition or article), "noun" (gender known: `gender`,
    `dative` and `accusative` are the name with inflected adjectives), "unknown".
    """

    name: str
    kind: str
    gender: str | None = None
    dative: str = ""
    accusative: str = ""


def gender_of_word(word: str) -> str | None:
    """Gender of a (compound) noun from its ending in the lexicon, or None."""
    low = word.lower().strip(".,")
    if "-" in low:  # "Tinten-Toner-Tankstation": the last part decides
        low = low.rsplit("-", 1)[1]
    best: tuple[int, str] | None = None
    for ending, gender in NOUN_GENDER.items():
        if not low.endswith(ending):
            continue
        if ending in WHOLE_WORD_ONLY and 0 < len(low) - len(ending) < COMPOUND_MIN_PREFIX:
            continue
        if best is None or len(ending) > best[0]:
            best = (len(ending), gender)
    return best[1] if best else None


def _adjective_stem(word: str) -> str | None:
    low = word.lower()
    for ending in _ADJ_ENDINGS:
        if low.endswith(ending) and low[: -len(ending)] in ADJECTIVE_STEMS:
            return word[: -len(ending)]
    return None


def _inflect(words: list[str], case: str, gender: str) -> list[str]:
    """Adjectives before the head noun, after a definite article: weak declension."""
    out = []
    for w in words[:-1]:
        stem = _adjective_stem(w)
        if stem is None:
            out.append(w)
        elif case == "acc" and gender in ("f", "n"):
            out.append(stem + "e")
        else:
            out.append(stem + "en")
    return [*out, words[-1]]


def head_part(name: str) -> tuple[list[str], str]:
    """The words up to the head noun, and the rest of the name ("am Schillerplatz")."""
    words = name.split()
    for i, w in enumerate(words[1:], start=1):
        if w in _NAME_TAILS:  # lower-case only: "Apotheke am Schillerplatz"
            return words[:i], " ".join(words[i:])
    return words, ""


@lru_cache(maxsize=4096)
def noun_phrase(name: str) -> NounPhrase:
    """Classify a name for a German frame (see module docstring). Remembered per name: a
    city has a few thousand street and place names, and each classification walks the whole
    ending lexicon; the answer is immutable."""
    name = " ".join(name.split())
    words = _PARENTHESIS.sub("", name).split()
    if not words:
        return NounPhrase(name, "unknown")
    if words[0].lower() in OWN_FRAME_WORDS and len(words) > 1:
        return NounPhrase(name, "own")
    if words[0].lower() in PERSON_TITLES:  # "Dr. Hof" is a person, not a yard
        return NounPhrase(name, "unknown")
    head, rest = head_part(" ".join(words))
    gender = gender_of_word(head[-1])
    if gender is None and len(words) > 1 and gender_of_word(words[0]) is not None \
            and words[0][:1].isupper():
        # a common noun before a proper name ("Café Bremer", "Hotel Zur Post"): the noun leads
        gender = gender_of_word(words[0])
        return NounPhrase(name, "noun", gender, name, name)
    if gender is None:
        return NounPhrase(name, "unknown")
    # a word before the head that is neither a known adjective nor capitalised-invariable
    # ("Mainzer Tor", "Müden Reinigung") stays as it is; only known adjectives are inflected
    tail = f" {rest}" if rest else ""
    dative = " ".join(_inflect(head, "dat", gender)) + tail
    accusative = " ".join(_inflect(head, "acc", gender)) + tail
    return NounPhrase(name, "noun", gender, dative, accusative)


def dative_article(gender: str) -> str:
    return _DATIVE_ARTICLE[gender]


def accusative_article(gender: str) -> str:
    return _ACCUSATIVE_ARTICLE[gender]
