"""What the phone learns about the radio while it walks: its own offset and beacons that lie.

Phones differ by about 3 dB, and a beacon's real measured power differs from the stored value by
about ±2 dB (real recordings, `docs/RADIO.md`). Both are estimated online from the residuals of
good fixes (RSSI read minus RSSI the model expects at the fix):

- the phone offset is one number shared by all beacons; it starts unknown (σ `PHONE_PRIOR_DB`)
  and each good fix narrows it, discounted because shadowing at one place repeats in every fix
  made there (so standing still does not make the phone "sure");
- a beacon's bias is the mean of its residuals after the offset, shrunk towards zero by
  `BIAS_PRIOR_COUNT` pseudo-readings, so a beacon passed once cannot learn a big bias from the
  shadowing of one place;
- the shadowing fixed at a place differs by site (a street canyon 5 dB, an indoor lab 2.5–4.6
  dB, `docs/RADIO.md`): its variance is a method-of-moments estimate from the same residuals,
  each squared residual divided by 1 - its leverage (the share the fit took up) minus the
  variance already accounted for (the filter's and the beacon's unknown power), shrunk towards
  the configured value by `SHADOW_PRIOR_COUNT` pseudo-readings. A fix that states 3 m then
  means 3 m at this site, not at an average one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: what is known of a phone's offset before the first fix (dB, σ): phones and unknown beacon
#: power settings together
PHONE_PRIOR_DB = 3.0
#: the offset is never taken as known better than this (dB, σ): it drifts with how the phone is held
PHONE_FLOOR_DB = 1.0
#: each fix counts as this share of independent information (shadowing repeats at a place)
FIX_DISCOUNT = 0.15
#: spread of beacons' measured power around the stored value (dB, σ)
BEACON_PRIOR_DB = 2.0
#: a beacon's bias is shrunk as if it had this many readings of zero bias
BIAS_PRIOR_COUNT = 8.0
#: only fixes at least this sure teach the calibration (m)
LEARN_BELOW_M = 8.0
#: a residual beyond this (dB) is a reflection or a wrong fix, not a bias
MAX_RESIDUAL_DB = 12.0
#: the configured fixed shadowing counts as this many readings (after FIX_DISCOUNT)
SHADOW_PRIOR_COUNT = 20.0
#: the learnt fixed shadowing stays within this range (dB, σ)
SHADOW_RANGE_DB = (1.5, 8.0)
#: a reading that took up more than this share of its own residual says little of the scatter
MAX_LEVERAGE = 0.8


@dataclass
class RadioCalibration:
    offset_db: float = 0.0
    offset_var_db2: float = PHONE_PRIOR_DB**2
    #: the configured fixed shadowing (dB², σ²), the prior of the learnt one
    shadow_prior_db2: float = 25.0
    _shadow_sum: float = 0.0
    _shadow_count: float = 0.0
    _sums: dict[str, float] = field(default_factory=dict)
    _counts: dict[str, float] = field(default_factory=dict)

    def bias_db(self, key: str) -> float:
        """How many dB this beacon reads above its stored measured power (shrunk estimate)."""
        n = self._counts.get(key, 0.0)
        return self._sums.get(key, 0.0) / (n + BIAS_PRIOR_COUNT)

    def bias_var_db2(self, key: str) -> float:
        """What is still unknown of this beacon's power (dB²)."""
        n = self._counts.get(key, 0.0)
        return BEACON_PRIOR_DB**2 * BIAS_PRIOR_COUNT / (n + BIAS_PRIOR_COUNT)

    @property
    def shadow_var_db2(self) -> float:
        """The fixed shadowing at this site (dB²): the configured value, moved by the scatter
        of good fixes' residuals."""
        n = self._shadow_count + SHADOW_PRIOR_COUNT
        var = (self._shadow_sum + SHADOW_PRIOR_COUNT * self.shadow_prior_db2) / n
        lo, hi = SHADOW_RANGE_DB
        return min(max(var, lo**2), hi**2)

    def learn(self, offset_db: float, offset_weight: float, residuals_db: dict[str, float],
              radius_m: float, leverage: dict[str, float] | None = None,
              known_var_db2: dict[str, float] | None = None) -> None:
        """Take in a fix: the offset it implies (with the information `offset_weight`, 1/dB²),
        each reading's residual after that offset, and (for the shadowing) each reading's
        leverage and the variance of it that is not shadowing (filter, beacon power)."""
        if radius_m > LEARN_BELOW_M:
            return
        for key, r in residuals_db.items():
            h = (leverage or {}).get(key)
            known = (known_var_db2 or {}).get(key)
            if h is None or known is None or h > MAX_LEVERAGE:
                continue
            # against the stored power (the learnt bias would take up the shadowing of a place
            # the phone lingers at), so the beacons' whole power spread is known variance too
            raw = min(abs(r + self.bias_db(key)), MAX_RESIDUAL_DB)
            self._shadow_sum += FIX_DISCOUNT * (raw * raw / (1.0 - h) - known
                                                - BEACON_PRIOR_DB**2)
            self._shadow_count += FIX_DISCOUNT
        info = 1.0 / self.offset_var_db2 + FIX_DISCOUNT * offset_weight
        self.offset_db = offset_db
        self.offset_var_db2 = max(1.0 / info, PHONE_FLOOR_DB**2)
        for key, r in residuals_db.items():
            if abs(r) <= MAX_RESIDUAL_DB:  # r is what is left after the bias learned so far
                seen = self.bias_db(key) + r
                self._sums[key] = self._sums.get(key, 0.0) + FIX_DISCOUNT * seen
                self._counts[key] = self._counts.get(key, 0.0) + FIX_DISCOUNT
