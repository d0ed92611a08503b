"""The UJI BLE RSS database as `lotse locate` recordings, its radio fitted, and its twin simulated.

Data: Mendoza-Silva, G.M.; Matey-Sanz, M.; Torres-Sospedra, J.; Huerta, J. "BLE RSS measurements
database and supporting materials", Zenodo, DOI 10.5281/zenodo.1618692 (CC BY 4.0), shipped in
`../shared/data/radio/uji/` (see its README). Three Android phones, 1 s scans at surveyed points
in a library (24 beacons) and a lab (22 beacons).

One recording per zone, phone and survey session (the first digits of the row id). A row is one
scan: every beacon heard in it becomes an advert at its own time stamp (ns → s); the row's surveyed
point is the truth at the first and the last of those times, so the walk between points (not
surveyed) is not scored (`mobile.positioning.locate.TRUTH_GAP_S`). Local metres are placed at the
Stiftsplatz so the files carry latitude and longitude like any other recording.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lotse_common.geodesy import to_latlon, to_xy
from lotse_common.settings import SHARED_OSM

#: where the zones' local (0, 0) is put on the map
ORIGIN_LATLON = (49.44454, 7.77238)
NOT_HEARD = 100.0
ZONES = ("lib", "geo")


def uji_root() -> Path:
    return SHARED_OSM.parent / "radio" / "uji"


@dataclass
class Recording:
    name: str
    zone: str
    phone: int
    #: (id, lat, lon, local x, local y)
    beacons: list[tuple[str, float, float, float, float]]
    #: (t_s, beacon id, rssi dBm)
    adverts: list[tuple[float, str, float]] = field(default_factory=list)
    #: (t_s, lat, lon, local x, local y)
    truth: list[tuple[float, float, float, float, float]] = field(default_factory=list)


def _latlon(x: float, y: float) -> tuple[float, float]:
    x0, y0 = to_xy(*ORIGIN_LATLON)
    return to_latlon(x0 + x, y0 + y)


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="") as fh:
        return [row for row in csv.reader(fh) if row]


def recordings(root: Path | None = None) -> list[Recording]:
    """All recordings of both zones, in a fixed order."""
    root = root or uji_root()
    out = []
    for zone in ZONES:
        dep = _read(root / "dep" / f"{zone}.csv")[1:]
        beacons = [(f"{zone}-{r[0]}", *_latlon(float(r[1]), float(r[2])), float(r[1]),
                    float(r[2])) for r in dep]
        rss = _read(root / "rss" / f"{zone}_rss.csv")
        tms = _read(root / "rss" / f"{zone}_tms.csv")
        crd = _read(root / "rss" / f"{zone}_crd.csv")
        ids = [r[0] for r in _read(root / "rss" / f"{zone}_ids.csv")]
        by_session: dict[str, Recording] = {}
        t0: dict[str, float] = defaultdict(lambda: math.inf)
        for row_t, row_id in zip(tms, ids, strict=True):
            heard = [float(v) for v in row_t if float(v) > 0]
            if heard:
                t0[row_id[:3]] = min(t0[row_id[:3]], min(heard))
        for row_r, row_t, row_c, row_id in zip(rss, tms, crd, ids, strict=True):
            session = row_id[:3]
            phone = int(row_id[0] if zone == "lib" else row_id[1])
            rec = by_session.setdefault(session, Recording(
                f"{zone}-{session}", zone, phone, beacons))
            x, y = float(row_c[0]), float(row_c[1])
            times = []
            for b, (r, tn) in enumerate(zip(row_r, row_t, strict=True)):
                if float(r) != NOT_HEARD and float(tn) > 0:
                    t = (float(tn) - t0[session]) / 1e9
                    rec.adverts.append((t, beacons[b][0], float(r)))
                    times.append(t)
            if times:
                lat, lon = _latlon(x, y)
                rec.truth += [(min(times), lat, lon, x, y), (max(times), lat, lon, x, y)]
        for rec in by_session.values():
            rec.adverts.sort()
            rec.truth.sort()
            out.append(rec)
    return out


def write_locate_files(rec: Recording, folder: Path) -> tuple[Path, Path, Path]:
    """BEACONS.csv, ADVERTS.csv and TRUTH.csv of one recording, in `lotse locate`'s format."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / f"{rec.name}_beacons.csv", folder / f"{rec.name}_adverts.csv",
             folder / f"{rec.name}_truth.csv")
    with paths[0].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "lat", "lon"])
        w.writerows((b[0], f"{b[1]:.8f}", f"{b[2]:.8f}") for b in rec.beacons)
    with paths[1].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["t_s", "beacon_id", "rssi_dbm"])
        w.writerows((f"{t:.3f}", k, f"{r:.0f}") for t, k, r in rec.adverts)
    with paths[2].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["t_s", "lat", "lon"])
        w.writerows((f"{t:.3f}", f"{lat:.8f}", f"{lon:.8f}") for t, lat, lon, _, _ in rec.truth)
    return paths


def fit_radio(recs: list[Recording]) -> dict[str, dict[str, Any]]:
    """Per zone and phone: the log-distance fit (power at 1 m, exponent), the residual σ split
    into the part fixed at a place and the part that changes scan to scan, the spread of the
    beacons' offsets, and the share of scans that heard a beacon by distance."""
    out = {}
    for zone in ZONES:
        for phone in (1, 2, 3):
            mine = [r for r in recs if r.zone == zone and r.phone == phone]
            if mine:
                out[f"{zone}/phone{phone}"] = _fit(mine)
    return out


