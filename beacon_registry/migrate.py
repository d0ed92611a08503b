"""Alembic driven from code, so migrations work from an installed wheel without an alembic.ini.

`upgrade(url)` is what `lotse db upgrade` runs; `ensure_schema(engine)` is what the app runs on
start: it upgrades only when the database is behind the newest revision.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision on this engine; returns that revision."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return head_revision()


def ensure_schema(engine: Engine) -> None:
    """Upgrade on start only when needed, so a running fleet does not race on migrations."""
    if current_revision(engine) != head_revision():
        logger.info("registry schema is behind; upgrading to %s", head_revision())
        upgrade(engine)
