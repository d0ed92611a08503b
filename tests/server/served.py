"""Real `lotse serve` processes on 127.0.0.1 for tests and benchmarks: start, wait, stop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(database_url: str, workers: int = 1, port: int | None = None,
          log: Path | None = None, env: dict[str, str] | None = None):
    """A `lotse serve` process; returns (process, base URL) once /readyz answers 200."""
    port = port or free_port()
    environ = os.environ | {"DATABASE_URL": database_url, "PYTHONPATH": str(ROOT),
                            "LOTSE_CACHE_DIR": str(ROOT / "var" / "cache" / "tests")} | (env or {})
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [sys.executable, "-m", "lotse", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a busy shared machine starts slowly
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"lotse serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop(proc)
    raise RuntimeError("lotse serve did not become ready in 120 s")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM (uvicorn stops its workers too), then SIGKILL if it does not end."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
