"""The message catalogue: German (default) and English `.po` files read at run time with Babel.

The `.po` files are the only place user-facing words live. They are read with Babel's `read_po`
and turned into a gettext `Translations` object in memory, so a fresh clone or an installed wheel
works without a compile step and there is no `.mo` that could drift from its source.
msgids are keys ("turn.left"), not English text, so a missing entry never passes for a
translation.
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

log = logging.getLogger(__name__)

LANGS: tuple[str, ...] = ("de", "en")
DEFAULT_LANG = "de"
#: Babel locale used for numbers, dates and times per language
BABEL_LOCALES: dict[str, str] = {"de": "de_DE", "en": "en_GB"}


def check_lang(lang: str) -> str:
    """Return `lang` if a catalogue exists for it; raise ValueError naming the choices if not."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang


def babel_locale(lang: str) -> str:
    return BABEL_LOCALES[check_lang(lang)]


def po_text(lang: str) -> str:
    """The raw `.po` source for `lang` (packaged beside this module)."""
    return resources.files(__package__).joinpath(f"{check_lang(lang)}.po").read_text("utf-8")


@lru_cache(maxsize=len(LANGS))
def catalog(lang: str):
    """The Babel `Catalog` parsed from the `.po` file (tests inspect it for completeness)."""
    return read_po(io.StringIO(po_text(lang)), locale=lang)


@lru_cache(maxsize=len(LANGS))
def translations(lang: str) -> Translations:
    """A gettext `Translations` object for `lang`, compiled in memory from the `.po` file."""
    buf = io.BytesIO()
    write_mo(buf, catalog(lang))
    buf.seek(0)
    return Translations(fp=buf)


def text(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` with `{name}` placeholders filled.

    A key missing from one catalogue is logged and the German text used, rather than saying the
    raw key to the walker; a key in no catalogue is a programming error (KeyError).
    """
    template = translations(lang).gettext(key)
    if template == key and lang != DEFAULT_LANG:
        log.error("message %r missing in %r catalogue, using %r", key, lang, DEFAULT_LANG)
        template = translations(DEFAULT_LANG).gettext(key)
    if template == key:
        raise KeyError(f"message {key!r} is in no catalogue")
    return template.format(**values)


def plural(key: str, count: int, lang: str, **values: object) -> str:
    """A message with a number in it, in the plural form the language's rules pick for `count`.

    `values` may override `n` (default: `count`) with its spoken form, e.g. "1,5" from Babel.
    """
    template = translations(lang).ngettext(key, f"{key}.plural", count)
    return template.format(**{"n": count, **values})


def has(key: str, lang: str) -> bool:
    """Whether `lang` has a real translation for `key` (not empty, not the key itself)."""
    message = catalog(lang).get(key)
    if message is None:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(s and s != key for s in strings)
