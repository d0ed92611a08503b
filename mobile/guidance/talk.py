"""How long a message takes to say, and picking the longest wording that fits in the limit.

A walker covers the 6 m lead of an instruction in about 5 s, so no instruction may take longer
to say. The phone cannot synthesise every candidate to measure it, so it estimates from the
length of the speakable text: espeak-ng at the default 175 words per minute says about 16
characters a second in German and English (measured on real WAVs of route instructions: 0.060
to 0.065 s per character; `tests/accessibility/test_speech_corpus.py` checks the result on real
WAVs). The estimate is taken a little long, so a message that fits here fits in reality.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from accessibility.speakable import speakable

#: s: the longest an instruction may take to say at the default rate
INSTRUCTION_LIMIT_S = 5.0
#: s per character of speakable text at the default rate (measured 0.060-0.065, taken long)
SECONDS_PER_CHAR = 0.068
#: s: the estimate must stay this far below the limit (pauses at full stops vary)
ESTIMATE_MARGIN_S = 0.3


def spoken_seconds(text: str, lang: str) -> float:
    """Estimated seconds espeak-ng needs for `text` at the default rate (no earcon)."""
    return len(speakable(text, lang)) * SECONDS_PER_CHAR


def fits(text: str, lang: str, limit_s: float = INSTRUCTION_LIMIT_S) -> bool:
    return spoken_seconds(text, lang) <= limit_s - ESTIMATE_MARGIN_S


def longest_fitting(candidates: Sequence[str], lang: str,
                    limit_s: float = INSTRUCTION_LIMIT_S) -> str:
    """The first candidate (richest wording first) that fits; else the shortest of them."""
    for text in candidates:
        if fits(text, lang, limit_s):
            return text
    return min(candidates, key=len)


def side_of(heading_deg: float, from_xy: tuple[float, float],
            to_xy: tuple[float, float]) -> str | None:
    """"left"/"right" of a point seen from `from_xy` walking along `heading_deg` (0 = north);
    None when it lies (nearly) straight ahead or behind."""
    dx, dy = to_xy[0] - from_xy[0], to_xy[1] - from_xy[1]
    if math.hypot(dx, dy) < 1.0:
        return None
    bearing = math.degrees(math.atan2(dx, dy))
    rel = (bearing - heading_deg + 540.0) % 360.0 - 180.0
    if abs(rel) < 20.0 or abs(rel) > 160.0:
        return None
    return "right" if rel > 0 else "left"


def signed_angle(to_deg: float, from_deg: float) -> float:
    """The turn (degrees, + = right) from heading `from_deg` to heading `to_deg`."""
    return (to_deg - from_deg + 540.0) % 360.0 - 180.0
