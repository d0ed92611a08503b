"""The phone's compass on a simulated walk: which way the walker faces, with real errors.

A phone's heading (Android's rotation vector, held in the hand in front of the walker) is off by
a bias that differs by walk (calibration, how the phone is held), a disturbance that wanders
slowly as the walker passes steel, cars and shop fronts, and per-reading noise. Published
figures (`docs/RADIO.md`): azimuths 1–3° off right after calibration, 2–3× that later, single
errors of 13–25° near magnetic interference; a robust smartphone heading filter reached an
RMSE of 17.4° against exact ground truth indoors. The defaults here (bias σ 9°, wandering σ 10°
over 5 s, noise σ 4°) give an RMS error of about 14°.

Its own seeded stream: the same seed gives the same headings, and the radio is unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mobile.simulation.model import SimulatedWalk


@dataclass(frozen=True, slots=True)
class CompassModel:
    #: per-walk bias, wandering disturbance (with its time constant) and noise (degrees, σ)
    bias_deg: float = 9.0
    wander_deg: float = 10.0
    wander_s: float = 5.0
    noise_deg: float = 4.0
    #: readings per second
    rate_hz: float = 4.0

    @property
    def rms_deg(self) -> float:
        return math.sqrt(self.bias_deg**2 + self.wander_deg**2 + self.noise_deg**2)


class SimulatedCompass:
    """Compass readings of one `SimulatedWalk`: the walker faces the way they walk."""

    def __init__(self, walk: SimulatedWalk, model: CompassModel | None = None) -> None:
        self.walk, self.model = walk, model or CompassModel()
        m = self.model
        self._rng = np.random.default_rng([walk.seed, 3])
        self._bias = float(self._rng.normal(0.0, m.bias_deg))
        self._wander = float(self._rng.normal(0.0, m.wander_deg))
        self._next = 0.0

    def true_heading(self, t: float) -> float:
        path = self.walk.path
        return path.heading_at(min(self.walk.progress_at(t), path.length_m - 1.0), 1.0)

    def readings_until(self, t_end: float) -> list[tuple[float, float]]:
        """(t, degrees from north) readings up to `t_end`."""
        m, out = self.model, []
        dt = 1.0 / m.rate_hz
        keep = math.exp(-dt / m.wander_s)
        while self._next <= t_end:
            t = self._next
            self._next += dt
            self._wander = keep * self._wander + math.sqrt(1.0 - keep * keep) * float(
                self._rng.normal(0.0, m.wander_deg))
            noise = float(self._rng.normal(0.0, m.noise_deg))
            out.append((t, (self.true_heading(t) + self._bias + self._wander + noise) % 360.0))
        return out
