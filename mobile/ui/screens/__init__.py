"""One module per screen; `SCREENS` lists them in the order the navigator knows them."""

from __future__ import annotations

from mobile.ui.screens.around import AroundScreen
from mobile.ui.screens.favourites import FavouritesScreen
from mobile.ui.screens.guidance import GuidanceScreen
from mobile.ui.screens.preview import PreviewScreen
from mobile.ui.screens.search import SearchScreen
from mobile.ui.screens.settings import SettingsScreen
from mobile.ui.screens.simulate import SimulateScreen
from mobile.ui.screens.start import StartScreen

SCREENS = (
    StartScreen,
    SearchScreen,
    FavouritesScreen,
    PreviewScreen,
    GuidanceScreen,
    AroundScreen,
    SettingsScreen,
    SimulateScreen,
)
#: the screens an up/down or two-finger swipe cycles through (the others are reached from them)
MAIN_CYCLE = ("start", "around", "settings")

__all__ = ["SCREENS", "MAIN_CYCLE"]
