"""The earcons: short, steady tones before an instruction or a warning (Wayfindr).

Made as samples so every back-end that writes or plays audio uses exactly the same sound.
"""

from __future__ import annotations

import array
import math

from accessibility.voices.base import EARCONS

#: name -> list of (frequency Hz, duration s); 0 Hz is a pause
_TONES: dict[str, list[tuple[float, float]]] = {
    "instruction": [(880.0, 0.12)],  # one soft high blip
    "warning": [(660.0, 0.12), (0.0, 0.06), (660.0, 0.12), (0.0, 0.06), (660.0, 0.12)],
}
AMPLITUDE = 0.35  # of full scale: clearly audible, below speech peaks
FADE_S = 0.01  # s: ramps avoid clicks


def earcon_seconds(name: str) -> float:
    return sum(d for _, d in _TONES[_check(name)])


def earcon_samples(name: str, sample_rate: int) -> array.array:
    """Signed 16-bit mono samples of the earcon `name`, followed by a short gap."""
    out = array.array("h")
    fade = max(1, int(FADE_S * sample_rate))
    for freq, duration in _TONES[_check(name)] + [(0.0, 0.08)]:
        count = int(duration * sample_rate)
        for i in range(count):
            if freq <= 0:
                out.append(0)
                continue
            ramp = min(1.0, i / fade, (count - i) / fade)
            value = AMPLITUDE * ramp * math.sin(2 * math.pi * freq * i / sample_rate)
            out.append(int(value * 32767))
    return out


def _check(name: str) -> str:
    if name not in _TONES:
        raise ValueError(f"unknown earcon {name!r}; choose one of {', '.join(EARCONS)}")
    return name
