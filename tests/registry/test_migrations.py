"""Migrations upgrade an empty database, on SQLite and PostgreSQL, by code and by command."""

from __future__ import annotations

from sqlalchemy import inspect

from beacon_registry import cli_db
from beacon_registry.db import make_engine
from beacon_registry.migrate import current_revision, ensure_schema, head_revision

TABLES = {
    "beacons",
    "places",
    "notices",
    "obstacles",
    "audit_log",
    "api_tokens",
    "sightings",
    "tester_logs",
    "sighting_days",
    "rate_counters",
    "alembic_version",
}


def test_db_upgrade_command_on_empty_database(db_url, capsys):
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    assert cli_db.main(["upgrade", "--database-url", db_url]) == 0
    assert current_revision(engine) == head_revision()
    assert TABLES <= set(inspect(engine).get_table_names())
    assert "revision" in capsys.readouterr().out
    # idempotent: a second upgrade (and the on-start check) change nothing
    assert cli_db.main(["upgrade", "--database-url", db_url]) == 0
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_unreachable_database_is_one_line_error(capsys):
    rc = cli_db.main(["upgrade", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/x"])
    err = capsys.readouterr().err
    assert rc == 1 and err.startswith("lotse db:") and err.count("\n") == 1


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
