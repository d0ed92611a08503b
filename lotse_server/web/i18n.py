"""The web pages' words: every sentence comes from the gettext catalogues under ``web.*`` keys.

The pages pick their language from ``?lang=`` (German by default, as everywhere in Lotse); the
scripts get the few sentences they show as one JSON object embedded in the page, so no text is
written twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fastapi import Request

from accessibility import messages

Translate = Callable[..., str]


def pick_lang(request: Request, form_lang: str | None = None) -> str:
    """``lang`` from a posted form, else from the query, else German."""
    for candidate in (form_lang, request.query_params.get("lang")):
        if candidate in messages.LANGS:
            return candidate
    return messages.DEFAULT_LANG


def translator(lang: str) -> Translate:
    """``t("planner.title")`` → the text of ``web.planner.title`` in ``lang``."""

    def t(key: str, **values: object) -> str:
        return messages.text(f"web.{key}", lang, **values)

    return t


def script_texts(lang: str, keys: Iterable[str]) -> dict[str, str]:
    """The sentences a page's script needs, keyed without the ``web.js.`` prefix.

    Unfilled: the script puts its own values into the ``{name}`` placeholders.
    """
    out = {}
    for key in keys:
        msgid = f"web.js.{key}"
        template = messages.translations(lang).gettext(msgid)
        if template == msgid:
            template = messages.translations(messages.DEFAULT_LANG).gettext(msgid)
        out[key] = template
    return out


def js_keys() -> list[str]:
    """Every ``web.js.*`` key of the German catalogue (the scripts may use any of them)."""
    return sorted(m.id.removeprefix("web.js.") for m in messages.catalog("de")
                  if isinstance(m.id, str) and m.id.startswith("web.js."))
