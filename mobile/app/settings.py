"""The user's settings on the phone: one validated object, kept in one small JSON file.

The screens change settings only through `GuideController.update_settings`, which validates
here, so a bad value (a typo in a JSON file, a slider out of range) is refused with a clear
message instead of reaching the speech or routing code. Files are written atomically: a crash
never leaves half a file.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)

DEFAULT_SERVER_URL = "http://127.0.0.1:8000"


class SettingsError(ValueError):
    """A settings file or change that cannot be used; the message is one readable line."""


class Favourite(BaseModel):
    """A saved destination: a name the user chose and where it is."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str = Field(min_length=1, max_length=80)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class AppSettings(BaseModel):
    """What the user can change on the settings screen (docs/CONTRACTS.md, Phone engine)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lang: Literal["de", "en"] = "de"
    verbosity: Literal["brief", "normal", "detailed"] = "normal"
    #: speech rate relative to the voice's normal rate (1.0 = normal)
    speech_rate: float = Field(default=1.0, ge=0.5, le=2.0)
    #: say "auf 2 Uhr" besides left/right
    clock_face: bool = False
    profile: Literal["blind", "low_vision", "walk"] = "blind"
    avoid_steps: bool = False
    signalled_crossings_only: bool = False
    #: None = the profile's default
    prefer_tactile_paving: bool | None = None
    #: tester logging is opt-in
    logging_enabled: bool = False
    server_url: str = DEFAULT_SERVER_URL
    #: ask the server for routes; off = route on the phone only (the server never sees the trip)
    route_on_server: bool = True
    favourites: tuple[Favourite, ...] = ()

    def changed(self, **changes: Any) -> AppSettings:
        """A copy with `changes` applied and validated; raises SettingsError on a bad change."""
        unknown = sorted(set(changes) - set(type(self).model_fields))
        if unknown:
            raise SettingsError(f"unknown setting: {', '.join(unknown)}")
        try:
            return type(self).model_validate({**self.model_dump(), **changes})
        except ValidationError as exc:
            raise SettingsError(_first_error(exc)) from None

    def route_options(self) -> dict[str, Any]:
        """The routing options in the form of `RouteOptions` / the POST /v1/routes body."""
        return {
            "avoid_steps": self.avoid_steps,
            "signalled_crossings_only": self.signalled_crossings_only,
            "prefer_tactile_paving": self.prefer_tactile_paving,
        }


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ())) or "settings"
    return f"{where}: {err.get('msg', 'invalid value')}"


def load_settings(path: Path) -> AppSettings:
    """Settings from `path`; defaults when the file does not exist yet."""
    if not path.exists():
        return AppSettings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"settings file {path} does not hold a JSON object")
    try:
        return AppSettings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(f"settings file {path}: {_first_error(exc)}") from None


def save_settings(settings: AppSettings, path: Path) -> None:
    """Write atomically (temp file + rename) so a crash never leaves a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(settings.model_dump(mode="json"), ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.debug("settings saved to %s", path)
