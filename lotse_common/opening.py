"""Opening hours: read and evaluated once, the same way for the registry and the phone.

The registry (beacon lookup, places near a point) and the phone (around me, places passed on a
walk) both call `opening_state` here, so they say the same at the same instant, holidays of
Rhineland-Palatinate included. The module is pure (opening-hours-py, holidays, the accessibility
part's `OpeningState`; no web, database or UI framework), so the phone can run it offline.

opening-hours-py knows Germany's nationwide holidays only. Kaiserslautern lies in
Rhineland-Palatinate, which also keeps Corpus Christi and All Saints' Day, so every rule that names
`PH` gets a copy naming those extra dates explicitly (taken from the `holidays` package); "PH off"
then closes a shop on Fronleichnam as a local expects.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import opening_hours

from accessibility.places import OpeningState

log = logging.getLogger(__name__)

TZ = ZoneInfo("Europe/Berlin")
COUNTRY = "DE"
SUBDIVISION = "RP"
#: a change further away than this is "never" (24/7, or closed for good)
HORIZON = timedelta(days=366)
#: a rule whose weekday selector includes PH, e.g. "PH off", "Su,PH 10:00-12:00"
_DAYS = r"[A-Za-z]{2}(?:-[A-Za-z]{2})?"
_PH_RULE = re.compile(rf"^\s*((?:{_DAYS},)*PH(?:,{_DAYS})*)\b(.*)$")
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
#: what opening-hours-py raises on text it cannot read or evaluate
_UNREADABLE = (opening_hours.ParserError, SyntaxError, ValueError, TypeError, OverflowError)


class InvalidOpeningHours(ValueError):
    """The text is not OSM `opening_hours` syntax; the message is one line from the parser."""


def validate(spec: str) -> str:
    """The spec stripped, or InvalidOpeningHours naming the parser's first complaint."""
    text = spec.strip()
    if not text:
        raise InvalidOpeningHours("must not be empty (leave it out instead)")
    try:
        opening_hours.OpeningHours(text)
    except _UNREADABLE as exc:
        lines = str(exc).strip().splitlines()
        first = lines[0] if lines else "cannot parse"
        raise InvalidOpeningHours(f"not valid OSM opening_hours syntax ({first})") from exc
    return text


@lru_cache(maxsize=8)
def regional_extra_days(year: int) -> tuple[date, ...]:
    """Holidays of Rhineland-Palatinate that the library's nationwide calendar does not know."""
    national = holidays.Germany(years=[year])
    regional = holidays.Germany(subdiv=SUBDIVISION, years=[year])
    return tuple(sorted(d for d in regional if d not in national))


def with_regional_holidays(spec: str, years: tuple[int, ...]) -> str:
    """`spec` with each PH rule repeated for the regional holidays of `years`."""
    days = [d for y in years for d in regional_extra_days(y)]
    if "PH" not in spec or not days:
        return spec
    selector = ",".join(f"{d.year} {_MONTHS[d.month - 1]} {d.day:02d}" for d in days)
    rules = []
    for rule in spec.split(";"):
        rules.append(rule)
        m = _PH_RULE.match(rule)
        if m:
            rules.append(f" {selector}{m.group(2)}")
    return ";".join(rules)


@lru_cache(maxsize=2048)
def _compiled(spec: str, years: tuple[int, ...]) -> opening_hours.OpeningHours:
    """Parsed once per spec and year pair: a walk evaluates the same few shops every second."""
    extended = with_regional_holidays(spec, years)
    try:
        return opening_hours.OpeningHours(extended, timezone=TZ, country=COUNTRY)
    except _UNREADABLE:
        log.warning("regional holiday rewrite failed for %r; using the national calendar", spec)
        return opening_hours.OpeningHours(spec, timezone=TZ, country=COUNTRY)


def opening_state(spec: str | None, when: datetime) -> OpeningState | None:
    """Open or closed at `when` (aware) in Berlin time, with the next change.

    None when there are no usable hours: no spec, a spec opening-hours-py cannot read (common in
    2013 data; never an error in the middle of a walk), or a state the spec calls "unknown".
    `closed_today` means the place does not open again today.
    """
    if not spec or not spec.strip():
        return None
    if when.tzinfo is None:
        raise ValueError("opening_state needs a timezone-aware datetime")
    now = when.astimezone(TZ)
    try:
        oh = _compiled(spec.strip(), (now.year, now.year + 1))
        raw_state, _comment = oh.state(now)
        change = oh.next_change(now)
    except _UNREADABLE as exc:
        log.debug("unreadable opening_hours %r: %s", spec, exc)
        return None
    if change is not None and change.tzinfo is None:
        change = change.replace(tzinfo=TZ)
    if change is not None and change - now > HORIZON:
        change = None
    change = change.astimezone(TZ) if change is not None else None
    if raw_state == opening_hours.State.OPEN:
        return OpeningState(now=now, is_open=True, closes_at=change)
    if raw_state == opening_hours.State.CLOSED:
        closed_today = change is None or change.date() != now.date()
        return OpeningState(now=now, is_open=False, opens_at=change, closed_today=closed_today)
    return None
