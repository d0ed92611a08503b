"""Opening hours for the registry: the shared evaluation of `lotse_common.opening`, validated.

The phone and the registry must say the same thing about a shop at the same instant (on
Fronleichnam too), so neither evaluates `opening_hours` itself: both call `lotse_common.opening`
and use its one `OpeningState`. This module only turns a parse error into `InvalidField`, a 422
naming the field.
"""

from __future__ import annotations

from beacon_registry.errors import InvalidField
from lotse_common import opening as shared
from lotse_common.opening import TZ, opening_state

__all__ = ["TZ", "opening_state", "validate"]


def validate(expr: str, field: str = "opening_hours") -> str:
    """Return the expression stripped, or raise InvalidField with the parser's first line."""
    try:
        return shared.validate(expr)
    except shared.InvalidOpeningHours as exc:
        raise InvalidField(str(exc), field) from exc
