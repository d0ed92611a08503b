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
