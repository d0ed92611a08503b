"""Sharing a route as plain text: Android's share sheet, or a text file on a desktop.

A route for a companion or a printed sheet (hybrid access). The Android path uses pyjnius and an
ACTION_SEND intent and is imported only on Android; a desktop writes the text into the app's
data folder and says where.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from mobile.app.platform import app_data_dir, is_android

log = logging.getLogger(__name__)


def share_text(text: str, folder: Path | None = None, when: datetime | None = None) -> str:
    """Hand `text` to the share sheet (returns "") or write it to a file (returns its path)."""
    if is_android():
        _android_share(text)
        return ""
    folder = folder or app_data_dir() / "routes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"route-{(when or datetime.now()):%Y%m%d-%H%M%S}.txt"
    path.write_text(text, encoding="utf-8")
    log.info("route written to %s", path)
    return str(path)


def _android_share(text: str) -> None:  # pragma: no cover - runs on a phone only
    from jnius import autoclass, cast

    intent_cls = autoclass("android.content.Intent")
    string = autoclass("java.lang.String")
    intent = intent_cls()
    intent.setAction(intent_cls.ACTION_SEND)
    intent.setType("text/plain")
    intent.putExtra(intent_cls.EXTRA_TEXT, cast("java.lang.CharSequence", string(text)))
    chooser = intent_cls.createChooser(intent, None)
    autoclass("org.kivy.android.PythonActivity").mActivity.startActivity(chooser)
