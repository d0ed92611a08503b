"""Every word the screens show or say, in German (default) and English.

The words live in the gettext catalogue with everything else the walker hears
(`accessibility/messages/*.po`, keys `ui.*`), so a translation is one edit and a missing key fails
in the tests rather than on the street. Messages are short: a blind user hears each one in full
before acting.
"""

from __future__ import annotations

from accessibility import messages

LANGS = messages.LANGS


def t(key: str, lang: str = "de", **fields: object) -> str:
    """The text for `ui.<key>` in `lang` (German when the language is unknown), fields filled."""
    lang = lang if lang in LANGS else messages.DEFAULT_LANG
    return messages.text(f"ui.{key}", lang, **fields)
