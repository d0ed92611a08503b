"""Drive an HTTP load with wrk (a compiled load generator), so the clients cost little CPU.

On a two-core machine a Python client (httpx, asyncio) spends about as much CPU per request as
the server it measures, so a throughput figure taken with it says more about the client than the
server. wrk (Debian package ``wrk``, installed by scripts/setup.sh) sends the requests from one
thread in C; a Lua script cycles through the request bodies given here.

Used by the benchmarks only; not a test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_SCRIPT = """
local bodies = {}
for line in io.lines("%(bodies)s") do bodies[#bodies + 1] = line end
local n = 0
wrk.method = "%(method)s"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n %% #bodies + 1
  return wrk.format(nil, "%(path)s", nil, bodies[n])
end
done = function(summary, latency, requests)
  io.write(string.format("LOTSE %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
  io.write(string.format("ERRORS %%d %%d %%d %%d %%d\\n", summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured; latencies in milliseconds."""

    requests: int
    duration_s: float
    median_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]

    @property
    def per_second(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


def available() -> bool:
    return shutil.which("wrk") is not None


def run(url: str, path: str, bodies: list[dict], *, connections: int, seconds: float,
        threads: int = 1, method: str = "POST", timeout_s: float = 10.0) -> WrkResult:
    """Send ``bodies`` round-robin to ``url + path`` from ``connections`` keep-alive
    connections for ``seconds``; raise RuntimeError when wrk is missing or prints no summary."""
    if not available():
        raise RuntimeError("wrk is not installed (scripts/setup.sh installs the Debian package)")
    with tempfile.TemporaryDirectory(prefix="lotse-wrk-") as tmp:
        body_file = Path(tmp, "bodies.jsonl")
        body_file.write_text("".join(json.dumps(b, separators=(",", ":")) + "\n"
                                     for b in bodies))
        script = Path(tmp, "lotse.lua")
        script.write_text(_SCRIPT % {"bodies": body_file, "method": method, "path": path})
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
             f"--timeout={max(1, round(timeout_s))}s", "-s", str(script), url],
            capture_output=True, text=True, timeout=seconds + timeout_s + 30)
    return parse(out.stdout + out.stderr)


def parse(text: str) -> WrkResult:
    """Read the two summary lines the Lua script prints (microseconds from wrk)."""
    m = re.search(r"^LOTSE (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", text, re.M)
    e = re.search(r"^ERRORS (\d+) (\d+) (\d+) (\d+) (\d+)$", text, re.M)
    if not m or not e:
        raise RuntimeError(f"wrk printed no summary:\n{text.strip()[-2000:]}")
    requests, duration_us, p50, p95, p99, top = (int(g) for g in m.groups())
    names = ("connect", "read", "write", "status", "timeout")
    return WrkResult(requests=requests, duration_s=duration_us / 1e6, median_ms=p50 / 1000,
                     p95_ms=p95 / 1000, p99_ms=p99 / 1000, max_ms=top / 1000,
                     errors=dict(zip(names, (int(g) for g in e.groups()), strict=True)))
