"""Kivy must render for real but headless: SDL's offscreen driver with Mesa's software GL.

SDL's "dummy" video driver has no GL context (Kivy then falls back to X11 and fails without a
display); "offscreen" renders through EGL with llvmpipe, no X server or Xvfb needed. These must
be set before anything imports Kivy, hence here at collection time.
"""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "offscreen"
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ["KIVY_USE_DEFAULTCONFIG"] = "1"
