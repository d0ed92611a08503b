"""Opening hours: validated and evaluated with opening-hours-py in Europe/Berlin.

The library knows Germany's nationwide holidays only. Kaiserslautern lies in Rhineland-Palatinate,
which also keeps Corpus Christi and All Saints' Day, so for rules that name `PH` we add a copy
that names those extra dates explicitly (taken from the `holidays` package); "PH off" then closes
a shop on Fronleichnam as a local would expect.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import opening_hours

from beacon_registry.errors import InvalidField

logger = logging.getLogger(__name__)

TZ = ZoneInfo("Europe/Berlin")
COUNTRY = "DE"
SUBDIVISION = "RP"
#: a rule whose weekday selector includes PH, e.g. "PH off", "Su,PH 10:00-12:00"
_DAYS = r"[A-Za-z]{2}(?:-[A-Za-z]{2})?"
_PH_RULE = re.compile(rf"^\s*((?:{_DAYS},)*PH(?:,{_DAYS})*)\b(.*)$")
_STATES = {opening_hours.State.OPEN: "open", opening_hours.State.CLOSED: "closed"}
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass(frozen=True)
class OpeningState:
    """What a passer-by needs: open or not, and the next change (closes at / opens at)."""

    state: str  # "open", "closed" or "unknown"
    next_change: datetime | None
    comment: str = ""

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def validate(expr: str, field: str = "opening_hours") -> str:
    """Return the expression stripped, or raise InvalidField with the parser's first line."""
    text = expr.strip()
    if not text:
        raise InvalidField("must not be empty (leave it out instead)", field)
    try:
        opening_hours.OpeningHours(text)
    except (opening_hours.ParserError, SyntaxError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "cannot parse"
        raise InvalidField(f"not valid OSM opening_hours syntax ({first})", field) from exc
    return text


@lru_cache(maxsize=4)
def _regional_extra_days(year: int) -> tuple[date, ...]:
    """Holidays of the subdivision that the library's nationwide calendar does not know."""
    national = holidays.Germany(years=[year])
    regional = holidays.Germany(subdiv=SUBDIVISION, years=[year])
    return tuple(sorted(d for d in regional if d not in national))


def _with_regional_holidays(expr: str, years: tuple[int, ...]) -> str:
    days = [d for y in years for d in _regional_extra_days(y)]
    if "PH" not in expr or not days:
        return expr
    selector = ",".join(f"{d.year} {_MONTHS[d.month - 1]} {d.day:02d}" for d in days)
    rules = []
    for rule in expr.split(";"):
        rules.append(rule)
        m = _PH_RULE.match(rule)
        if m:
            rules.append(f" {selector}{m.group(2)}")
    return ";".join(rules)


@lru_cache(maxsize=2048)
def _compiled(expr: str, years: tuple[int, ...]) -> opening_hours.OpeningHours:
    extended = _with_regional_holidays(expr, years)
    try:
        return opening_hours.OpeningHours(extended, timezone=TZ, country=COUNTRY)
    except (opening_hours.ParserError, SyntaxError, ValueError):
        logger.warning("regional holiday rewrite failed for %r; using the national calendar", expr)
        return opening_hours.OpeningHours(expr, timezone=TZ, country=COUNTRY)


def evaluate(expr: str | None, when: datetime) -> OpeningState:
    """State at `when` (aware); "unknown" for places without (or with unparsable) hours."""
    if not expr:
        return OpeningState("unknown", None)
    local = when.astimezone(TZ)
    try:
        oh = _compiled(expr, (local.year, local.year + 1))
        raw_state, comment = oh.state(local)
        change = oh.next_change(local)
    except (opening_hours.ParserError, SyntaxError, ValueError) as exc:
        logger.warning("cannot evaluate opening_hours %r: %s", expr, exc)
        return OpeningState("unknown", None)
    state = _STATES.get(raw_state, "unknown")
    if change is not None and change.tzinfo is None:
        change = change.replace(tzinfo=TZ)
    if change is not None and change - local > timedelta(days=366):
        change = None  # "never changes" (24/7, or closed for good)
    return OpeningState(state, change, comment or "")


def local_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=TZ)
