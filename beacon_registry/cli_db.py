"""`lotse db upgrade` (and `lotse db current`): Alembic migrations of the registry database."""

from __future__ import annotations

import argparse
import logging
import sys

from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lotse db", description="registry database migrations")
    parser.add_argument("action", choices=["upgrade", "current"])
    parser.add_argument("--database-url", help="default: settings (DATABASE_URL wins)")
    args = parser.parse_args(argv)

    from beacon_registry.db import ensure_sqlite_dir, make_engine
    from beacon_registry.migrate import current_revision, head_revision, upgrade
    from lotse_common.settings import settings

    url = args.database_url or settings().database_url
    try:
        ensure_sqlite_dir(url)
        engine = make_engine(url)
        if args.action == "upgrade":
            before = current_revision(engine)
            rev = upgrade(engine)
            print(f"database at revision {rev} (was {before or 'empty'})")
        else:
            print(f"current {current_revision(engine) or 'empty'}, newest {head_revision()}")
    except (SQLAlchemyError, OSError) as exc:
        print(f"lotse db: cannot reach the database: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    return 0
