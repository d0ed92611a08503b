"""Entry point python-for-android runs on the phone (buildozer needs a main.py at the root)."""

import sys

from mobile.cli_app import main

sys.exit(main([]))
