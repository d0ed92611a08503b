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


class PoCatalogue:
    """The `.po` files of one package folder, compiled into gettext `Translations` in memory.

    The walker's speech catalogue is one instance; other readers with words of their own (the
    tester report) make their own instance over their own folder, so every catalogue is read
    and compiled the same way.
    """

    def __init__(self, package: str, folder: str = "") -> None:
        self._root = resources.files(package)
        if folder:
            self._root = self._root.joinpath(folder)
        self._catalogs: dict[str, object] = {}
        self._translations: dict[str, Translations] = {}

    def po_text(self, lang: str) -> str:
        """The raw `.po` source for `lang`."""
        return self._root.joinpath(f"{check_lang(lang)}.po").read_text("utf-8")

    def catalog(self, lang: str):
        """The Babel `Catalog` parsed from the `.po` file (tests inspect it for completeness)."""
        if lang not in self._catalogs:
            self._catalogs[lang] = read_po(io.StringIO(self.po_text(lang)), locale=lang)
        return self._catalogs[lang]

    def translations(self, lang: str) -> Translations:
        """A gettext `Translations` object for `lang`, compiled in memory from the `.po` file."""
        if lang not in self._translations:
            buf = io.BytesIO()
            write_mo(buf, self.catalog(lang))
            buf.seek(0)
            self._translations[lang] = Translations(fp=buf)
        return self._translations[lang]


_SPEECH = PoCatalogue(__package__)


def po_text(lang: str) -> str:
    """The raw `.po` source of the speech catalogue for `lang` (packaged beside this module)."""
    return _SPEECH.po_text(lang)


def catalog(lang: str):
    """The Babel `Catalog` of the speech catalogue for `lang`."""
    return _SPEECH.catalog(lang)


def translations(lang: str) -> Translations:
    """The speech catalogue's gettext `Translations` for `lang`."""
    return _SPEECH.translations(lang)


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
