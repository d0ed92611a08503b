"""The client side of `bench_load.py`, run in a process of its own: closed-loop keep-alive readers
and, in one process, the staff writer. Plain asyncio streams and hand-written HTTP/1.1, so the
client costs as little as it can on the machine it shares with the server.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

#: an answer not there after this long is a time-out (seconds)
TIMEOUT_S = 10.0
#: connections the writer spreads its writes over
WRITER_CONNECTIONS = 4


async def exchange(reader, writer, method: str, target: str, body: bytes,
                   headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One request on an open keep-alive connection; (status, headers, body)."""
    verb = "GET" if method == "BUNDLE" else method
    head = f"{verb} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    answer = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        answer[name.strip().lower()] = value.strip()
    length = int(answer.get("content-length", "0"))
    content = await reader.readexactly(length) if length else b""
    return status, answer, content


class Connection:
    """One keep-alive connection, reopened after a failure."""

    def __init__(self, port: int) -> None:
        self.port, self.reader, self.writer = port, None, None

    async def ask(self, method: str, target: str, body: bytes = b"",
                  headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """Raises ConnectionRefusedError when it cannot connect, TimeoutError/OSError else."""
        if self.writer is None:
            try:
                self.reader, self.writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", self.port), TIMEOUT_S)
            except (TimeoutError, OSError) as exc:
                raise ConnectionRefusedError(str(exc)) from exc
        try:
            status, answer, content = await asyncio.wait_for(
                exchange(self.reader, self.writer, method, target, body, headers or {}),
                TIMEOUT_S)
        except (TimeoutError, OSError, ConnectionError, ValueError, IndexError,
                asyncio.IncompleteReadError):
            self.close()
            raise TimeoutError(target) from None
        if answer.get("connection") == "close":
            self.close()
        return status, answer, content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _reader(port: int, deck, start: int, stop_at: float, out: dict, codes: Counter,
                  etag: dict) -> None:
    conn, i = Connection(port), start
    while time.monotonic() < stop_at:
        method, target, body = deck[i % len(deck)]
        i += 1
        # the bundle asked as the phone's HTTP client asks it: with its ETag, accepting gzip
        headers = ({"Accept-Encoding": "gzip"} | ({"If-None-Match": etag["v"]} if "v" in etag
                                                  else {})) if method == "BUNDLE" else {}
        t0 = time.perf_counter()
        try:
            status, answer, _ = await conn.ask(method, target, body, headers)
        except ConnectionRefusedError:
            codes["connect_failed"] += 1
            await asyncio.sleep(0.1)
            continue
        except TimeoutError:
            codes["timeout"] += 1
            continue
        codes[str(status)] += 1
        if status == 503:
            wait = float(answer.get("retry-after", "1"))
            await asyncio.sleep(max(0.0, min(wait, stop_at - time.monotonic())))
            continue
        out.setdefault(target.split("?")[0], []).append(time.perf_counter() - t0)
        if method == "BUNDLE" and "etag" in answer:
            etag["v"] = answer["etag"]
    conn.close()


class Writer:
    """A staff member's writes at a fixed rate: notice, beacon placement, obstacle, retire the
    notice, in turn. Each kind is a real staff endpoint; every one changes the bundle."""

    def __init__(self, port: int, plan: dict, stop_at: float) -> None:
        self.port, self.stop_at, self.rate = port, stop_at, plan["rate"]
        self.auth = {"Authorization": f"Bearer {plan['token']}"}
        self.beacons = plan["beacons"]  # [{"id", "version"}], shared with other cells' writers
        self.bbox = plan["bbox"]
        self.notices: list[dict] = []
        self.stats = Counter()
        self.latencies: list[float] = []
        self.rng = random.Random(20)

    def _write(self, k: int) -> tuple[str, str, dict]:
        now = datetime.now(UTC)
        window = {"valid_from": (now - timedelta(hours=1)).isoformat(),
                  "valid_to": (now + timedelta(hours=1)).isoformat()}
        kind = k % 4
        if kind == 3 and self.notices:
            notice = self.notices.pop(0)
            return "POST", f"/v1/staff/notices/{notice['id']}/retire", {
                "version": notice["version"]}
        if kind == 1:
            beacon = self.beacons[k % len(self.beacons)]
            return "PATCH", f"/v1/staff/beacons/{beacon['id']}", {
                "version": beacon["version"], "placement_de": f"Lasttest {k}"}
        if kind == 2:
            min_lon, min_lat, max_lon, max_lat = self.bbox
            point = [self.rng.uniform(min_lon, max_lon), self.rng.uniform(min_lat, max_lat)]
            return "POST", "/v1/staff/obstacles", {
                "kind": "hazard", "effect": "penalty", "factor": 2, "radius_m": 3,
                "geometry": {"type": "Point", "coordinates": point}, **window}
        return "POST", "/v1/staff/notices", {
            "kind": "event", "text_de": f"Lasttest {k}", "area": "innenstadt", **window}

    async def run(self, lane: int) -> None:
        conn, start = Connection(self.port), time.monotonic()
        k = lane
        while (due := start + k / self.rate) < self.stop_at:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            await self._one(conn, k)
            k += WRITER_CONNECTIONS
        conn.close()

    async def _one(self, conn: Connection, k: int) -> None:
        method, target, payload = self._write(k)
        body = json.dumps(payload).encode()
        t0 = time.perf_counter()
        for _attempt in range(3):  # a shed write is sent again after the Retry-After asked
            try:
                status, answer, content = await conn.ask(method, target, body, self.auth)
            except (TimeoutError, ConnectionRefusedError):
                self.stats["failed"] += 1
                self.stats["timeout"] += 1
                return
            if status == 503 and b"service is busy" in content:
                self.stats["shed"] += 1
                await asyncio.sleep(float(answer.get("retry-after", "1")))
                continue
            break
        self.latencies.append(time.perf_counter() - t0)
        if 200 <= status < 300:
            self.stats["ok"] += 1
            self._remember(target, json.loads(content))
            return
        self.stats["failed"] += 1
        self.stats["locked"] += b"database is busy" in content or b"locked" in content
        self.stats[f"status_{status}"] += 1

    def _remember(self, target: str, record: dict) -> None:
        if target == "/v1/staff/notices":
            self.notices.append(record)
        elif target.startswith("/v1/staff/beacons/"):
            beacon = next(b for b in self.beacons if b["id"] == record["id"])
            beacon["version"] = record["version"]

    def report(self) -> dict:
        return {"ok": self.stats["ok"], "failed": self.stats["failed"],
                "locked": self.stats["locked"], "shed_then_retried": self.stats["shed"],
                "timeouts": self.stats["timeout"],
                **{k: v for k, v in self.stats.items() if k.startswith("status_")},
                "latencies": self.latencies}


def run_clients(job: dict, pipe) -> None:
    """Process entry: `job['connections']` readers (and the writer, if any) for the duration;
    sends {"codes", "latencies", "writes"} back through `pipe`."""

    async def main() -> dict:
        latencies: dict[str, list[float]] = {}
        codes: Counter = Counter()
        etag: dict = {}
        stop_at = time.monotonic() + job["duration"]
        deck, step = job["deck"], max(1, len(job["deck"]) // job["spread"])
        tasks = [_reader(job["port"], deck, (job["first"] + c) * step, stop_at, latencies,
                         codes, etag) for c in range(job["connections"])]
        writer = Writer(job["port"], job["writer"], stop_at) if job["writer"] else None
        if writer:
            tasks += [writer.run(lane) for lane in range(WRITER_CONNECTIONS)]
        await asyncio.gather(*tasks)
        return {"codes": dict(codes), "latencies": latencies,
                "writes": writer.report() if writer else None}

    pipe.send(asyncio.run(main()))
