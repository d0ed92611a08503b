"""Profiles and the user's route options.

Numeric options carry a {min, default, max} range (after Valhalla's costing options): a value
outside the range falls back to the default and the route says so in its warnings, because a
blind user is better served by a sensible route plus a remark than by a refusal.
Unknown keys and wrong types are rejected (pydantic, ``extra="forbid"``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

log = logging.getLogger(__name__)

PROFILES: tuple[str, ...] = ("walk", "blind", "low_vision")
Profile = Literal["walk", "blind", "low_vision"]


@dataclass(frozen=True)
class Range:
    """An option's allowed interval and its default."""

    min: float
    default: float
    max: float

    def resolve(self, value: float | None) -> tuple[float, bool]:
        """Return (value to use, True if the given value was out of range)."""
        if value is None:
            return self.default, False
        if self.min <= value <= self.max:
            return float(value), False
        log.warning("option value %s outside [%s, %s], using %s", value, self.min, self.max,
                    self.default)
        return self.default, True


#: how much longer than the plain shortest walk an accessible route may be before we fall back
MAX_DETOUR_FACTOR = Range(min=1.0, default=2.5, max=10.0)

#: tactile paving is preferred by default only where the user walks with a cane or a dog
TACTILE_DEFAULT: dict[str, bool] = {"walk": False, "blind": True, "low_vision": False}


class RouteOptions(BaseModel):
    """What the user asked for beyond the profile (JSON key ``options`` of POST /v1/routes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    avoid_steps: bool = False
    signalled_crossings_only: bool = False
    #: None means "the profile's default" (on for blind)
    prefer_tactile_paving: bool | None = None
    #: None means MAX_DETOUR_FACTOR.default
    max_detour_factor: float | None = None

    def tactile_for(self, profile: str) -> bool:
        if self.prefer_tactile_paving is None:
            return TACTILE_DEFAULT[profile]
        return self.prefer_tactile_paving
