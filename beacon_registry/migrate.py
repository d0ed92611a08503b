"""Alembic driven from code, so migrations work from an installed wheel without an alembic.ini.

`upgrade(url)` is what `lotse db upgrade` runs; `ensure_schema(engine)` is what the app runs on
start: it upgrades only when the database is behind the newest revision. Alembic (with mako and
pygments, a tenth of a server's start-up) is imported only when a migration is needed: a database
already at the newest revision is recognised by one query and the revision files' own lines.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r'^revision = "([^"]+)"$', re.M)
_DOWN_REVISION = re.compile(r'^down_revision = (None|"([^"]+)")$', re.M)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision on this engine; returns that revision."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return head_revision()


def head_from_files() -> str | None:
    """The newest revision read from the revision files' ``revision = "…"`` and
    ``down_revision = …`` lines; None unless they form one simple chain (then ask alembic)."""
    revisions, downs = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text("utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            if path.name != "__init__.py":
                return None
            continue
        revisions.add(revision.group(1))
        if down.group(2):
            downs.add(down.group(2))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 and downs <= revisions else None


def _at_head_without_alembic(engine: Engine) -> bool:
    """True if the database's stored revision is the files' newest (one query, no alembic)."""
    head = head_from_files()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
            stored = [row[0] for row in rows]
    except SQLAlchemyError:  # no version table yet: a new database
        return False
    return stored == [head]


def ensure_schema(engine: Engine) -> None:
    """Upgrade on start only when needed, so a running fleet does not race on migrations."""
    if _at_head_without_alembic(engine):
        return
    if current_revision(engine) != head_revision():
        logger.info("registry schema is behind; upgrading to %s", head_revision())
        upgrade(engine)
