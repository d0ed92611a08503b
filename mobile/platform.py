"""Android or desktop: one place that decides, without importing Kivy or Android code.

python-for-android sets ANDROID_ARGUMENT / ANDROID_PRIVATE and CPython on Android has
`sys.getandroidapilevel`; on a desktop none of these exist, so tests never touch Android code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def is_android() -> bool:
    return hasattr(sys, "getandroidapilevel") or "ANDROID_ARGUMENT" in os.environ


def app_data_dir() -> Path:
    """Where the app keeps settings, the area bundle and logs."""
    if "LOTSE_APP_DIR" in os.environ:
        return Path(os.environ["LOTSE_APP_DIR"])
    if is_android() and os.environ.get("ANDROID_PRIVATE"):
        return Path(os.environ["ANDROID_PRIVATE"]) / "lotse"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lotse"
