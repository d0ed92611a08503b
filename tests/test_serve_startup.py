"""`lotse serve` start-up failures are one line on stderr naming the file, nothing before it."""

from __future__ import annotations

import gzip
import subprocess
import sys

import pytest

LOTSE = [sys.executable, "-m", "lotse"]


@pytest.mark.parametrize("kind", ["missing", "broken"])
def test_bad_extract_is_one_line_naming_the_file(tmp_path, kind):
    path = tmp_path / "extract.osm.gz"
    if kind == "broken":
        path.write_bytes(gzip.compress(b"<osm><node id='1' lat='x'"))
    run = subprocess.run([*LOTSE, "serve", "--osm", str(path)], capture_output=True, text=True,
                         timeout=120, env={"LOTSE_CACHE_DIR": str(tmp_path / "cache"),
                                           "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}",
                                           "PATH": "/usr/bin:/bin"})
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("lotse serve: ") and str(path) in lines[0]


def test_an_up_to_date_database_starts_without_alembic(tmp_path):
    """Alembic (with mako and pygments) is imported only when a migration is needed: the first
    start of a new database migrates it, the next finds it at the newest revision without."""
    from beacon_registry.migrate import head_from_files, head_revision

    assert head_from_files() == head_revision()
    script = (
        "import sys\n"
        "from beacon_registry.db import make_engine\n"
        "from beacon_registry.migrate import ensure_schema, head_from_files\n"
        f"engine = make_engine('sqlite:///{tmp_path / 'r.db'}')\n"
        "ensure_schema(engine)\n"
        "with engine.connect() as conn:\n"
        "    stored = conn.exec_driver_sql('SELECT version_num FROM alembic_version').scalar()\n"
        "print(stored == head_from_files(), 'alembic' in sys.modules)\n")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           timeout=120, check=True).stdout.split() for _ in range(2)]
    assert runs == [["True", "True"], ["True", "False"]]
