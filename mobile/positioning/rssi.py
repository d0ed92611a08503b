"""From noisy RSSI to a distance: a per-beacon Kalman filter and the log-distance path-loss model.

Raw RSSI in a street jumps by several dB from packet to packet (bodies, cars, reflections), and a
dB error becomes a *multiplicative* distance error, so the filter works on dB and the model turns
the filtered value into metres. The filter's process noise grows with the time since the last
packet: a walker moves, so an old value is worth less than a fresh one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: path-loss exponent outdoors in a street canyon (2 = free space)
DEFAULT_PATH_LOSS_EXPONENT = 2.7
#: distances are clamped to this range (m): closer than 0.5 m or beyond 60 m means nothing reliable
MIN_DISTANCE_M = 0.5
MAX_DISTANCE_M = 60.0


def distance_from_rssi(
    rssi_dbm: float, measured_power_dbm: float, exponent: float = DEFAULT_PATH_LOSS_EXPONENT
) -> float:
    """Log-distance model: rssi = measured_power - 10·n·log10(d), solved for d (metres)."""
    d = 10.0 ** ((measured_power_dbm - rssi_dbm) / (10.0 * exponent))
    return min(max(d, MIN_DISTANCE_M), MAX_DISTANCE_M)


def rssi_at_distance(
    distance_m: float, measured_power_dbm: float, exponent: float = DEFAULT_PATH_LOSS_EXPONENT
) -> float:
    """The model forwards (the simulator uses it): expected RSSI at `distance_m`."""
    return measured_power_dbm - 10.0 * exponent * math.log10(max(distance_m, 0.1))


@dataclass(frozen=True, slots=True)
class RssiFilterSettings:
    #: measurement noise: the part of shadowing that changes packet to packet (dB, σ; the part
    #: fixed at a place does not average away and is added in `grid_fix`)
    measurement_sigma_db: float = 4.0
    #: how fast the true RSSI can drift while walking (dB per sqrt(second))
    drift_db_per_sqrt_s: float = 2.5
    #: a beacon not heard for this long is forgotten (s)
    stale_after_s: float = 4.0


class KalmanRssi:
    """One-dimensional Kalman filter on RSSI in dB (random-walk state model)."""

    __slots__ = ("settings", "value", "variance", "last_t", "count")

    def __init__(self, t: float, rssi: float, settings: RssiFilterSettings) -> None:
        self.settings = settings
        self.value = float(rssi)
        self.variance = settings.measurement_sigma_db**2
        self.last_t = t
        self.count = 1

    def update(self, t: float, rssi: float) -> float:
        s = self.settings
        dt = max(t - self.last_t, 0.0)
        self.variance += (s.drift_db_per_sqrt_s**2) * dt
        gain = self.variance / (self.variance + s.measurement_sigma_db**2)
        self.value += gain * (rssi - self.value)
        self.variance *= 1.0 - gain
        self.last_t = max(t, self.last_t)
        self.count += 1
        return self.value

    def is_stale(self, t: float) -> bool:
        return t - self.last_t > self.settings.stale_after_s

    @property
    def sigma_db(self) -> float:
        return math.sqrt(self.variance)


def correlated_sigma_db(packet_db: float = 3.3, fixed_db: float = 5.0,
                       correlation_m: float = 1.5, beacon_db: float = 2.0,
                       speed_mps: float = 1.2, heard_per_s: float = 0.65,
                       passage_m: float = 24.0) -> float:
    """The σ (dB) to weigh one packet with when packets are taken as independent though their
    errors are not: the fixed shadowing is shared by the packets of one beacon a metre or two
    apart, and a beacon's power error by every packet of its passage. Each shared part's
    variance counts as often as the packets that share it (1 + 2 Σ ρ_k for a Gaussian
    correlation ρ over the spacing of successive packets; all packets of a passage of
    `passage_m` for the power error), so the filter gets the information it really has."""
    spacing = speed_mps / heard_per_s
    rho = [math.exp(-0.5 * (k * spacing / correlation_m) ** 2) for k in range(1, 20)]
    shared_fixed = 1.0 + 2.0 * sum(rho)
    passage = passage_m / spacing
    return math.sqrt(packet_db**2 + shared_fixed * fixed_db**2 + passage * beacon_db**2)
