"""Every phone text is in the gettext catalogue in German and English, and every key the screens
and the engine use is defined there."""

from __future__ import annotations

import re
from pathlib import Path

from accessibility import messages
from mobile.app.ui.strings import LANGS, t

ROOT = Path(__file__).resolve().parents[3]
#: say("key") in the engine
SAY_USE = re.compile(r"""\bsay\(\s*f?["']([a-z_.{}]+)["']""")


def catalogue_keys(prefix: str) -> set[str]:
    return {m.id[len(prefix):] for m in messages.catalog("de")
            if isinstance(m.id, str) and m.id.startswith(prefix)}


TEXTS = catalogue_keys("ui.")

UI_DIR = ROOT / "mobile" / "app" / "ui"
#: t("key") / ctx.t("key") / self.button("key") / self.keyed(widget, "key") in the screens
PREFIXES = ("start|search|favourites|favourite|preview|guidance|around|ahead|settings|simulate"
            "|common|mode|value|share")
KEY_USE = re.compile(rf"""["']((?:{PREFIXES})\.[a-z_]+)["']""")


def test_every_text_has_both_languages_with_the_same_placeholders():
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    keys = {f"ui.{k}" for k in TEXTS} | {f"app.{k}" for k in catalogue_keys("app.")}
    assert len(keys) > 100
    for key in keys:
        assert all(messages.has(key, lang) for lang in LANGS), key
        de, en = (messages.catalog(lang).get(key).string for lang in LANGS)
        assert fields(de) == fields(en), key


def test_every_sentence_the_engine_says_is_in_the_catalogue():
    used = set()
    for path in (ROOT / "mobile").rglob("*.py"):
        used |= set(SAY_USE.findall(path.read_text(encoding="utf-8")))
    app = catalogue_keys("app.")
    plain = {k for k in used if "{" not in k}
    assert len(plain) > 15 and not sorted(plain - app)
    assert {f"mode.{m}" for m in ("online", "offline", "simulated")} <= app
    texts = (ROOT / "mobile" / "guidance" / "texts.py").read_text()
    assert not texts.count("dict[")  # no own table


def test_every_key_the_screens_use_is_defined():
    used = set()
    for path in UI_DIR.rglob("*.py"):
        used |= set(KEY_USE.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 40
    assert not sorted(used - set(TEXTS))


def test_fields_are_filled_and_an_unknown_language_falls_back_to_german():
    assert t("search.found", "en", n=3) == "3 results:"
    assert t("start.where", "fr") == "Wo bin ich?"


def test_every_setting_value_and_status_word_has_a_text():
    from mobile.app.ui.screens.guidance import QUALITY_WORDS
    from mobile.app.ui.screens.settings import CHOICES

    keys = {f"value.{v}" for c in CHOICES for v in c.values if isinstance(v, str)}
    keys |= {key for _, key in QUALITY_WORDS}
    keys |= {f"mode.{m}" for m in ("online", "offline", "simulated")}
    keys |= {f"source.{s}" for s in ("beacon", "gps")}
    assert not sorted(keys - set(TEXTS))
