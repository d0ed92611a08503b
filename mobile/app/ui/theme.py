"""Sizes and colours for low-vision users, in one place so that no screen invents its own.

Everything is large and high-contrast (yellow and white on black, the combination most low-vision
users ask for); the focused element is drawn inverted so the focus can be seen as well as heard.
"""

from __future__ import annotations

from kivy.metrics import dp, sp

#: smallest touch target in dp (Android and WCAG 2.5.5 minimum is 48 dp; we stay well above)
MIN_TARGET_DP = 48
#: height of a normal button or list entry, dp
ROW_HEIGHT_DP = 88
#: gap between rows, dp; generous so that a thumb does not hit two elements
SPACING_DP = 10
PADDING_DP = 12

#: font sizes in sp (scaled with the user's system font size)
FONT_TITLE_SP = 34
FONT_BUTTON_SP = 28
FONT_BIG_SP = 40

BLACK = (0.0, 0.0, 0.0, 1.0)
WHITE = (1.0, 1.0, 1.0, 1.0)
YELLOW = (1.0, 0.91, 0.0, 1.0)
#: background of an element that is not focused: near black, so the white border shows its edge
ELEMENT_BG = (0.08, 0.08, 0.08, 1.0)
BORDER_DP = 3


def row_height() -> float:
    return dp(ROW_HEIGHT_DP)


def spacing() -> float:
    return dp(SPACING_DP)


def padding() -> float:
    return dp(PADDING_DP)


def min_target() -> float:
    return dp(MIN_TARGET_DP)


def font_title() -> float:
    return sp(FONT_TITLE_SP)


def font_button() -> float:
    return sp(FONT_BUTTON_SP)


def font_big() -> float:
    return sp(FONT_BIG_SP)
