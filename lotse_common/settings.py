"""Where Lotse finds its default data and keeps its files, resolved once from the environment.

Frozen settings rather than module globals mutated at run time: every part reads the same values.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_OSM = PROJECT_ROOT.parent / "shared" / "data" / "osm"


class Settings(BaseSettings):
    """Environment variables prefixed LOTSE_ (and DATABASE_URL) override these defaults."""

    model_config = SettingsConfigDict(env_prefix="LOTSE_", frozen=True)

    #: the default service area: the inner-city extract
    osm_path: Path = SHARED_OSM / "kaiserslautern_cc.osm.gz"
    #: compiled graphs, Overpass responses and other rebuildable files
    cache_dir: Path = PROJECT_ROOT / "var" / "cache"
    #: SQLite by default; PostgreSQL for a city deployment (DATABASE_URL wins when set)
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'lotse.db'}"


@lru_cache(maxsize=1)
def settings() -> Settings:
    import os

    overrides = {}
    if os.environ.get("DATABASE_URL"):
        overrides["database_url"] = os.environ["DATABASE_URL"]
    return Settings(**overrides)
