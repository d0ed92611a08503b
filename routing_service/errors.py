"""The routing core's errors, each a builtin subclass so callers can catch them generically.

Every error carries a short message in German and English: the phone speaks them to a blind
user, the API and the shell print them on one line.
"""

from __future__ import annotations


class LotseRoutingError(Exception):
    """Base of everything the routing core raises on purpose."""

    def __init__(self, en: str, de: str | None = None) -> None:
        super().__init__(en)
        self.messages = {"en": en, "de": de or en}

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang, self.messages["en"])


class InvalidRequest(LotseRoutingError, ValueError):
    """Coordinates, profile or options that cannot be routed as given."""


class OutsideServiceArea(LotseRoutingError, ValueError):
    """A point farther from the walkable network than the snap limit."""


class NoRoute(LotseRoutingError, LookupError):
    """Both points are on the network but no usable path joins them."""


class OsmLoadError(LotseRoutingError, OSError):
    """An OSM extract or compiled graph that is missing, unreadable or holds no walkable ways."""
