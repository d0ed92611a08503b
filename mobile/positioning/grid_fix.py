"""One beacon fix as a posterior over a grid of places, with a radius that is true.

Real BLE readings carry errors that do not average away: shadowing that is fixed at a place
(4–7 dB), beacons whose measured power is off by a few dB, and a phone that reads all beacons a
few dB high or low. A least-squares fix treats the filtered RSSI as exact and states an accuracy
it does not have. Here every candidate place on a grid gets the likelihood of all filtered
readings under the log-distance model with those errors in it:

- the phone's offset is unknown but shared by all beacons: it is integrated out analytically
  (a Gaussian prior from `RadioCalibration`), so only the *ratios* between beacons place the
  phone when the offset is still unknown;
- each beacon's variance is its filter's variance plus the fixed shadowing plus what is still
  unknown of its own power;
- robust: a beacon that disagrees with the rest by more than `HUBER_Z` σ is down-weighted
  (one reweighting pass), so one reflected reading cannot drag the fix;
- silence is evidence too: a beacon of the plan that has not been heard for some seconds is
  unlikely to be a few metres away (a phone hears 40-85 % of a near beacon's packets), so
  places near it lose weight; with no beacon heard this is what turns a GPS fix beside a row of
  silent beacons into "not on that street".

The fix is the posterior mean; its uncertainty is the radius around it that holds `coverage` of
the posterior mass, so "within 3 m" means what it says (checked in bench/bench_guidance.py on
simulated walks and on the UJI recordings).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: readings more than this many σ from the consensus are down-weighted (Huber)
HUBER_Z = 2.0
#: grid cells per side at most (the step grows for wide grids)
MAX_CELLS = 72
#: cells with less than this share of the most likely cell's weight are left out of the cloud
CLOUD_CUT = 1e-3
#: the finest grid step (m)
MIN_STEP_M = 0.5
#: the chance of hearing a beacon's packet in one second, up close (the low end of real phones)
HEAR_NEAR = 0.4
#: … halved at this distance (m) and falling over this width (m, logistic)
HEAR_HALF_M = 10.0
HEAR_WIDTH_M = 2.0


@dataclass(frozen=True, slots=True)
class Reading:
    """A beacon's filtered RSSI, ready for the fix: where it hangs and what it should read."""

    key: str
    x: float
    y: float
    rssi_dbm: float
    #: variance of the reading around the model at the true place (dB²)
    variance_db2: float
    #: expected RSSI at 1 m, with this beacon's learned bias (dBm), before the phone offset
    power_dbm: float


@dataclass(frozen=True, slots=True)
class GridFix:
    x: float
    y: float
    radius_m: float
    #: the phone offset most likely at the fix (dB), and the residual of each reading there
    offset_db: float
    offset_weight: float
    residuals_db: dict[str, float]
    #: how much each reading pulled the fix towards itself (the hat matrix' diagonal, 0..1):
    #: a residual r of a reading with leverage h estimates a variance r² / (1 - h)
    leverage: dict[str, float] = field(default_factory=dict)
    #: the posterior itself: x, y and weight (summing to ~1) of the cells that matter
    cloud: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


@dataclass(frozen=True, slots=True)
class Prior:
    """What else is known: a GPS fix (σ in metres) and beacons silent for some seconds."""

    gps: tuple[float, float, float] | None = None
    #: (x, y, seconds not heard)
    silent: tuple[tuple[float, float, float], ...] = ()


