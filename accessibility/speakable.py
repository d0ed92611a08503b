"""Written text → what the voice should read, for the voice only (the screen keeps the text).

espeak-ng spells abbreviations it does not know ("Dr." → "De-Er", "St." → "Es-Te", "Str." →
"Es-Te-Er"), reads "1 Uhr" as "eins Uhr" and "9:30 Uhr" as "neun Uhr dreißig Uhr", and pauses
oddly at brackets and symbols. `speakable()` rewrites those before the text reaches a voice;
the words it puts in come from the catalogue (`speak.*`).
"""

from __future__ import annotations

import re

from accessibility import messages

#: abbreviation (regex, case-sensitive) → catalogue key of the spoken word
_ABBREVIATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bDr\.\s*"), "speak.doctor"),
    (re.compile(r"\bSt\.(?=\s*-?\s*[A-ZÄÖÜ])"), "speak.saint"),
    (re.compile(r"(?<=[a-zäöüß])str\.(?=\s|$|,)"), "speak.street.joined"),
    (re.compile(r"\bStr\.(?=\s|$|,)"), "speak.street"),
    (re.compile(r"(?<=[a-zäöüß])pl\.(?=\s|$|,)"), "speak.square.joined"),
    (re.compile(r"\bPl\.(?=\s|$|,)"), "speak.square"),
)
_PARENTHESES = re.compile(r"\s*[(\[]([^)\]]*)[)\]]")
_GERMAN_TIME = re.compile(r"\b(\d{1,2}):(\d{2}) Uhr\b")
_GERMAN_ONE_OCLOCK = re.compile(r"\b1 Uhr\b")
_SYMBOLS = {"&": "speak.and", "%": "speak.percent"}
_DROPPED = re.compile(r"[*#|<>\"„“”»«]")


def _german_time(match: re.Match[str]) -> str:
    hour, minute = int(match.group(1)), int(match.group(2))
    said_hour = messages.text("speak.one_oclock", "de") if hour == 1 else f"{hour} Uhr"
    return said_hour if minute == 0 else f"{said_hour} {minute}"


def speakable(text: str, lang: str) -> str:
    """`text` as the voice should read it in `lang` (see module docstring)."""
    lang = lang if lang in messages.LANGS else messages.DEFAULT_LANG
    out = text
    for pattern, key in _ABBREVIATIONS:
        word = messages.text(key.removesuffix(".joined"), lang)
        out = pattern.sub(word.lower() if key.endswith(".joined") else word + " ", out)
    out = _PARENTHESES.sub(lambda m: f", {m.group(1).strip()},", out)
    for symbol, key in _SYMBOLS.items():
        out = out.replace(symbol, f" {messages.text(key, lang)} ")
    out = re.sub(r"\s+/\s+", ", ", _DROPPED.sub("", out)).replace("/", " ")  # "A / B": a pause
    if lang == "de":
        out = _GERMAN_TIME.sub(_german_time, out)
        out = _GERMAN_ONE_OCLOCK.sub(messages.text("speak.one_oclock", "de"), out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r",\s*([,.;:!?])", r"\1", out)
    out = re.sub(r"\s+-(?=[A-ZÄÖÜ])", "-", out)  # "Sankt -Martins" → "Sankt-Martins"
    return re.sub(r"\s{2,}", " ", out).strip().rstrip(",")
