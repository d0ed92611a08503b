"""What a city may configure for the pages: a background tile layer, where it has its own.

Without one the maps draw the walk network alone (no request leaves the server). With
``LOTSE_WEB_TILE_URL`` (a Leaflet URL template such as ``https://tiles.example.de/{z}/{x}/{y}.png``)
the maps put those tiles underneath, and the pages' Content-Security-Policy allows that one origin
for images and nothing else.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOTSE_WEB_", frozen=True)

    #: Leaflet tile URL template of the city's own tile server; empty: no tiles
    tile_url: str = ""
    #: credit shown for those tiles (the OSM attribution is always shown)
    tile_attribution: str = ""

    @field_validator("tile_url")
    @classmethod
    def _https_template(cls, value: str) -> str:
        if value and (urlsplit(value).scheme not in ("http", "https") or "{z}" not in value):
            raise ValueError("LOTSE_WEB_TILE_URL must be an http(s) URL template with {z}/{x}/{y}")
        return value

    @property
    def tile_origin(self) -> str:
        parts = urlsplit(self.tile_url)
        return f"{parts.scheme}://{parts.netloc}" if self.tile_url else ""


@lru_cache(maxsize=1)
def web_settings() -> WebSettings:
    return WebSettings()
