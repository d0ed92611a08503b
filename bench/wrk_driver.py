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

_SCRIPT = r"""
local reqs = {}
for line in io.lines("%(requests)s") do
  local method, path, head, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
  local headers = {}
  for name, value in head:gmatch("([^|:]+): ([^|]*)") do headers[name] = value end
  if body == "" then body = nil end
  reqs[#reqs + 1] = wrk.format(method, path, headers, body)
end
local n = 0
request = function()
  n = n %% #reqs + 1
  return reqs[n]
end
codes = {}
response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end
local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
done = function(summary, latency, requests)
  io.write(string.format("LOTSE %%d %%d %%d %%d %%d %%d\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
  io.write(string.format("ERRORS %%d %%d %%d %%d %%d\n", summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("codes")) do
      io.write(string.format("STATUS %%d %%d\n", status, count))
    end
  end
end
"""


@dataclass(frozen=True)
class Request:
    """One request of the round-robin: method, path, JSON body (or None) and headers."""

    method: str
    path: str
    body: dict | list | None = None
    headers: tuple[tuple[str, str], ...] = ()

    def line(self) -> str:
        head = "|".join(f"{k}: {v}" for k, v in self.headers)
        if self.body is not None:
            head = "|".join(filter(None, [head, "Content-Type: application/json"]))
        body = "" if self.body is None else json.dumps(self.body, separators=(",", ":"))
        if any(c in "\t\n|" for k, v in self.headers for c in k + v):
            raise ValueError("a header may not contain a tab, newline or '|'")
        return f"{self.method}\t{self.path}\t{head}\t{body}\n"


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
    statuses: dict[int, int]

    @property
    def per_second(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


def available() -> bool:
    return shutil.which("wrk") is not None


def run(url: str, requests: list[Request], *, connections: int, seconds: float,
        threads: int = 1, timeout_s: float = 10.0) -> WrkResult:
    """Send ``requests`` round-robin to ``url`` from ``connections`` keep-alive connections for
    ``seconds``; raise RuntimeError when wrk is missing or prints no summary."""
    if not available():
        raise RuntimeError("wrk is not installed (scripts/setup.sh installs the Debian package)")
    with tempfile.TemporaryDirectory(prefix="lotse-wrk-") as tmp:
        request_file = Path(tmp, "requests.tsv")
        request_file.write_text("".join(r.line() for r in requests))
        script = Path(tmp, "lotse.lua")
        script.write_text(_SCRIPT % {"requests": request_file})
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
                     errors=dict(zip(names, (int(g) for g in e.groups()), strict=True)),
                     statuses={int(a): int(b) for a, b in
                               re.findall(r"^STATUS (\d+) (\d+)$", text, re.M)})
