"""The replay report: one HTML page (plus PNG plots) that leads with the verdict.

On top a summary box: arrived and arrival said or not, false or real off-route alarms, late or
missing instructions, silent stretches, the worst position error — each line with a label the map
and the error plot draw at its place and time, and links to both. Below: the map, the error plot,
the beacons that need a visit (the full beacon table folded), the decision points of every route
followed, what the re-run said differently, markers and corrupt lines. Everything shown is
decided in ``analysis``, ``verdict`` and ``beacon_check``; this module only lays it out, in
German or English (``tester_log.review.texts``). Plain ``html.escape`` and f-strings: the page is
small and must not depend on a template engine.
"""

from __future__ import annotations

import html
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lotse_common import ATTRIBUTION
from tester_log.review import analysis as ra
from tester_log.review import sections
from tester_log.review.beacon_check import needing_visit, path_loss_exponent, with_residuals
from tester_log.review.plots import Drawn, error_plot, map_plot
from tester_log.review.texts import tr
from tester_log.review.verdict import Verdict, verdict
from tester_log.schema import LogRead

logger = logging.getLogger(__name__)

MAP_PNG = "map.png"
ERROR_PNG = "error.png"
REPORT_HTML = "report.html"
#: log events drawn as thin lines on the error plot
PLOTTED_EVENTS = ("off_route", "reroute", "arrival", "position_uncertain", "marker")

LatLon = tuple[float, float]


@dataclass
class ReplayData:
    """Everything a report is made from (``tester_log.review.replay`` fills it)."""

    source: str
    read: LogRead
    rerun: list[dict] | None  # events the current code logged; None when it could not run
    rerun_note: str = ""  # why there is no re-run (the error), or how many events it made
    route: dict | None = None
    truth: ra.Truth = field(default_factory=ra.Truth)
    plan: list[dict] = field(default_factory=list)  # {"key","lat","lon","placement"}
    #: streets of the extract around the walk: (name or None, (lat, lon) points)
    streets: list[tuple[str | None, list[LatLon]]] = field(default_factory=list)
    #: not_requested, done, impossible or failed
    rerun_status: str = "not_requested"


