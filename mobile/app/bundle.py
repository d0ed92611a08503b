"""The offline area bundle: beacons, places, notices, obstacles and the compiled walk graph.

Downloaded from `GET /v1/bundle` with the saved ETag, so an unchanged bundle costs one 304; the
compiled graph is fetched only when its hash changes. Both are written atomically next to each
other, so the phone can route with the routing core with no network at all — and the server
never learns where anyone walks.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

log = logging.getLogger(__name__)

BUNDLE_FILE = "bundle.json"
ETAG_FILE = "bundle.etag"
TIMEOUT_S = 10.0


class BundleUnavailable(RuntimeError):
    """No bundle on the phone and none could be fetched; the message says why in one line."""


@dataclass
class Bundle:
    data: dict[str, Any]
    etag: str | None
    graph_path: Path | None
    #: True when this sync reached the server (200 or 304), False when the saved copy is used
    fresh: bool = False
    changed: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def beacons(self) -> list[dict[str, Any]]:
        return list(self.data.get("beacons") or [])

    @property
    def places(self) -> list[dict[str, Any]]:
        return list(self.data.get("places") or [])

    @property
    def obstacles(self) -> list[dict[str, Any]]:
        return list(self.data.get("obstacles") or [])

    @property
    def graph_hash(self) -> str | None:
        return (self.data.get("graph") or {}).get("hash")


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class BundleClient:
    """Keeps the bundle in `cache_dir` in step with the server at `server_url`."""

    def __init__(self, server_url: str, cache_dir: Path,
                 http: httpx.Client | None = None) -> None:
        self.server_url = server_url.rstrip("/")
        self.cache_dir = Path(cache_dir)
        self.http = http or httpx.Client(timeout=TIMEOUT_S)
        self.requests = 0

    def graph_file(self, graph_hash: str) -> Path:
        return self.cache_dir / "graphs" / f"lotse-graph-{graph_hash}.npz"

    def cached(self) -> Bundle | None:
        path = self.cache_dir / BUNDLE_FILE
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            log.warning("saved bundle unreadable (%s); ignoring it", exc)
            return None
        etag_path = self.cache_dir / ETAG_FILE
        etag = etag_path.read_text().strip() if etag_path.exists() else None
        ghash = (data.get("graph") or {}).get("hash")
        graph = self.graph_file(ghash) if ghash and self.graph_file(ghash).exists() else None
        return Bundle(data, etag, graph)

    def sync(self) -> Bundle:
        """Fetch when changed; fall back to the saved bundle when the server cannot be reached."""
        saved = self.cached()
        headers = {"If-None-Match": saved.etag} if saved and saved.etag else {}
        try:
            self.requests += 1
            resp = self.http.get(f"{self.server_url}/v1/bundle", headers=headers)
        except httpx.HTTPError as exc:
            return self._offline(saved, f"server not reachable: {exc}")
        if resp.status_code == 304 and saved is not None:
            saved.fresh = True
            return self._ensure_graph(saved)
        if resp.status_code != 200:
            return self._offline(saved, f"bundle request failed: HTTP {resp.status_code}")
        try:
            data = resp.json()
        except ValueError:
            return self._offline(saved, "bundle is not JSON")
        if not isinstance(data, dict) or "beacons" not in data:
            return self._offline(saved, "bundle lacks beacons")
        _write_atomic(self.cache_dir / BUNDLE_FILE, resp.content)
        etag = resp.headers.get("ETag")
        if etag:
            _write_atomic(self.cache_dir / ETAG_FILE, etag.encode())
        bundle = Bundle(data, etag, None, fresh=True, changed=True)
        return self._ensure_graph(bundle)

    def _ensure_graph(self, bundle: Bundle) -> Bundle:
        ghash = bundle.graph_hash
        if not ghash:
            return bundle
        path = self.graph_file(ghash)
        if not path.exists():
            url = (bundle.data.get("graph") or {}).get("url") or f"/v1/graph/{ghash}"
            try:
                self.requests += 1
                resp = self.http.get(f"{self.server_url}{url}")
                resp.raise_for_status()
                _write_atomic(path, resp.content)
            except httpx.HTTPError as exc:
                bundle.problems.append(f"graph download failed: {exc}")
                log.warning("graph download failed: %s", exc)
                return bundle
        bundle.graph_path = path
        return bundle

    def _offline(self, saved: Bundle | None, reason: str) -> Bundle:
        log.warning("%s", reason)
        if saved is None:
            raise BundleUnavailable(reason)
        saved.problems.append(reason)
        return saved


def load_bundle_network(bundle: Bundle) -> Any:
    """The routing core's `WalkNetwork` from the downloaded compiled graph (None without one)."""
    if bundle.graph_path is None:
        return None
    from routing_service.compiled import WalkNetwork

    return WalkNetwork.load(bundle.graph_path)
