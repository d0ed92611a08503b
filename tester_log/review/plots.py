"""The replay report's pictures: a map of the walk and the positioning error over time.

Drawn with matplotlib's Agg canvas on a ``Figure`` object (no pyplot, no global state, no display),
so a report can be made on a server or in a test without a screen. The map is drawn in degrees
with the aspect of the city's latitude (so distances read true), with the streets of the extract
and their names, a scale bar and the attribution; the walk's findings (``verdict``) are drawn at
their place on the map and at their time on the error plot with the same label, so a line of the
summary can be found in both. Each function returns what it drew, so tests can check it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lotse_common import ATTRIBUTION
from tester_log.review.analysis import BeaconRow, Fix, project
from tester_log.review.texts import tr
from tester_log.review.verdict import Finding

logger = logging.getLogger(__name__)

DPI = 110
COLOURS = {"route": "#9e9e9e", "reroute": "#f9a825", "truth": "#2e7d32", "log": "#1565c0",
           "rerun": "#ef6c00", "beacon": "#6a1b9a", "flag": "#c62828", "marker": "#c62828",
           "street": "#d0d0d0", "street_name": "#757575", "gps": "#8d6e63", "bad": "#c62828",
           "ok": "#2e7d32", "band": "#90caf9", "event": "#616161"}
#: at most this many street names are written on the map (the longest streets first)
MAX_STREET_NAMES = 25
#: the scale bar's length (m)
SCALE_BAR_M = 50.0

LatLon = tuple[float, float]


@dataclass
class Drawn:
    """A picture written, and the labels of the markers on it (findings, events, points)."""

    path: Path
    markers: list[str] = field(default_factory=list)


def _save(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=DPI, bbox_inches="tight", pad_inches=0.15)
    logger.info("wrote %s", path)
    return path


def _xy(points: Sequence[LatLon]) -> tuple[list[float], list[float]]:
    """Matplotlib's x (longitude) and y (latitude) of (lat, lon) points."""
    return [p[1] for p in points], [p[0] for p in points]


def _street_names(ax, streets: Sequence[tuple[str | None, Sequence[LatLon]]],
                  box: tuple[float, float, float, float]) -> None:
    """Each named street's name once, along its longest piece inside the map."""
    south, north, west, east = box
    longest: dict[str, tuple[float, LatLon, LatLon]] = {}
    for name, line in streets:
        if not name:
            continue
        for a, b in zip(line, line[1:], strict=False):
            mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
            if not (south <= mid[0] <= north and west <= mid[1] <= east):
                continue
            (ax_, ay), (bx, by) = project(*a), project(*b)
            length = math.hypot(bx - ax_, by - ay)
            if length > longest.get(name, (0.0,))[0]:
                longest[name] = (length, a, b)
    ranked = sorted(longest.items(), key=lambda kv: -kv[1][0])[:MAX_STREET_NAMES]
    for name, (_, a, b) in ranked:
        (ax_, ay), (bx, by) = project(*a), project(*b)
        angle = math.degrees(math.atan2(by - ay, bx - ax_))
        angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
        ax.text((a[1] + b[1]) / 2, (a[0] + b[0]) / 2, name, fontsize=6, rotation=angle,
                rotation_mode="anchor", ha="center", va="center", zorder=2,
                color=COLOURS["street_name"], clip_on=True)


def _scale_bar(ax, box: tuple[float, float, float, float], lat0: float) -> None:
    south, _, west, _ = box
    deg = SCALE_BAR_M / (111_320.0 * math.cos(math.radians(lat0)))
    x0, y0 = west + deg * 0.2, south + (SCALE_BAR_M / 111_320.0) * 0.2
    ax.plot([x0, x0 + deg], [y0, y0], color="black", lw=2, zorder=9)
    ax.text(x0 + deg / 2, y0, f"{SCALE_BAR_M:.0f} m", ha="center", va="bottom", fontsize=7,
            zorder=9)