def _fit(recs: list[Recording]) -> dict[str, Any]:
    pos = {b[0]: (b[3], b[4]) for b in recs[0].beacons}
    d, r, keys, places = [], [], [], []
    scans: dict[tuple[float, float], int] = defaultdict(int)
    heard_at: dict[tuple[float, float], set[str]] = defaultdict(set)
    for rec in recs:
        truth = np.array([(t, x, y) for t, _, _, x, y in rec.truth])
        for t, key, rssi in rec.adverts:
            i = min(int(np.searchsorted(truth[:, 0], t)), len(truth) - 1)
            x, y = truth[i, 1], truth[i, 2]
            bx, by = pos[key]
            d.append(max(math.hypot(bx - x, by - y), 0.3))
            r.append(rssi)
            keys.append(key)
            places.append((x, y))
            heard_at[(x, y)].add(key)
        for j in range(0, len(rec.truth), 2):
            scans[(rec.truth[j][3], rec.truth[j][4])] += 1
    d_arr, r_arr = np.array(d), np.array(r)
    a = np.c_[np.ones_like(d_arr), -10.0 * np.log10(d_arr)]
    (p0, n), *_ = np.linalg.lstsq(a, r_arr, rcond=None)
    resid = r_arr - a @ np.array([p0, n])
    by_beacon: dict[str, list[float]] = defaultdict(list)
    for k, e in zip(keys, resid, strict=True):
        by_beacon[k].append(float(e))
    offsets = {k: float(np.mean(v)) for k, v in by_beacon.items()}
    groups: dict[tuple[Any, str], list[float]] = defaultdict(list)
    for k, p, e in zip(keys, places, resid, strict=True):
        groups[(p, k)].append(float(e) - offsets[k])
    within = [np.var(v, ddof=1) for v in groups.values() if len(v) >= 3]
    means = [np.mean(v) for v in groups.values() if len(v) >= 3]
    sizes = [len(v) for v in groups.values() if len(v) >= 3]
    packet_var = float(np.mean(within))
    fixed_var = max(float(np.var(means)) - packet_var / float(np.mean(sizes)), 0.0)
    hear = _hearing(pos, scans, heard_at, keys, places)
    return {"power_at_1m_dbm": round(float(p0), 1), "exponent": round(float(n), 2),
            "sigma_db": round(float(resid.std()), 2),
            "packet_sigma_db": round(math.sqrt(packet_var), 2),
            "fixed_sigma_db": round(math.sqrt(fixed_var), 2),
            "beacon_offset_sigma_db": round(float(np.std(list(offsets.values()))), 2),
            "beacon_offset_spread_db": round(max(offsets.values()) - min(offsets.values()), 1),
            "heard_share_by_m": hear}


def _hearing(pos: dict[str, tuple[float, float]], scans: dict[tuple[float, float], int],
             heard_at: dict[tuple[float, float], set[str]], keys: list[str],
             places: list[tuple[float, float]]) -> dict[str, float]:
    """Share of scans in which a beacon was heard, by distance band (m)."""
    count: dict[tuple[Any, str], int] = defaultdict(int)
    for k, p in zip(keys, places, strict=True):
        count[(p, k)] += 1
    bands = [(0, 4), (4, 8), (8, 12), (12, 16), (16, 20)]
    heard, total = np.zeros(len(bands)), np.zeros(len(bands))
    for place, n_scans in scans.items():
        for key, (bx, by) in pos.items():
            dist = math.hypot(bx - place[0], by - place[1])
            for i, (lo, hi) in enumerate(bands):
                if lo <= dist < hi:
                    heard[i] += min(count.get((place, key), 0), n_scans)
                    total[i] += n_scans
    return {f"{lo}-{hi}": round(float(h / t), 2) for (lo, hi), h, t in zip(bands, heard, total,
                                                                           strict=True) if t}


def simulated_twin(rec: Recording, radio: Any, seed: int) -> list[tuple[float, str, float]]:
    """Adverts the simulator's radio gives for the same beacons, scan times and points."""
    from mobile.positioning.geo import RouteLine
    from mobile.simulation.model import SENSITIVITY_DBM, SimBeacon, SimulatedWalk

    ox, oy = to_xy(*ORIGIN_LATLON)
    sim = [SimBeacon(b[0], ox + b[3], oy + b[4], -59, None) for b in rec.beacons]  # type: ignore[arg-type]
    walk = SimulatedWalk(RouteLine([(ORIGIN_LATLON[1], ORIGIN_LATLON[0]),
                                    (ORIGIN_LATLON[1] + 1e-4, ORIGIN_LATLON[0])]),
                         sim, radio, seed=seed)
    out = []
    truth = rec.truth
    for j in range(0, len(truth), 2):
        t_a, t_b = truth[j][0], truth[j + 1][0]
        x, y = ox + truth[j][3], oy + truth[j][4]
        for i, b in enumerate(sim):
            dist = math.hypot(b.x - x, b.y - y)
            if walk.rng.random() < radio.reception(dist):
                rssi = walk.rssi(i, dist, x, y)
                if rssi >= SENSITIVITY_DBM:
                    out.append((float(walk.rng.uniform(t_a, max(t_b, t_a + 0.9))), b.key, rssi))
    out.sort()
    return out
