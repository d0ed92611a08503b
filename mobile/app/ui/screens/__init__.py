"""One module per screen; `SCREENS` lists them in the order the navigator knows them."""

from __future__ import annotations

from mobile.app.ui.screens.around import AheadScreen, AroundScreen
from mobile.app.ui.screens.favourites import FavouriteScreen, FavouritesScreen
from mobile.app.ui.screens.guidance import GuidanceScreen
from mobile.app.ui.screens.preview import PreviewScreen
from mobile.app.ui.screens.search import SearchScreen
from mobile.app.ui.screens.settings import SettingsScreen
from mobile.app.ui.screens.simulate import SimulateScreen
from mobile.app.ui.screens.start import StartScreen

SCREENS = (
    StartScreen,
    SearchScreen,
    FavouritesScreen,
    FavouriteScreen,
    PreviewScreen,
    GuidanceScreen,
    AroundScreen,
    AheadScreen,
    SettingsScreen,
    SimulateScreen,
)
#: the screens an up/down or two-finger swipe cycles through (the others are reached from them)
MAIN_CYCLE = ("start", "around", "settings")

__all__ = ["SCREENS", "MAIN_CYCLE"]
