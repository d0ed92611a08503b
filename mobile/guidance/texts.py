"""The guidance loop's own sentences (German default, English on request).

Maneuvers, distances and places are phrased by `accessibility`; the few messages only the phone
engine says (mode, position and route state) live beside them in the gettext catalogue
(`accessibility/messages/*.po`, keys `app.*`), so a translation is one edit in one place.
"""

from __future__ import annotations

from accessibility import messages


def say(key: str, lang: str = "de", **values: object) -> str:
    """The sentence `app.<key>` in `lang` (German when the language is not known)."""
    lang = lang if lang in messages.LANGS else messages.DEFAULT_LANG
    return messages.text(f"app.{key}", lang, **values)
