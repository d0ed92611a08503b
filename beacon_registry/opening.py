"""Opening hours for the registry: the shared evaluation in `lotse_common.opening`, adapted.

The phone and the registry must say the same thing about a shop at the same instant (on
Fronleichnam too), so neither evaluates `opening_hours` itself: both call
`lotse_common.opening`. This module only turns its answers into the registry's terms: a parse
error becomes `InvalidField` (a 422 naming the field), and a state becomes the small
`OpeningState` view the lookup serialises (`open_now`, `next_change`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from beacon_registry.errors import InvalidField
from lotse_common import opening as shared
from lotse_common.opening import TZ

logger = logging.getLogger(__name__)

__all__ = ["TZ", "OpeningState", "evaluate", "validate"]


@dataclass(frozen=True)
class OpeningState:
    """What a passer-by needs: open or not, and the next change (closes at / opens at)."""

    state: str  # "open", "closed" or "unknown"
    next_change: datetime | None

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def validate(expr: str, field: str = "opening_hours") -> str:
    """Return the expression stripped, or raise InvalidField with the parser's first line."""
    try:
        return shared.validate(expr)
    except shared.InvalidOpeningHours as exc:
        raise InvalidField(str(exc), field) from exc


def evaluate(expr: str | None, when: datetime) -> OpeningState:
    """State at `when` (aware); "unknown" for places without (or with unreadable) hours."""
    state = shared.opening_state(expr, when)
    if state is None:
        return OpeningState("unknown", None)
    if state.is_open:
        return OpeningState("open", state.closes_at)
    return OpeningState("closed", state.opens_at)
