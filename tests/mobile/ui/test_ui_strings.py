"""Every UI text exists in German and English, and every key the screens use is defined."""

from __future__ import annotations

import re
from pathlib import Path

from mobile.ui.strings import LANGS, TEXTS, t

UI_DIR = Path(__file__).resolve().parents[3] / "mobile" / "ui"
#: t("key") / ctx.t("key") / self.button("key") / self.keyed(widget, "key") in the screens
PREFIXES = "start|search|favourites|preview|guidance|around|settings|simulate|common|mode|value"
KEY_USE = re.compile(rf"""["']((?:{PREFIXES})\.[a-z_]+)["']""")


def test_every_text_has_both_languages():
    for key, entry in TEXTS.items():
        for lang in LANGS:
            assert entry.get(lang, "").strip(), f"{key} has no {lang} text"


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
    from mobile.ui.screens.guidance import QUALITY_WORDS
    from mobile.ui.screens.settings import CHOICES

    keys = {f"value.{v}" for c in CHOICES for v in c.values if isinstance(v, str)}
    keys |= {key for _, key in QUALITY_WORDS}
    keys |= {f"mode.{m}" for m in ("online", "offline", "simulated")}
    keys |= {f"source.{s}" for s in ("beacon", "gps")}
    assert not sorted(keys - set(TEXTS))
