"""The report's words: a catalogue of its own (German default, English on request).

The report is read by staff and reviewers, not spoken to walkers, so its sentences live beside it
(``tester_log/review/messages/<lang>.po``) rather than in the walker's speech catalogue; they are
read by the same reader (``accessibility.messages.PoCatalogue``, keys as msgids).
"""

from __future__ import annotations

from accessibility.messages import DEFAULT_LANG, LANGS, PoCatalogue

__all__ = ["DEFAULT_LANG", "LANGS", "catalog", "tr"]

_REPORT = PoCatalogue(__package__, "messages")


def catalog(lang: str):
    """The Babel ``Catalog`` of the report's ``.po`` file for ``lang``."""
    return _REPORT.catalog(lang)


def tr(key: str, lang: str, **values: object) -> str:
    """The report text ``key`` in ``lang`` with ``{name}`` placeholders filled; a key in no
    catalogue is a programming error (KeyError), never shown raw to a reader."""
    template = _REPORT.translations(lang).gettext(key)
    if template == key:
        raise KeyError(f"report text {key!r} is not in the {lang} catalogue")
    return template.format(**values)
