"""The phone's package list (buildozer.spec) agrees with pyproject's; extras split by deployment.

A dependency added to the phone's code but not to buildozer.spec fails only on a device, long after
the change; these checks fail at once.
"""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: desktop-only voice: on Android plyer speaks
DESKTOP_ONLY = {"pyttsx3"}
#: python-for-android recipe names that differ from the PyPI name
P4A_NAMES = {"opening-hours-py": "opening_hours"}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].strip().lower()


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _apk_requirements() -> set[str]:
    spec = configparser.ConfigParser()
    spec.read(ROOT / "buildozer.spec")
    raw = spec["app"]["requirements"]
    return {_name(r) for r in raw.replace("\n", ",").split(",") if r.strip()}


def test_every_phone_dependency_is_in_the_apk():
    project = _pyproject()["project"]
    phone = [*project["dependencies"], *project["optional-dependencies"]["app"]]
    wanted = {P4A_NAMES.get(_name(r), _name(r)) for r in phone} - DESKTOP_ONLY
    missing = wanted - _apk_requirements()
    assert not missing, f"buildozer.spec lacks {sorted(missing)}"


def test_no_server_or_report_package_in_the_apk():
    extras = _pyproject()["project"]["optional-dependencies"]
    off_phone = {_name(r) for r in [*extras["server"], *extras["report"]]}
    assert not (off_phone & _apk_requirements())


def test_the_licence_is_an_spdx_expression():
    assert _pyproject()["project"]["license"] == "MIT"


def test_import_arrows_hold():
    """The contracts of pyproject's [tool.importlinter] (also run by scripts/test.sh)."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "broken" in done.stdout and " 0 broken" in done.stdout
