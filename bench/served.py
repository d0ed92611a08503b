"""``lotse serve`` started, timed to its first route, and measured, for bench_routing.py.

The server runs as its own process group under ``timeout``, so a bench that dies cannot leave
it running; its memory is read per process (a forked worker's private memory is what it adds
beyond the pages it shares with the others).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: a server started by a bench ends after this long whatever happens (seconds)
SERVER_LIMIT_S = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(osm: Path, cache: Path, workdir: Path, workers: int
                 ) -> tuple[subprocess.Popen, str, float]:
    """``lotse serve`` on 127.0.0.1; (process, base url, seconds to its first route)."""
    import httpx

    port = free_port()
    env = {**os.environ, "LOTSE_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT),
           "DATABASE_URL": f"sqlite:///{workdir / 'registry.db'}"}
    t = time.perf_counter()
    server = subprocess.Popen(
        ["timeout", str(SERVER_LIMIT_S), sys.executable, "-m", "lotse", "serve", "--osm",
         str(osm), "--port", str(port), "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    body = {"from": {"lat": 49.4447, "lon": 7.7700}, "to": {"lat": 49.4395, "lon": 7.7680}}
    with httpx.Client(base_url=url, timeout=5) as client:
        for _ in range(3000):  # bounded wait
            try:
                if client.post("/v1/routes", json=body).status_code == 200:
                    return server, url, time.perf_counter() - t
            except httpx.TransportError:
                time.sleep(0.01)
    stop(server)
    raise SystemExit("server did not answer")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, 15)
    server.wait(timeout=20)


def descendants(pid: int) -> list[int]:
    kids = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [pid, *(d for k in kids.split() for d in descendants(int(k)))]


def memory_of_tree(pid: int) -> list[tuple[int, float, float, float]]:
    """(pid, RSS, PSS, private MB) of the Python processes among a process and its descendants.
    A forked worker's private memory is what it adds beyond the pages it shares."""
    out = []
    for p in descendants(pid):
        try:
            if b"python" not in Path(f"/proc/{p}/cmdline").read_bytes():
                continue
            rows = Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()[1:]
        except OSError:
            continue
        kb = {k: int(v.split()[0]) for k, v in (row.split(":", 1) for row in rows)}
        private = kb["Private_Clean"] + kb["Private_Dirty"]
        out.append((p, kb["Rss"] / 1024, kb["Pss"] / 1024, private / 1024))
    return out
