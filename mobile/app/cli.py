"""`lotse app`: the phone app on this desktop (or, from main.py, on the phone).

`lotse app [--simulate [--from PLACE --to PLACE]] [--lang de|en]` opens the self-voicing
screens around the engine's `GuideController`; `--simulate` starts the controller's simulated
walk at once and opens the guidance screen, for testers without beacons.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import NoReturn

log = logging.getLogger(__name__)

#: a phone-shaped desktop window (px)
DESKTOP_SIZE = (480, 900)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line on stderr and exit 2, as every `lotse` command does."""
        self.exit(2, f"lotse app: {message} (see 'lotse app --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lotse app", description=__doc__.split("\n\n")[0])
    parser.add_argument("--simulate", action="store_true",
                        help="start a simulated walk through the real guidance pipeline")
    parser.add_argument("--from", dest="origin", default="Hauptbahnhof", metavar="PLACE|LAT,LON",
                        help="start of the simulated walk (default: Hauptbahnhof)")
    parser.add_argument("--to", dest="destination", default="Stiftsplatz", metavar="PLACE|LAT,LON",
                        help="end of the simulated walk (default: Stiftsplatz)")
    parser.add_argument("--lang", choices=("de", "en"), default=None,
                        help="language of speech and screens (default: from the settings)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    _quiet_kivy()
    from mobile.app.platform import is_android

    try:
        controller = _controller(args.lang)
        start = "start"
        if args.simulate:
            controller.start_simulation(args.origin, args.destination)
            start = "guidance"
    except (OSError, ValueError, RuntimeError, LookupError) as exc:
        # NoVoiceError, ControllerError (no route, unknown place), OSM or settings trouble
        print(f"lotse app: {_first_line(exc)}", file=sys.stderr)
        return 1
    if not is_android():
        from kivy.config import Config

        # a right click is a click, not Kivy's red multitouch-emulation dot
        Config.set("input", "mouse", "mouse,multitouch_on_demand")
        from kivy.core.window import Window

        Window.size = DESKTOP_SIZE
    from mobile.app.kivy_app import LotseApp
    from mobile.app.permissions import platform_permissions

    probe = None
    if is_android():
        from mobile.app.ui.android_a11y import touch_exploration_enabled

        probe = touch_exploration_enabled
    try:
        LotseApp(controller, start=start, touch_exploration=probe,
                 permissions=platform_permissions()).run()
    finally:
        controller.shutdown()
    return 0


def _controller(lang: str | None):
    """The engine's controller for this device, in the chosen language (the app starts the
    radio once the permissions are answered)."""
    from mobile.app.controller import controller_for_this_device

    controller = controller_for_this_device()
    if lang is not None and lang != controller.settings.lang:
        controller.update_settings(lang=lang)
    return controller


def _quiet_kivy() -> None:
    """Kivy must not parse our arguments or chatter on the console; set before importing it."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


if __name__ == "__main__":
    sys.exit(main())
