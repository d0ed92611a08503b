"""The staff console's view of an uploaded log: the same report as ``lotse replay``, as one page.

The server stores logs verbatim; this adapter turns one into the HTML report with its pictures
inlined (data URIs), so the page needs no second request and leaves no files behind. No re-run:
the server never imports the phone's radio code (bleak) or Kivy, and a re-run is a reviewer's
question for ``lotse replay`` on a desktop. matplotlib is imported here, and this module only when
a report is asked for.
"""

from __future__ import annotations

import base64
import os
import tempfile
from pathlib import Path

from tester_log.review.analysis import Truth, track
from tester_log.review.inputs import load_plan, plan_points
from tester_log.review.replay import first_route, one_session
from tester_log.review.report import ReplayData, write_report
from tester_log.schema import parse_lines


def report_html(content: bytes, *, name: str = "triplog.jsonl", lang: str = "de",
                plan_path: Path | None = None) -> str:
    """The report page of a stored log (its longest session); ``ValueError`` when the log holds
    no valid event. ``plan_path``: the beacon plan for "heard vs expected" (default: the
    shipped inner-city plan)."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    read = one_session(parse_lines(content.splitlines()))
    if not read.events:
        raise ValueError(f"the log holds no valid events ({len(read.problems)} corrupt lines)")
    if plan_path is None:
        from mobile.ble.plan import PLAN_PATH

        plan_path = PLAN_PATH if PLAN_PATH.exists() else None
    records = load_plan(plan_path) if plan_path else []
    data = ReplayData(source=name, read=read, rerun=None, route=first_route(read.events),
                      truth=Truth(timed=track(read.events, "truth")),
                      plan=plan_points(records))
    with tempfile.TemporaryDirectory(prefix="lotse-report-") as tmp:
        summary = write_report(Path(tmp), data, lang=lang)
        page = summary.html_path.read_text(encoding="utf-8")
        for png in summary.pngs:
            encoded = base64.b64encode(png.read_bytes()).decode("ascii")
            page = page.replace(f'src="{png.name}"', f'src="data:image/png;base64,{encoded}"')
    return page