def map_plot(path: Path, *, lang: str, routes: Sequence[tuple[int, Sequence[LatLon]]],
             log_track: Sequence[Fix], rerun_track: Sequence[Fix], truth: Sequence[LatLon],
             beacons: Sequence[BeaconRow], markers: Sequence[LatLon],
             streets: Sequence[tuple[str | None, Sequence[LatLon]]] = (),
             gps: Sequence[LatLon] = (), points: Sequence[tuple[str, LatLon]] = (),
             findings: Sequence[Finding] = ()) -> Drawn:
    """Streets with names; the route and its re-routes; true track (solid green) and estimates
    (dotted blue: log, dashed orange: re-run); beacons; labelled start, end and decision points
    (``points``); the findings' labels at their places; tester markers."""
    drawn = Drawn(path)
    log_pts = [(f.lat, f.lon) for f in log_track]
    rerun_pts = [(f.lat, f.lon) for f in rerun_track]
    route_pts = [p for _, pts in routes for p in pts]
    seen = [*route_pts, *truth, *log_pts, *rerun_pts, *markers]
    fig = Figure(figsize=(11, 9))
    ax = fig.add_subplot()
    if not seen:
        ax.text(0.5, 0.5, tr("report.map.empty", lang), ha="center", va="center",
                transform=ax.transAxes)
        return Drawn(_save(fig, path))
    lats, lons = [p[0] for p in seen], [p[1] for p in seen]
    margin = 0.0003
    box = (min(lats) - margin, max(lats) + margin, min(lons) - margin, max(lons) + margin)
    lat0 = (box[0] + box[1]) / 2
    for _, street in streets:
        ax.plot(*_xy(street), color=COLOURS["street"], lw=1.2, zorder=1)
    _street_names(ax, streets, box)
    for n, (_, pts) in enumerate(routes):
        # one legend entry for the route, one for all re-routes
        label = (tr("report.map.route", lang) if n == 0
                 else tr("report.map.reroute", lang) if n == 1 else None)
        ax.plot(*_xy(pts), color=COLOURS["route" if n == 0 else "reroute"], lw=7 if n == 0 else 4,
                alpha=0.6, zorder=2, solid_capstyle="round", label=label)
    if truth:
        ax.plot(*_xy(truth), color=COLOURS["truth"], lw=2.2, zorder=4,
                label=tr("report.map.truth", lang))
    if gps:
        ax.scatter(*_xy(gps), s=5, color=COLOURS["gps"], zorder=3,
                   label=tr("report.map.gps", lang))
    if log_pts:
        ax.plot(*_xy(log_pts), color=COLOURS["log"], lw=1.4, ls=":", marker=".", ms=3,
                zorder=5, label=tr("report.map.estimate_log", lang))
    if rerun_pts:
        ax.plot(*_xy(rerun_pts), color=COLOURS["rerun"], lw=0.9, ls="--", zorder=5,
                label=tr("report.map.estimate_rerun", lang))
    heard = [(b.lat, b.lon) for b in beacons if b.lat is not None and not b.flag]
    flagged = [(b.lat, b.lon) for b in beacons if b.flag]
    if heard:
        ax.scatter(*_xy(heard), marker="^", s=16, alpha=0.6, color=COLOURS["beacon"], zorder=6,
                   label=tr("report.map.beacon", lang))
    if flagged:
        ax.scatter(*_xy(flagged), marker="x", s=70, color=COLOURS["flag"], zorder=7,
                   label=tr("report.map.beacon_silent", lang))
    for label, (lat, lon) in points:
        ax.annotate(label, (lon, lat), xytext=(4, 4), textcoords="offset points", fontsize=7,
                    zorder=8, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "alpha": 0.8})
        ax.scatter([lon], [lat], s=14, color="black", zorder=8)
        drawn.markers.append(label)
    if markers:
        ax.scatter(*_xy(markers), marker="*", s=150, color=COLOURS["marker"],
                   edgecolor="black", zorder=8, label=tr("report.map.marker", lang))
    for f in findings:
        if f.lat is None or f.lon is None:
            continue
        colour = COLOURS["bad" if f.bad else "ok"]
        ax.scatter([f.lon], [f.lat], s=160, facecolor="none", edgecolor=colour, lw=2, zorder=9)
        ax.annotate(f.label, (f.lon, f.lat), xytext=(-10, 8), textcoords="offset points",
                    fontsize=9, fontweight="bold", color="white", zorder=10,
                    bbox={"boxstyle": "circle,pad=0.2", "fc": colour})
        drawn.markers.append(f.label)
    _scale_bar(ax, box, lat0)
    ax.set_xlim(box[2], box[3])
    ax.set_ylim(box[0], box[1])
    ax.set_aspect(1.0 / math.cos(math.radians(lat0)))
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.tick_params(labelsize=7)
    ax.set_xlabel(tr("report.map.lon", lang))
    ax.set_ylabel(tr("report.map.lat", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, borderaxespad=0)
    fig.text(0.99, 0.01, tr("report.attribution", lang, attribution=ATTRIBUTION), ha="right",
             va="bottom", fontsize=8)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return Drawn(_save(fig, path), drawn.markers)


def error_plot(path: Path, *, lang: str, t0: float, log_errors: Sequence[tuple[float, float]],
               rerun_errors: Sequence[tuple[float, float]],
               uncertainty: Sequence[tuple[float, float]] = (),
               findings: Sequence[Finding] = (),
               events: Sequence[tuple[float, str]] = ()) -> Drawn:
    """Positioning error (m) over trip time (s) for the log and the re-run, the phone's stated
    uncertainty as a band (an error above the band is an uncertainty that was not true), the
    log's events (``(t, name)``) as thin lines and the findings as labelled lines."""
    drawn = Drawn(path)
    fig = Figure(figsize=(10, 5))
    ax = fig.add_subplot()
    if uncertainty:
        ax.fill_between([t - t0 for t, _ in uncertainty], 0, [u for _, u in uncertainty],
                        color=COLOURS["band"], alpha=0.45, lw=0,
                        label=tr("report.plot.band", lang))
    for series, key, style, label in ((log_errors, "log", {"lw": 2.0},
                                       tr("report.plot.error_log", lang)),
                                      (rerun_errors, "rerun", {"lw": 0.9, "ls": "--"},
                                       tr("report.plot.error_rerun", lang))):
        if series:
            ax.plot([t - t0 for t, _ in series], [e for _, e in series], color=COLOURS[key],
                    label=label, **style)
    for t, name in events:
        ax.axvline(t - t0, color=COLOURS["event"], lw=0.6, ls=":", zorder=1)
        ax.text(t - t0, 0.01, name, rotation=90, va="bottom", ha="right", fontsize=6,
                color=COLOURS["event"], transform=ax.get_xaxis_transform())
        drawn.markers.append(name)
    for f in findings:
        if f.t is None:
            continue
        colour = COLOURS["bad" if f.bad else "ok"]
        ax.axvline(f.t - t0, color=colour, lw=1.2, zorder=2)
        ax.text(f.t - t0, 0.98, f.label, ha="center", va="top", fontsize=8, fontweight="bold",
                color="white", transform=ax.get_xaxis_transform(), zorder=3,
                bbox={"boxstyle": "circle,pad=0.2", "fc": colour})
        drawn.markers.append(f.label)
    ax.set_xlabel(tr("report.plot.time", lang))
    ax.set_ylabel(tr("report.plot.error", lang))
    ax.set_ylim(bottom=0)
    ax.grid(True, lw=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, fontsize=8)
    fig.tight_layout()
    return Drawn(_save(fig, path), drawn.markers)
