"""The replay report of a tester log, as one self-contained HTML page for the console.

The replay and report code is the tester-log part's; this module is the one place the web layer
names it (imported on use, so the server starts without it), and it inlines the report's PNGs
so the page can be shown from a fetched string without a second authenticated request.
"""

from __future__ import annotations

import base64
import json
import logging
import tempfile
from collections import OrderedDict
from pathlib import Path
from threading import Lock

log = logging.getLogger(__name__)

#: reports kept in memory, keyed by the log's SHA-256 (a replay takes seconds)
CACHE_SIZE = 8
_cache: OrderedDict[str, str] = OrderedDict()
_lock = Lock()


def _replay_to_html(log_path: Path, plan_path: Path | None, osm_path: Path | None,
                    cache_dir: Path | None, out_dir: Path) -> tuple[str, list[Path]]:
    """Run the replay and write its report; answer the HTML and the images it refers to."""
    from mobile.replay import replay
    from mobile.report import write_report

    data = replay(log_path, plan_path=plan_path, osm_path=osm_path, cache_dir=cache_dir)
    summary = write_report(out_dir, data)
    return summary.html_path.read_text(encoding="utf-8"), list(summary.pngs)


def inline_images(html: str, pngs: list[Path]) -> str:
    for png in pngs:
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        html = html.replace(f'src="{png.name}"', f'src="data:image/png;base64,{data}"')
    return html


def log_report(sha256: str, content: bytes, beacons_geojson: dict, osm_path: Path | None,
               cache_dir: Path | None) -> str:
    """The report page for one stored log, replayed against the registry's current beacons.

    ``ValueError`` when the log cannot be replayed at all (no valid events).
    """
    with _lock:
        if sha256 in _cache:
            _cache.move_to_end(sha256)
            return _cache[sha256]
    with tempfile.TemporaryDirectory(prefix="lotse-report-") as tmp:
        folder = Path(tmp)
        log_path = folder / "trip.jsonl"
        log_path.write_bytes(content)
        plan_path = None
        if beacons_geojson.get("features"):
            plan_path = folder / "beacons.geojson"
            plan_path.write_text(json.dumps(beacons_geojson), encoding="utf-8")
        html, pngs = _replay_to_html(log_path, plan_path, osm_path, cache_dir, folder / "report")
        page = inline_images(html, pngs)
    with _lock:
        _cache[sha256] = page
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return page
