"""Favourites as the user edits them: rename, delete, move up or down — new tuples, never edits.

`AppSettings.favourites` is a frozen tuple; these functions return the changed tuple, which the
controller saves through `update_settings` (validated, written atomically).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mobile.app.errors import ControllerError
from mobile.app.settings import AppSettings, Favourite
from mobile.guidance.texts import say


class FavouriteError(ValueError):
    """No favourite of that name, or the new name is empty or taken."""


def _index(favourites: tuple[Favourite, ...], name: str) -> int:
    for i, fav in enumerate(favourites):
        if fav.name == name:
            return i
    raise FavouriteError(name)


def renamed(favourites: tuple[Favourite, ...], name: str, new_name: str) -> tuple[Favourite, ...]:
    new_name = new_name.strip()
    if not new_name or any(f.name == new_name for f in favourites if f.name != name):
        raise FavouriteError(new_name)
    i = _index(favourites, name)
    changed = favourites[i].model_copy(update={"name": new_name})
    return (*favourites[:i], changed, *favourites[i + 1:])


def removed(favourites: tuple[Favourite, ...], name: str) -> tuple[Favourite, ...]:
    i = _index(favourites, name)
    return (*favourites[:i], *favourites[i + 1:])


def moved(favourites: tuple[Favourite, ...], name: str, step: int) -> tuple[Favourite, ...]:
    """One place up (step −1) or down (+1); at either end the order stays as it is."""
    i = _index(favourites, name)
    j = min(max(i + step, 0), len(favourites) - 1)
    order = list(favourites)
    order.insert(j, order.pop(i))
    return tuple(order)


class FavouriteEditing:
    """The controller's favourite calls; each change is saved through the controller's
    `update_settings` (validated, written at once)."""

    settings: AppSettings
    update_settings: Callable[..., AppSettings]

    @property
    def favourites(self) -> tuple[Favourite, ...]:
        return self.settings.favourites

    def add_favourite(self, name: str, lat: float, lon: float) -> AppSettings:
        """Saved at once; replaces one of the same name."""
        kept = tuple(f for f in self.favourites if f.name != name)
        return self.update_settings(favourites=(*kept, Favourite(name=name, lat=lat, lon=lon)))

    def rename_favourite(self, name: str, new_name: str) -> AppSettings:
        return self._edit(renamed, name, new_name)

    def delete_favourite(self, name: str) -> AppSettings:
        return self._edit(removed, name)

    def move_favourite(self, name: str, step: int) -> AppSettings:
        return self._edit(moved, name, step)

    def _edit(self, change: Callable[..., tuple[Favourite, ...]], *args: Any) -> AppSettings:
        try:
            return self.update_settings(favourites=change(self.favourites, *args))
        except FavouriteError as exc:
            raise ControllerError(say("favourite.invalid", self.settings.lang,
                                      name=str(exc))) from None
