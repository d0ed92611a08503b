"""Entry point python-for-android runs on the phone (buildozer needs a main.py at the root)."""

import sys

from mobile.app.cli import main

sys.exit(main([]))