@dataclass(frozen=True)
class ReportSummary:
    html_path: Path
    pngs: list[Path]
    events: int
    corrupt: int
    announcements_log: int
    announcements_rerun: int | None
    log_error: ra.ErrorStats | None
    rerun_error: ra.ErrorStats | None
    flagged_beacons: int
    markers: int
    verdict: Verdict | None = None
    lang: str = "de"
    #: labels drawn on the map and on the error plot
    map_markers: list[str] = field(default_factory=list)
    plot_markers: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The one-line summary ``lotse replay`` prints."""
        parts = [f"{self.events} events"]
        if self.corrupt:
            parts.append(f"{self.corrupt} corrupt lines skipped")
        rerun = "-" if self.announcements_rerun is None else str(self.announcements_rerun)
        parts.append(f"announcements log {self.announcements_log} / re-run {rerun}")
        if self.log_error or self.rerun_error:
            log_m = f"{self.log_error.mean_m:.1f} m" if self.log_error else "-"
            re_m = f"{self.rerun_error.mean_m:.1f} m" if self.rerun_error else "-"
            parts.append(f"mean error log {log_m} / re-run {re_m}")
        else:
            parts.append("no truth")
        parts.append(f"{self.flagged_beacons} beacons never heard")
        parts.append(f"{self.markers} markers")
        return f"replay: {', '.join(parts)} -> {self.html_path}"

    def verdict_line(self) -> str:
        """The one-line verdict ``lotse replay`` prints before the summary."""
        return sections.verdict_line(self.verdict, self.lang) if self.verdict else ""


def _marker_place(marker: dict, fixes: Sequence[ra.Fix]) -> LatLon | None:
    """Where a marker was dropped: its own position, else the estimate nearest in time."""
    if "lat" in marker and "lon" in marker:
        return marker["lat"], marker["lon"]
    if not fixes:
        return None
    nearest = min(fixes, key=lambda f: abs(f.t - marker["t"]))
    return nearest.lat, nearest.lon


def _routes(events: Sequence[dict]) -> list[tuple[int, float, dict]]:
    received = [e for e in events
                if e["type"] == "route_received" and isinstance(e.get("route"), dict)]
    return [(int(e.get("route_id", n)), e["t"], e["route"])
            for n, e in enumerate(received, start=1)]


def _points(routes: Sequence[tuple[int, float, dict]], lang: str) -> list[tuple[str, LatLon]]:
    """Start, end and the decision points of every route, labelled for the map; a re-route's
    point at the place of one already labelled (the same corner) is not labelled again."""
    out: list[tuple[str, LatLon]] = []
    for n, (rid, _, body) in enumerate(routes):
        pts = ra.route_points(body)
        if not pts:
            continue
        if n == 0:
            out.append((tr("report.map.start", lang), pts[0]))
            out.append((tr("report.map.end", lang), pts[-1]))
        for i, m in enumerate(body.get("maneuvers") or []):
            loc = m.get("location") or {}
            if m.get("type") in ("depart", "arrive") or "lat" not in loc:
                continue
            here = (loc["lat"], loc["lon"])
            if any(_metres(here, p) < ra.SAME_POINT_M for _, p in out):
                continue
            out.append((f"#{i}" if n == 0 else f"R{rid}#{i}", here))
    return out


def _metres(a: LatLon, b: LatLon) -> float:
    (ax, ay), (bx, by) = ra.project(*a), ra.project(*b)
    return float(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5)


def _timeline_events(events: Sequence[dict], lang: str) -> list[tuple[float, str]]:
    """(t, names) of the plotted log events; events at one moment (an off-route alarm and its
    re-route) share one line."""
    at: dict[float, list[str]] = {}
    for e in events:
        if e["type"] in PLOTTED_EVENTS:
            at.setdefault(e["t"], []).append(tr(f"report.event.{e['type']}", lang))
    return [(t, ", ".join(dict.fromkeys(names))) for t, names in sorted(at.items())]


def write_report(out_dir: Path, data: ReplayData, lang: str = "de") -> ReportSummary:
    """Write ``report.html`` and its PNGs into ``out_dir`` (created); return the summary."""
    out_dir.mkdir(parents=True, exist_ok=True)
    events = data.read.events
    rerun = data.rerun or []
    t0 = min((e["t"] for e in events), default=0.0)
    log_track, rerun_track = ra.track(events), ra.track(rerun)
    truth_pts = data.truth.points()
    routes = _routes(events)
    adverts = [e for e in events if e["type"] == "advert"]
    # expected along where the walker really went (truth), else along the route
    beacons = ra.beacon_coverage(adverts, data.plan,
                                 truth_pts or ra.route_points(data.route))
    beacons = with_residuals(beacons, adverts, data.truth, path_loss_exponent(events))
    markers = [e for e in events if e["type"] == "marker"]
    marker_pts = [p for p in (_marker_place(m, log_track) for m in markers) if p is not None]
    judged = verdict(events, data.truth)
    drawn_map = map_plot(
        out_dir / MAP_PNG, lang=lang, routes=[(rid, ra.route_points(b)) for rid, _, b in routes],
        log_track=log_track, rerun_track=rerun_track, truth=truth_pts, beacons=beacons,
        markers=marker_pts, streets=data.streets, points=_points(routes, lang),
        gps=[(f.lat, f.lon) for f in ra.track(events, "gps_fix")], findings=judged.findings)
    log_errs, rerun_errs = ra.errors(log_track, data.truth), ra.errors(rerun_track, data.truth)
    drawn_plot: Drawn | None = None
    timeline = _timeline_events(events, lang)
    if log_errs or rerun_errs or timeline or judged.findings:
        uncertainty = [(f.t, f.uncertainty_m) for f in log_track if f.uncertainty_m is not None]
        drawn_plot = error_plot(out_dir / ERROR_PNG, lang=lang, t0=t0, log_errors=log_errs,
                                rerun_errors=rerun_errs, uncertainty=uncertainty,
                                findings=judged.findings, events=timeline)
    log_stats, rerun_stats = ra.error_stats(log_errs), ra.error_stats(rerun_errs)
    summary = ReportSummary(
        out_dir / REPORT_HTML, [drawn_map.path, *([drawn_plot.path] if drawn_plot else [])],
        len(events), len(data.read.problems), sum(e["type"] == "announcement" for e in events),
        None if data.rerun is None else sum(e["type"] == "announcement" for e in rerun),
        log_stats, rerun_stats, sum(b.flag for b in beacons), len(markers), judged, lang,
        drawn_map.markers, drawn_plot.markers if drawn_plot else [])
    walked = data.truth.timed or log_track
    tables = []
    for n, (rid, t_from, body) in enumerate(routes):
        t_to = routes[n + 1][1] if n + 1 < len(routes) else float("inf")
        window = [f for f in walked if t_from <= f.t < t_to]
        tables.append((rid, ra.decision_points(body, events, rerun, window, base=rid)))
    page = _page(data, summary, t0, tables, beacons, markers, log_track, lang,
                 has_plot=drawn_plot is not None)
    summary.html_path.write_text(page, encoding="utf-8")
    return summary


def _page(data: ReplayData, s: ReportSummary, t0: float,
          tables: Sequence[tuple[int, list[ra.DecisionRow]]], beacons: Sequence[ra.BeaconRow],
          markers: Sequence[dict], log_track: Sequence[ra.Fix], lang: str,
          has_plot: bool) -> str:
    events = data.read.events
    counts = Counter(e["type"] for e in events)
    duration = (max(e["t"] for e in events) - t0) if events else 0.0
    e = html.escape
    header = (f"<h1>{e(tr('report.title', lang))}</h1><p>"
              + e(tr("report.meta", lang, log=data.source,
                     sessions=", ".join(data.read.sessions) or "–", duration=f"{duration:.0f}",
                     events=s.events,
                     counts=", ".join(f"{k} {v}" for k, v in sorted(counts.items()))))
              + "</p><p>" + e(tr(f"report.rerun.{data.rerun_status}", lang,
                                 note=data.rerun_note)) + "</p>"
              + sections.other_sessions(data.read, lang))
    marker_rows = []
    for m in markers:
        place = _marker_place(m, log_track)
        where = "–" if place is None else f"{place[0]:.6f}, {place[1]:.6f}"
        marker_rows.append([sections.t_rel(m["t"], t0), e(where), e(m.get("note", ""))])
    plot_html = (f'<img src="{ERROR_PNG}" alt="{e(tr("report.plot.alt", lang))}">'
                 if has_plot else "")
    if not (s.log_error or s.rerun_error):
        plot_html += f"<p>{e(tr('report.plot.no_truth', lang))}</p>"
    parts = [
        header,
        sections.summary_box(s.verdict, t0, lang) if s.verdict else "",
        f'<h2 id="map">{e(tr("report.h.map", lang))}</h2>'
        f'<img src="{MAP_PNG}" alt="{e(tr("report.map.alt", lang))}">'
        f"<p>{e(tr('report.map.legend', lang))}</p>",
        f'<h2 id="plot">{e(tr("report.h.plot", lang))}</h2>' + plot_html
        + sections.stats_table(s.log_error, s.rerun_error, lang),
        sections.beacons(needing_visit(beacons), beacons, lang),
        sections.decisions(tables, t0, lang),
        sections.speech(data.read.events, data.rerun, t0, lang),
        f"<h2>{e(tr('report.h.markers', lang))}</h2>"
        + sections.table([tr("report.col.time", lang), tr("report.col.position", lang),
                          tr("report.col.note", lang)], marker_rows,
                         tr("report.none.markers", lang)),
        sections.trouble(events, t0, lang),
        sections.problems(data.read, lang),
    ]
    title = tr("report.page_title", lang, name=Path(data.source).name)
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<title>{e(title)}</title><style>{sections.CSS}</style></head><body>\n"
            + "\n".join(parts)
            + f"\n<footer>{e(tr('report.attribution', lang, attribution=ATTRIBUTION))}"
            "</footer></body></html>\n")
