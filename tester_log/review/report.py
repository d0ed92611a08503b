"""The replay report: one HTML page (plus PNG plots) that a tester's reviewer reads.

It answers what a reviewer asks of a test walk: where positioning drifted (map, error over
time), whether each instruction came on time (decision points: log vs. re-run), which beacons along
the way were never heard (flagged for staff), and where the tester said "hier stimmt etwas nicht"
(markers). Everything shown is computed in
``tester_log.review.analysis``; this module only lays it out.
Plain ``html.escape`` and f-strings: the page is small and must not depend on a template engine.
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
from tester_log.review.plots import error_plot, map_plot
from tester_log.schema import LogRead

logger = logging.getLogger(__name__)

MAP_PNG = "map.png"
ERROR_PNG = "error.png"
REPORT_HTML = "report.html"
#: at most this many corrupt lines are listed one by one
MAX_PROBLEMS_SHOWN = 50

_CSS = """body{font-family:sans-serif;max-width:1000px;margin:1em auto;padding:0 1em;color:#212121}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bdbdbd;padding:.2em .5em;
text-align:left;font-size:.9em}th{background:#eeeeee}.flag{color:#b71c1c;font-weight:bold}
img{max-width:100%;border:1px solid #e0e0e0}footer{margin-top:2em;font-size:.85em;color:#616161}"""


@dataclass
class ReplayData:
    """Everything a report is made from (``tester_log.review.replay`` fills it)."""

    source: str
    read: LogRead
    rerun: list[dict] | None  # events the current code logged; None when it could not run
    rerun_note: str = ""  # why there is no re-run, or how it was made
    route: dict | None = None
    truth: ra.Truth = field(default_factory=ra.Truth)
    plan: list[dict] = field(default_factory=list)  # {"key","lat","lon","placement"}
    streets: list[list[tuple[float, float]]] = field(default_factory=list)


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


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _t(t: float | None, t0: float) -> str:
    return "–" if t is None else f"{t - t0:.1f} s"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f"<p>{_e(empty)}</p>"
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def _stats_rows(log_stats: ra.ErrorStats | None, rerun_stats: ra.ErrorStats | None) -> list:
    rows = []
    for label, s in (("Log", log_stats), ("neu gerechnet", rerun_stats)):
        if s:
            rows.append([label, str(s.count), f"{s.mean_m:.1f}", f"{s.median_m:.1f}",
                         f"{s.p95_m:.1f}", f"{s.max_m:.1f}"])
    return rows


_TIMING = {"late": "spät", "early": "zu früh"}
_WHICH = {"log": "Log", "rerun": "neu"}


def _decision_rows(rows: Sequence[ra.DecisionRow], t0: float) -> list:
    out = []
    for r in rows:
        flags = [f"{_TIMING[kind]}: {_WHICH[w]}" for w in ("log", "rerun")
                 if (kind := r.timing(w)) is not None]
        shift = "–" if r.shift_s is None else f"{r.shift_s:+.1f} s"
        note = '<span class="flag">' + "; ".join(flags) + "</span>" if flags else ""
        at = "–" if r.at_m is None else f"{r.at_m:.0f} m"
        out.append([str(r.index), _e(r.type), _e(r.text), at, _t(r.reached_t, t0),
                    _t(r.log_prep_t, t0), _t(r.log_t, t0), _t(r.rerun_prep_t, t0),
                    _t(r.rerun_t, t0), shift, note])
    return out


def _beacon_rows(rows: Sequence[ra.BeaconRow]) -> list:
    out = []
    for b in rows:
        state = ('<span class="flag">nie gehört – bitte prüfen</span>' if b.flag
                 else "gehört" if b.heard else "nicht erwartet")
        rssi = "–" if b.best_rssi is None else f"{b.best_rssi:.0f} dBm"
        out.append([_e(b.key), _e(b.placement or ("nicht im Plan" if b.lat is None else "")),
                    "ja" if b.expected else "nein", str(b.heard), rssi, state])
    return out


def _other_sessions(read: LogRead) -> str:
    if not read.other_sessions:
        return ""
    listed = ", ".join(f"{_e(s)} ({n} Ereignisse)" for s, n in read.other_sessions.items())
    return (f'<p class="flag">Die Datei enthält weitere Sitzungen, hier nicht ausgewertet: '
            f"{listed}. Mit --session ID wählen.</p>")


_DIFF_KIND = {"only_log": "nur im Log", "only_rerun": "nur neu gerechnet",
              "moved": "zu anderer Zeit"}


def _speech_html(data: ReplayData, t0: float) -> str:
    if data.rerun is None:
        return "<p>Keine Neu-Rechnung.</p>"
    alike, diffs = ra.speech_diff(data.read.events, data.rerun)
    total = sum(e["type"] == "announcement" for e in data.read.events)
    rows = [[_e(_DIFF_KIND[d.kind]), _t(d.log_t, t0), _t(d.rerun_t, t0), _e(d.text)]
            for d in diffs]
    return (f"<p>{alike} von {total} Ansagen des Logs kamen in der Neu-Rechnung gleich "
            f"(gleicher Text, gleiche Zeit).</p>"
            + _table(["Unterschied", "Log", "neu", "Ansage"], rows, "Keine Unterschiede."))


def _marker_place(marker: dict, fixes: Sequence[ra.Fix]) -> tuple[float, float] | None:
    """Where a marker was dropped: its own position, else the estimate nearest in time."""
    if "lat" in marker and "lon" in marker:
        return marker["lat"], marker["lon"]
    if not fixes:
        return None
    nearest = min(fixes, key=lambda f: abs(f.t - marker["t"]))
    return nearest.lat, nearest.lon


def write_report(out_dir: Path, data: ReplayData) -> ReportSummary:
    """Write ``report.html`` and its PNGs into ``out_dir`` (created); return the summary."""
    out_dir.mkdir(parents=True, exist_ok=True)
    events = data.read.events
    rerun = data.rerun or []
    t0 = min((e["t"] for e in events), default=0.0)
    log_track, rerun_track = ra.track(events), ra.track(rerun)
    truth_pts = data.truth.points()
    walked = data.truth.timed or log_track
    route_pts = ra.route_points(data.route)
    beacons = ra.beacon_coverage([e for e in events if e["type"] == "advert"], data.plan,
                                 route_pts or truth_pts)
    markers = [e for e in events if e["type"] == "marker"]
    marker_pts = [_marker_place(m, log_track) for m in markers]
    marker_pts = [p for p in marker_pts if p is not None]
    pngs = [map_plot(out_dir / MAP_PNG, route=route_pts, log_track=log_track,
                     rerun_track=rerun_track, truth=truth_pts, beacons=beacons,
                     markers=marker_pts, streets=data.streets,
                     gps=[(f.lat, f.lon) for f in ra.track(events, "gps_fix")])]
    log_errs, rerun_errs = ra.errors(log_track, data.truth), ra.errors(rerun_track, data.truth)
    if log_errs or rerun_errs:
        uncertainty = [(f.t, f.uncertainty_m) for f in log_track if f.uncertainty_m is not None]
        pngs.append(error_plot(out_dir / ERROR_PNG, log_errors=log_errs,
                               rerun_errors=rerun_errs, uncertainty=uncertainty))
    decisions = ra.decision_points(data.route, events, rerun, walked)
    log_stats, rerun_stats = ra.error_stats(log_errs), ra.error_stats(rerun_errs)
    summary = ReportSummary(
        out_dir / REPORT_HTML, pngs, len(events), len(data.read.problems),
        sum(e["type"] == "announcement" for e in events),
        None if data.rerun is None else sum(e["type"] == "announcement" for e in rerun),
        log_stats, rerun_stats, sum(b.flag for b in beacons), len(markers))
    page = _page(data, summary, t0, decisions, beacons, markers, log_track)
    summary.html_path.write_text(page, encoding="utf-8")
    return summary


def _page(data: ReplayData, s: ReportSummary, t0: float, decisions: Sequence[ra.DecisionRow],
          beacons: Sequence[ra.BeaconRow], markers: Sequence[dict],
          log_track: Sequence[ra.Fix]) -> str:
    events = data.read.events
    counts = Counter(e["type"] for e in events)
    duration = (max(e["t"] for e in events) - t0) if events else 0.0
    problems = [[str(p.line), _e(p.file), _e(p.message)]
                for p in data.read.problems[:MAX_PROBLEMS_SHOWN]]
    more = len(data.read.problems) - len(problems)
    trouble = [[_t(e["t"], t0), _e(e["type"]),
                _e(e.get("message") or e.get("reason") or e.get("distance_m") or "")]
               for e in events if e["type"] in ("error", "off_route", "reroute", "arrival")]
    marker_rows = []
    for m in markers:
        place = _marker_place(m, log_track)
        where = "–" if place is None else f"{place[0]:.6f}, {place[1]:.6f}"
        marker_rows.append([_t(m["t"], t0), _e(where), _e(m.get("note", ""))])
    error_html = (f'<img src="{ERROR_PNG}" alt="Positionsfehler über die Zeit">'
                  if any(p.name == ERROR_PNG for p in s.pngs)
                  else "<p>Keine Wahrheit bekannt (weder truth-Ereignisse noch --truth): "
                       "kein Fehlerverlauf.</p>")
    sections = [
        f"<h1>Lotse – Bericht zur Testfahrt</h1><p>Log: <code>{_e(data.source)}</code>; "
        f"Sitzung(en): {_e(', '.join(data.read.sessions) or '–')}; Dauer {duration:.0f} s; "
        f"{s.events} Ereignisse "
        f"({_e(', '.join(f'{k} {v}' for k, v in sorted(counts.items())))}).</p>"
        f"<p>Neu gerechnet: {_e(data.rerun_note or ('ja' if data.rerun is not None else 'nein'))}"
        "</p>" + _other_sessions(data.read),
        "<h2>Beschädigte Zeilen (übersprungen)</h2>"
        + _table(["Zeile", "Datei", "Problem"], problems, "Keine.")
        + (f"<p>… und {more} weitere.</p>" if more > 0 else ""),
        f'<h2>Karte</h2><img src="{MAP_PNG}" alt="Karte: Route, geschätzter und wahrer Weg">',
        "<h2>Positionsfehler</h2>" + error_html
        + _table(["", "Anzahl", "Mittel (m)", "Median (m)", "95 % (m)", "Max (m)"],
                 _stats_rows(s.log_error, s.rerun_error), ""),
        "<h2>Entscheidungspunkte</h2>"
        + _table(["#", "Art", "Anweisung", "bei", "erreicht", "Hinweis (Log)", "Ansage (Log)",
                  "Hinweis (neu)", "Ansage (neu)", "Verschiebung", ""],
                 _decision_rows(decisions, t0),
                 "Keine Route im Log."),
        "<h2>Ansagen: Log und Neu-Rechnung</h2>" + _speech_html(data, t0),
        "<h2>Beacons: gehört und erwartet</h2>"
        + _table(["Beacon", "Ort", "erwartet", "gehört", "bester RSSI", "Zustand"],
                 _beacon_rows(beacons), "Keine Beacons geplant oder gehört."),
        "<h2>Markierungen („hier stimmt etwas nicht“)</h2>"
        + _table(["Zeit", "Position", "Notiz"], marker_rows, "Keine Markierungen."),
        "<h2>Fehler, Abweichungen, Neuberechnungen</h2>"
        + _table(["Zeit", "Ereignis", "Angabe"], trouble, "Keine."),
    ]
    return ("<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\">"
            f"<title>Lotse – Testfahrt {_e(Path(data.source).name)}</title>"
            f"<style>{_CSS}</style></head><body>\n" + "\n".join(sections)
            + f"\n<footer>Kartendaten {_e(ATTRIBUTION)} (ODbL)</footer></body></html>\n")
