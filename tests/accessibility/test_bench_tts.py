"""The TTS benchmark runs and reports every figure (so it cannot rot between releases)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from lotse_common.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")


def test_bench_reports_latency_percentiles(tmp_path):
    out = tmp_path / "tts.json"
    done = subprocess.run(
        [sys.executable, "bench/bench_tts.py", "--runs", "2", "--json", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    assert set(figures) == {"base_first", "base_full", "first", "full", "file"}
    assert figures["first"]["n"] == 2 * 10 * 2  # runs x maneuvers x languages
    for f in figures.values():
        assert 0 < f["median_ms"] <= f["p95_ms"] <= f["p99_ms"] < 5000
    assert figures["first"]["median_ms"] <= figures["full"]["median_ms"]
    assert "In 20 Metern links abbiegen" in done.stdout