def grid_fix(readings: list[Reading], exponent: float, offset_db: float, offset_var_db2: float,
             coverage: float, half_width_m: float, prior: Prior | None = None) -> GridFix:
    """The posterior over places around the readings (or the GPS fix when no beacon is heard)
    given a phone offset ~ N(offset, var)."""
    prior = prior or Prior()
    bx = np.array([r.x for r in readings])
    by = np.array([r.y for r in readings])
    rssi = np.array([r.rssi_dbm for r in readings])
    power = np.array([r.power_dbm for r in readings]) + offset_db
    var = np.array([r.variance_db2 for r in readings])
    if readings:
        strong = np.exp((rssi - rssi.max()) / 6.0)  # the strongest beacons mark the centre
        cx = float(np.sum(strong * bx) / strong.sum())
        cy = float(np.sum(strong * by) / strong.sum())
    else:
        assert prior.gps is not None, "a fix needs a beacon reading or a GPS fix"
        cx, cy = prior.gps[0], prior.gps[1]
    step = max(MIN_STEP_M, 2.0 * half_width_m / MAX_CELLS)
    axis = np.arange(-half_width_m, half_width_m + step / 2, step)
    gx, gy = np.meshgrid(cx + axis, cy + axis)
    gx, gy = gx.ravel(), gy.ravel()
    d = np.maximum(np.hypot(gx[:, None] - bx[None, :], gy[:, None] - by[None, :]), 0.5)
    resid = rssi[None, :] - (power[None, :] - 10.0 * exponent * np.log10(d))  # cells × beacons
    w = 1.0 / var
    base = _prior_log(gx, gy, prior)
    log_post = base + _log_likelihood(resid, w, offset_var_db2)
    mx, my, p = _mean(gx, gy, log_post)
    if not readings:
        radius = _radius(gx, gy, p, mx, my, coverage) + step / 2
        return GridFix(mx, my, radius, offset_db, 0.0, {}, _cloud(gx, gy, p))
    # one robust pass: readings far from the consensus at the fix count less
    k = int(np.argmin((gx - mx) ** 2 + (gy - my) ** 2))
    shift = offset_var_db2 * float(np.sum(w * resid[k])) / (1.0 + offset_var_db2 * float(w.sum()))
    z = np.abs(resid[k] - shift) * np.sqrt(w)
    if np.any(z > HUBER_Z):
        w = w * np.minimum(1.0, HUBER_Z / np.maximum(z, 1e-9))
        log_post = base + _log_likelihood(resid, w, offset_var_db2)
        mx, my, p = _mean(gx, gy, log_post)
        k = int(np.argmin((gx - mx) ** 2 + (gy - my) ** 2))
    radius = _radius(gx, gy, p, mx, my, coverage) + step / 2
    sw = float(np.sum(w))
    shift = offset_var_db2 * float(np.sum(w * resid[k])) / (1.0 + offset_var_db2 * sw)
    residuals = {r.key: float(resid[k, i] - shift) for i, r in enumerate(readings)}
    hat = _leverage(mx, my, bx, by, w, exponent, offset_var_db2)
    return GridFix(mx, my, radius, offset_db + shift, sw, residuals,
                   {r.key: float(hat[i]) for i, r in enumerate(readings)}, _cloud(gx, gy, p))


def _leverage(x: float, y: float, bx: np.ndarray, by: np.ndarray, w: np.ndarray,
              exponent: float, offset_var_db2: float) -> np.ndarray:
    """The diagonal of the hat matrix of the log-distance model linearised at (x, y), with
    the place (flat prior) and the phone offset (prior variance `offset_var_db2`) fitted."""
    dx, dy = x - bx, y - by
    d2 = np.maximum(dx * dx + dy * dy, 0.25)
    slope = -10.0 * exponent / math.log(10.0)
    jac = np.c_[slope * dx / d2, slope * dy / d2, np.ones_like(bx)]
    info = jac.T @ (w[:, None] * jac) + np.diag([1e-9, 1e-9, 1.0 / max(offset_var_db2, 1e-9)])
    return w * np.einsum("ij,jk,ik->i", jac, np.linalg.inv(info), jac)


def _cloud(gx: np.ndarray, gy: np.ndarray, p: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keep = p >= p.max() * CLOUD_CUT
    return gx[keep], gy[keep], p[keep]


def _prior_log(gx: np.ndarray, gy: np.ndarray, prior: Prior) -> np.ndarray | float:
    out: np.ndarray | float = 0.0
    if prior.gps is not None:
        x, y, sigma = prior.gps
        out = -0.5 * ((gx - x) ** 2 + (gy - y) ** 2) / sigma**2
    for x, y, seconds in prior.silent:
        d = np.hypot(gx - x, gy - y)
        hear = HEAR_NEAR / (1.0 + np.exp(np.minimum((d - HEAR_HALF_M) / HEAR_WIDTH_M, 50.0)))
        out = out + seconds * np.log1p(-hear)
    return out


def _log_likelihood(resid: np.ndarray, w: np.ndarray, tau2: float) -> np.ndarray:
    """log N(resid; 0, diag(1/w) + τ²·11ᵀ) up to a constant (Sherman–Morrison)."""
    swa = resid @ w
    return -0.5 * ((resid**2) @ w - tau2 * swa**2 / (1.0 + tau2 * float(w.sum())))


def _mean(gx: np.ndarray, gy: np.ndarray, log_post: np.ndarray) -> tuple[float, float, np.ndarray]:
    p = np.exp(log_post - log_post.max())
    p /= p.sum()
    return float(p @ gx), float(p @ gy), p


def _radius(gx: np.ndarray, gy: np.ndarray, p: np.ndarray, mx: float, my: float,
            coverage: float) -> float:
    """The radius around (mx, my) that holds `coverage` of the posterior mass."""
    r = np.hypot(gx - mx, gy - my)
    order = np.argsort(r)
    mass = np.cumsum(p[order])
    return float(r[order][min(int(np.searchsorted(mass, coverage)), len(r) - 1)])


def circle_coverage_scale(coverage: float, of: float = 0.68) -> float:
    """For a 2-D Gaussian, the ratio of the `coverage` radius to the radius holding `of` (by
    default 68 %: what phones report as GPS accuracy, Android's `getAccuracy`); `of=0.39` is σ."""
    return math.sqrt(-2.0 * math.log(1.0 - coverage)) / math.sqrt(-2.0 * math.log(1.0 - of))
