"""The replay report's pictures: a map of the walk and the positioning error over time.

Drawn with matplotlib's Agg canvas on a ``Figure`` object (no pyplot, no global state, no display),
so a report can be made on a server or in a test without a screen. Coordinates are drawn in metres
(UTM 32N) from the south-west corner, so distances on the map read true.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lotse_common import ATTRIBUTION
from tester_log.review.analysis import BeaconRow, Fix, project

logger = logging.getLogger(__name__)

DPI = 110
COLOURS = {"route": "#9e9e9e", "truth": "#2e7d32", "log": "#1565c0", "rerun": "#ef6c00",
           "beacon": "#6a1b9a", "flag": "#c62828", "marker": "#c62828", "street": "#c8c8c8",
           "gps": "#8d6e63"}

LatLon = tuple[float, float]


def _save(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=DPI)
    logger.info("wrote %s", path)
    return path


class _Frame:
    """Shifts projected metres so the plot starts at (0, 0) in the south-west."""

    def __init__(self, points: Sequence[LatLon]) -> None:
        if points:
            xs, ys = project([p[0] for p in points], [p[1] for p in points])
            self.x0, self.y0 = min(xs), min(ys)
        else:
            self.x0 = self.y0 = 0.0

    def xy(self, points: Sequence[LatLon]) -> tuple[list[float], list[float]]:
        if not points:
            return [], []
        xs, ys = project([p[0] for p in points], [p[1] for p in points])
        return [x - self.x0 for x in xs], [y - self.y0 for y in ys]


def map_plot(path: Path, *, route: Sequence[LatLon], log_track: Sequence[Fix],
             rerun_track: Sequence[Fix], truth: Sequence[LatLon], beacons: Sequence[BeaconRow],
             markers: Sequence[LatLon], streets: Sequence[Sequence[LatLon]] = (),
             gps: Sequence[LatLon] = ()) -> Path:
    """Route, true track, estimated tracks (log and re-run), raw GPS fixes, beacons and markers
    on one map."""
    log_pts = [(f.lat, f.lon) for f in log_track]
    rerun_pts = [(f.lat, f.lon) for f in rerun_track]
    placed = [(b.lat, b.lon) for b in beacons if b.lat is not None and b.lon is not None]
    everything = [*route, *truth, *log_pts, *rerun_pts, *placed, *markers, *gps]
    frame = _Frame(everything)
    fig = Figure(figsize=(8, 8))
    ax = fig.add_subplot()
    for street in streets:
        ax.plot(*frame.xy(street), color=COLOURS["street"], lw=1.0, zorder=1)
    if route:
        ax.plot(*frame.xy(route), color=COLOURS["route"], lw=6, alpha=0.7, label="Route",
                zorder=2)
    if truth:
        ax.plot(*frame.xy(truth), color=COLOURS["truth"], lw=2, label="wahrer Weg", zorder=3)
    if gps:
        ax.scatter(*frame.xy(gps), s=6, color=COLOURS["gps"], label="GPS-Fix", zorder=3)
    # the log wide and pale, the re-run thin and dashed on top: where they agree both show
    if log_pts:
        ax.plot(*frame.xy(log_pts), color=COLOURS["log"], lw=2.5, alpha=0.5, marker=".", ms=4,
                label="Schätzung (Log)", zorder=4)
    if rerun_pts:
        ax.plot(*frame.xy(rerun_pts), color=COLOURS["rerun"], lw=0.9, ls="--",
                label="Schätzung (neu gerechnet)", zorder=5)
    heard = [(b.lat, b.lon) for b in beacons if b.lat is not None and not b.flag]
    flagged = [(b.lat, b.lon) for b in beacons if b.flag]
    if heard:
        ax.scatter(*frame.xy(heard), marker="^", s=18, alpha=0.6, color=COLOURS["beacon"],
                   label="Beacon", zorder=6)
    if flagged:
        ax.scatter(*frame.xy(flagged), marker="x", s=80, color=COLOURS["flag"],
                   label="Beacon nie gehört", zorder=7)
    if markers:
        ax.scatter(*frame.xy(markers), marker="*", s=160, color=COLOURS["marker"],
                   edgecolor="black", label="Markierung", zorder=8)
    if not everything:
        ax.text(0.5, 0.5, "keine Positionen im Log", ha="center", va="center",
                transform=ax.transAxes)
    else:
        ax.legend(loc="best", fontsize=8)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("Ost (m)")
    ax.set_ylabel("Nord (m)")
    ax.grid(True, lw=0.3)
    fig.text(0.99, 0.01, ATTRIBUTION, ha="right", va="bottom", fontsize=8)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return _save(fig, path)


def error_plot(path: Path, *, log_errors: Sequence[tuple[float, float]],
               rerun_errors: Sequence[tuple[float, float]],
               uncertainty: Sequence[tuple[float, float]] = ()) -> Path:
    """Positioning error (m) over trip time (s) for the log and the re-run."""
    fig = Figure(figsize=(9, 4))
    ax = fig.add_subplot()
    starts = [s[0][0] for s in (log_errors, rerun_errors, uncertainty) if s]
    t0 = min(starts) if starts else 0.0
    for series, key, style, label in ((log_errors, "log", {"lw": 2.5, "alpha": 0.5},
                                       "Fehler (Log)"),
                                      (rerun_errors, "rerun", {"lw": 0.9, "ls": "--"},
                                       "Fehler (neu gerechnet)")):
        if series:
            ax.plot([t - t0 for t, _ in series], [e for _, e in series], color=COLOURS[key],
                    label=label, **style)
    if uncertainty:
        ax.plot([t - t0 for t, _ in uncertainty], [u for _, u in uncertainty],
                color=COLOURS["truth"], lw=0.8, ls=":", label="angegebene Unsicherheit (Log)")
    ax.set_xlabel("Zeit seit Beginn (s)")
    ax.set_ylabel("Abstand zur Wahrheit (m)")
    ax.set_ylim(bottom=0)
    ax.grid(True, lw=0.3)
    if ax.lines:
        ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return _save(fig, path)
