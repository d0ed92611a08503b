"""The `lotse` console script: one name per task, each handled by the part that owns it.

Subcommand modules are imported only when their command runs, so `lotse say` does not pay for
osmnx and `lotse route` does not start Kivy. Each module exposes `main(argv) -> int`.
"""

from __future__ import annotations

import importlib
import sys

#: command -> the extra of pyproject.toml it needs beyond the base install
EXTRAS: dict[str, str] = {
    "serve": "server", "route": "server", "db": "server", "admin": "server",
    "walk": "app", "app": "app", "replay": "report",
}
#: command -> (module with main(argv), one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("lotse_server.serve", "run the routing and registry HTTP service"),
    "route": ("routing_service.cli", "compute an accessible route from the shell"),
    "build-graph": ("routing_service.cli_build", "compile an OSM extract into the served graph"),
    "db": ("beacon_registry.cli_db", "database migrations (lotse db upgrade)"),
    "admin": ("beacon_registry.cli_admin", "staff tokens and administration"),
    "say": ("accessibility.cli", "speak a text, or write it to a WAV file"),
    "walk": ("mobile.simulation.cli", "simulated walk through the full guidance pipeline"),
    "app": ("mobile.app.cli", "start the phone app on this desktop"),
    "replay": ("tester_log.review.cli", "re-run a tester log and write a report"),
    "locate": ("mobile.positioning.locate_cli", "positioning on a recorded BLE trace (+ error)"),
}


def _usage() -> str:
    lines = ["usage: lotse COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<11} {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "Run 'lotse COMMAND --help' for the options of one command."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"lotse: unknown command '{name}'\n\n{_usage()}", file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(COMMANDS[name][0])
    except ModuleNotFoundError as exc:
        extra = EXTRAS.get(name, "server")
        print(f"lotse {name}: needs the package '{exc.name}', which this installation lacks; "
              f"install it with: pip install 'lotse[{extra}]'", file=sys.stderr)
        return 1
    try:
        return int(module.main(rest) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
