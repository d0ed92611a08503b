"""Asks Android whether TalkBack's touch exploration is on (pyjnius; imported on Android only).

With touch exploration on, TalkBack turns a single touch into its own exploration and passes
the user's double tap on as a single tap, so the gesture surface switches to its exploration
mode. On any other platform this module is never imported.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def touch_exploration_enabled() -> bool:
    """True when Android's AccessibilityManager reports touch exploration (TalkBack) on."""
    from jnius import autoclass  # only present in the Android build

    activity = autoclass("org.kivy.android.PythonActivity").mActivity
    context = autoclass("android.content.Context")
    manager = activity.getSystemService(context.ACCESSIBILITY_SERVICE)
    return bool(manager.isEnabled() and manager.isTouchExplorationEnabled())
