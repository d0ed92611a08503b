"""The replay report of a tester log, as one self-contained HTML page for the console.

The report code is the tester-log part's (``tester_log.review.server``, the same page as the
staff API's report endpoint, PNGs inlined); this module is the one place the web layer names it,
imported on use so the server starts and serves without it, and it keeps recent pages.
"""

from __future__ import annotations

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


def log_report(sha256: str, content: bytes, beacons_geojson: dict, lang: str = "de") -> str:
    """The report page for one stored log, with the registry's current beacons as the plan.

    ``ValueError`` when the log cannot be replayed at all (no valid events).
    """
    from tester_log.review.server import report_html

    key = f"{sha256}:{lang}"
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    with tempfile.TemporaryDirectory(prefix="lotse-report-") as tmp:
        folder = Path(tmp)
        plan_path = None
        if beacons_geojson.get("features"):
            plan_path = folder / "beacons.geojson"
            plan_path.write_text(json.dumps(beacons_geojson), encoding="utf-8")
        page = report_html(content, name=f"{sha256[:12]}.jsonl", lang=lang, plan_path=plan_path)
    with _lock:
        _cache[key] = page
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return page
