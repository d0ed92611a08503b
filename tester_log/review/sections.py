"""The report page's parts as HTML snippets, each from data ``analysis`` and ``verdict`` decided.

Every word comes from the report catalogue (``texts.tr``); every value is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from tester_log.review import analysis as ra
from tester_log.review.texts import tr
from tester_log.review.verdict import Finding, Verdict
from tester_log.schema import LogRead

#: at most this many corrupt lines are listed one by one
MAX_PROBLEMS_SHOWN = 50
#: log events listed in the table of trouble
TROUBLE_TYPES = ("error", "off_route", "reroute", "arrival", "position_uncertain")
#: position_uncertain reasons the catalogue words; others are shown as logged
KNOWN_REASONS = ("lost", "uncertain")

CSS = """body{font-family:sans-serif;max-width:1050px;margin:1em auto;padding:0 1em;color:#212121}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bdbdbd;padding:.2em .5em;
text-align:left;font-size:.9em}th{background:#eeeeee}.flag{color:#b71c1c;font-weight:bold}
img{max-width:100%;border:1px solid #e0e0e0}footer{margin-top:2em;font-size:.85em;color:#616161}
.verdict{border:3px solid #2e7d32;border-radius:6px;padding:.5em 1em;margin:1em 0}
.verdict.bad{border-color:#c62828}.verdict ul{list-style:none;padding-left:0}
.verdict li{margin:.3em 0}.lbl{display:inline-block;min-width:1.5em;text-align:center;
border-radius:1em;color:#fff;font-weight:bold;margin-right:.4em}.lbl.bad{background:#c62828}
.lbl.ok{background:#2e7d32}details{margin:.5em 0 1.5em}"""


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def t_rel(t: float | None, t0: float) -> str:
    return "–" if t is None else f"{t - t0:.1f} s"


def table(head: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    """A table of already escaped cells (``empty`` is said when there are no rows)."""
    if not rows:
        return f"<p>{esc(empty)}</p>"
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def _num(value: object, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}" if isinstance(value, float) \
        else str(value)


def finding_text(f: Finding, lang: str) -> str:
    """One finding in words (numbers rounded, missing values as "–")."""
    values = {k: _num(v, 1 if k in ("delay", "wait", "metres", "offset", "said_offset")
                      else 0) for k, v in f.values.items()}
    text = tr(f"report.finding.{f.kind}", lang, **values)
    if f.kind == "late" and f.values.get("wait") is not None:
        text += " " + tr("report.finding.late_wait", lang, wait=values["wait"])
    return text


def verdict_line(v: Verdict, lang: str) -> str:
    """One line: arrived/said, alarms false/real, late/missing, silences, worst error."""
    arrival = ("said" if v.arrival_said else "unsaid") if v.arrived else "none"
    worst = tr("report.verdict.worst_unknown", lang) if v.worst_error_m is None \
        else f"{v.worst_error_m:.1f} m"
    return tr("report.verdict.line", lang, arrival=tr(f"report.verdict.arrival_{arrival}", lang),
              false=v.false_alarms, real=v.real_alarms, unchecked=v.unchecked_alarms,
              late=v.late, missing=v.missing, silent=v.silent, worst=worst)


def summary_box(v: Verdict, t0: float, lang: str) -> str:
    """The verdict on top: one line per finding, its label, time, and links to map and plot."""
    items = []
    for f in v.findings:
        cls = "bad" if f.bad else "ok"
        where = "" if f.lat is None else f" ({f.lat:.5f}, {f.lon:.5f})"
        items.append(
            f'<li id="finding-{esc(f.label)}"><span class="lbl {cls}">{esc(f.label)}</span>'
            f"{esc(t_rel(f.t, t0))}{esc(where)}: {esc(finding_text(f, lang))} "
            f'<a href="#map">{esc(tr("report.link.map", lang, label=f.label))}</a> · '
            f'<a href="#plot">{esc(tr("report.link.plot", lang, label=f.label))}</a></li>')
    head = tr("report.verdict.ok" if v.ok else "report.verdict.bad", lang)
    return (f'<section class="verdict{"" if v.ok else " bad"}" id="verdict">'
            f"<h2>{esc(head)}</h2><p><strong>{esc(verdict_line(v, lang))}</strong></p>"
            f"<ul>{''.join(items)}</ul></section>")


def stats_table(log_stats: ra.ErrorStats | None, rerun_stats: ra.ErrorStats | None,
                lang: str) -> str:
    rows = []
    for key, s in (("report.col.log", log_stats), ("report.col.rerun", rerun_stats)):
        if s:
            rows.append([esc(tr(key, lang)), str(s.count), f"{s.mean_m:.1f}", f"{s.median_m:.1f}",
                         f"{s.p95_m:.1f}", f"{s.max_m:.1f}"])
    head = ["", *(tr(f"report.col.{k}", lang) for k in ("count", "mean", "median", "p95",
                                                          "max"))]
    return table(head, rows, "") if rows else ""


def _beacon_rows(rows: Sequence[ra.BeaconRow], lang: str) -> list[list[str]]:
    out = []
    for b in rows:
        state = (f'<span class="flag">{esc(tr("report.beacon.silent", lang))}</span>' if b.flag
                 else esc(tr("report.beacon.heard" if b.heard else "report.beacon.unexpected",
                             lang)))
        rssi = "–" if b.best_rssi is None else f"{b.best_rssi:.0f} dBm"
        residual = "–" if b.residual_m is None else f"{b.residual_m:+.1f} m"
        placement = b.placement or (tr("report.beacon.not_in_plan", lang) if b.lat is None
                                    else "")
        out.append([esc(b.key), esc(placement),
                    esc(tr("report.yes" if b.expected else "report.no", lang)), str(b.heard),
                    rssi, residual, state])
    return out


def beacons(visit: Sequence[ra.BeaconRow], every: Sequence[ra.BeaconRow], lang: str) -> str:
    head = [tr(f"report.col.{k}", lang) for k in ("beacon", "place", "expected", "heard",
                                                   "best_rssi", "residual", "state")]
    return (f"<h2 id=\"beacons\">{esc(tr('report.h.visit', lang))}</h2>"
            f"<p>{esc(tr('report.beacon.explain', lang))}</p>"
            + table(head, _beacon_rows(visit, lang), tr("report.none.visit", lang))
            + f"<details><summary>{esc(tr('report.beacon.all', lang, n=len(every)))}</summary>"
            + table(head, _beacon_rows(every, lang), tr("report.none.beacons", lang))
            + "</details>")


def decisions(tables: Sequence[tuple[int, list[ra.DecisionRow]]], t0: float, lang: str) -> str:
    head = [tr(f"report.col.{k}", lang) for k in (
        "index", "type", "instruction", "at", "reached", "prep_log", "said_log", "prep_rerun",
        "said_rerun", "shift", "flag")]
    out = [f"<h2>{esc(tr('report.h.decisions', lang))}</h2>"]
    if not tables:
        return out[0] + f"<p>{esc(tr('report.none.route', lang))}</p>"
    for n, (rid, rows) in enumerate(tables):
        title = tr("report.route.first" if n == 0 else "report.route.reroute", lang, n=rid)
        body = []
        for r in rows:
            flags = [tr(f"report.timing.{kind}_{w}", lang) for w in ("log", "rerun")
                     if (kind := r.timing(w)) is not None]
            note = f'<span class="flag">{esc("; ".join(flags))}</span>' if flags else ""
            body.append([str(r.index), esc(r.type), esc(r.text),
                         "–" if r.at_m is None else f"{r.at_m:.0f} m",
                         t_rel(r.reached_t, t0), t_rel(r.log_prep_t, t0), t_rel(r.log_t, t0),
                         t_rel(r.rerun_prep_t, t0), t_rel(r.rerun_t, t0),
                         "–" if r.shift_s is None else f"{r.shift_s:+.1f} s", note])
        out.append(f"<h3>{esc(title)}</h3>" + table(head, body, tr("report.none.route", lang)))
    return "".join(out)


def speech(logged: Sequence[dict], rerun: Sequence[dict] | None, t0: float, lang: str) -> str:
    h = f"<h2>{esc(tr('report.h.speech', lang))}</h2>"
    if rerun is None:
        return h + f"<p>{esc(tr('report.speech.no_rerun', lang))}</p>"
    alike, diffs = ra.speech_diff(logged, rerun)
    total = sum(e["type"] == "announcement" for e in logged)
    rows = [[esc(tr(f"report.diff.{d.kind}", lang)), t_rel(d.log_t, t0), t_rel(d.rerun_t, t0),
             esc(d.text)] for d in diffs]
    head = [tr(f"report.col.{k}", lang) for k in ("difference", "log", "rerun", "text")]
    return (h + f"<p>{esc(tr('report.speech.alike', lang, alike=alike, total=total))}</p>"
            + table(head, rows, tr("report.none.diff", lang)))


def trouble(events: Sequence[dict], t0: float, lang: str) -> str:
    rows = [[t_rel(e["t"], t0), esc(tr(f"report.event.{e['type']}", lang)),
             esc(_detail(e, lang))] for e in events if e["type"] in TROUBLE_TYPES]
    head = [tr(f"report.col.{k}", lang) for k in ("time", "event", "detail")]
    return (f"<h2>{esc(tr('report.h.trouble', lang))}</h2>"
            + table(head, rows, tr("report.none.trouble", lang)))


def _detail(e: dict, lang: str) -> str:
    """What the trouble table says about one event."""
    if e["type"] == "position_uncertain":
        key = "report.detail.uncertain_on" if e["active"] else "report.detail.uncertain_off"
        reason = e["reason"]
        if reason in KNOWN_REASONS:
            reason = tr(f"report.detail.reason_{reason}", lang)
        return tr(key, lang, reason=reason, m=_num(e.get("uncertainty_m"), 1))
    if e["type"] in ("off_route", "arrival") and "distance_m" in e:
        return tr(f"report.detail.{e['type']}", lang, m=_num(float(e["distance_m"]), 1))
    if e["type"] == "reroute":
        return tr("report.detail.reroute", lang, n=e.get("route_id", "–"))
    return str(e.get("message") or e.get("reason") or "")


def problems(read: LogRead, lang: str) -> str:
    rows = [[str(p.line), esc(p.file), esc(p.message)]
            for p in read.problems[:MAX_PROBLEMS_SHOWN]]
    more = len(read.problems) - len(rows)
    head = [tr(f"report.col.{k}", lang) for k in ("line", "file", "problem")]
    return (f"<h2>{esc(tr('report.h.problems', lang))}</h2>"
            + table(head, rows, tr("report.none.problems", lang))
            + (f"<p>{esc(tr('report.problems.more', lang, n=more))}</p>" if more > 0 else ""))


def other_sessions(read: LogRead, lang: str) -> str:
    if not read.other_sessions:
        return ""
    listed = ", ".join(tr("report.session.item", lang, session=s, n=n)
                       for s, n in read.other_sessions.items())
    return f'<p class="flag">{esc(tr("report.session.others", lang, listed=listed))}</p>'
