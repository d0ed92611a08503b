"""Street and landmark names inside German sentences.

German needs the article of the street's name ("in der Marktstraße", "auf dem Stiftsplatz").
The article follows from the name's last word, so a short suffix table decides which of the
catalogue's frames to use; names that start with a preposition ("Am Altenhof") stand alone,
and names we cannot classify get a neutral frame ("bei …", "Richtung …"), never a wrong article.
English uses one frame for all, through the same catalogue keys.
"""

from __future__ import annotations

from accessibility import messages

_FEMININE_ENDINGS = (
    "straße", "strasse", "gasse", "allee", "passage", "brücke", "promenade", "chaussee", "zeile",
)  # fmt: skip
_MASCULINE_ENDINGS = (
    "platz", "markt", "weg", "ring", "damm", "pfad", "steg", "graben", "wall", "berg", "hof",
)  # fmt: skip
_PREPOSITIONS = (
    "am ",
    "an ",
    "auf ",
    "im ",
    "in ",
    "zum ",
    "zur ",
    "bei ",
    "hinter ",
    "vor ",
    "unter ",
)


def street_class(name: str) -> str:
    """f (feminine), m (masculine), p (starts with a preposition) or x (unknown)."""
    low = name.strip().lower()
    if low.startswith(_PREPOSITIONS):
        return "p"
    if low.endswith(_FEMININE_ENDINGS):
        return "f"
    if low.endswith(_MASCULINE_ENDINGS):
        return "m"
    return "x"


#: landmark endings: German dative "bei der Stiftskirche" (f) / "beim Rathaus" (m, n)
_FEMININE_LANDMARKS = (
    "kirche", "bibliothek", "apotheke", "bäckerei", "metzgerei", "post", "bank", "sparkasse",
    "halle", "schule", "haltestelle", "ampel", "galerie", "passage", "treppe", "brücke", "station",
)  # fmt: skip
_MASCULINE_LANDMARKS = (
    "platz", "brunnen", "markt", "turm", "haus", "theater", "museum", "denkmal", "tor", "center",
    "hotel", "café", "cafe", "kiosk", "laden", "eingang", "ausgang", "bahnhof", "park",
)  # fmt: skip


def landmark_class(name: str) -> str:
    """f, m (masculine or neuter: both "beim") or x (unknown: no article)."""
    low = name.strip().lower()
    if low.endswith(_FEMININE_LANDMARKS):
        return "f"
    if low.endswith(_MASCULINE_LANDMARKS):
        return "m"
    return "x"


def landmark_at(name: str, lang: str) -> str:
    """Where a landmark is: "bei der Stiftskirche", "beim Rathaus", "bei Galeria" / "at …"."""
    return messages.text(f"frame.landmark.{landmark_class(name)}", lang, landmark=name)


def street_at(name: str, lang: str) -> str:
    """Where one is: "in der Marktstraße" / "on Marktstraße"."""
    return messages.text(f"street.loc.{street_class(name)}", lang, street=name)


def street_into(name: str, lang: str) -> str:
    """Where one turns: "in die Marktstraße" / "onto Marktstraße"."""
    return messages.text(f"street.dir.{street_class(name)}", lang, street=name)


def now_on(name: str, lang: str) -> str:
    """Confirmation sentence body: "Sie sind jetzt in der Marktstraße"."""
    return messages.text(f"confirm.street.{street_class(name)}", lang, street=name)
