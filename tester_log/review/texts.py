"""The report's words: a catalogue of its own (German default, English on request).

The report is read by staff and reviewers, not spoken to walkers, so its sentences live beside it
(``tester_log/review/messages/<lang>.po``) rather than in the walker's speech catalogue; they are
read the same way (Babel ``read_po``, compiled in memory, keys as msgids).
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGS: tuple[str, ...] = ("de", "en")
DEFAULT_LANG = "de"


@lru_cache(maxsize=len(LANGS))
def catalog(lang: str):
    """The Babel ``Catalog`` of the report's ``.po`` file for ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"unsupported report language {lang!r}; choose one of "
                         f"{', '.join(LANGS)}")
    source = resources.files(__package__).joinpath("messages", f"{lang}.po")
    return read_po(io.StringIO(source.read_text("utf-8")), locale=lang)


@lru_cache(maxsize=len(LANGS))
def _translations(lang: str) -> Translations:
    buf = io.BytesIO()
    write_mo(buf, catalog(lang))
    buf.seek(0)
    return Translations(fp=buf)


def tr(key: str, lang: str, **values: object) -> str:
    """The report text ``key`` in ``lang`` with ``{name}`` placeholders filled; a key in no
    catalogue is a programming error (KeyError), never shown raw to a reader."""
    template = _translations(lang).gettext(key)
    if template == key:
        raise KeyError(f"report text {key!r} is not in the {lang} catalogue")
    return template.format(**values)
