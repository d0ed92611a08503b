"""Positioning on a recording nobody simulated: one fix a second, scored when truth is known.

The files (`lotse locate`, docs/CONTRACTS.md):

- BEACONS.csv `id,lat,lon[,measured_power_dbm]` (no power: `DEFAULT_MEASURED_POWER`, and the
  phone-offset estimate takes up the difference);
- ADVERTS.csv `t_s,beacon_id,rssi_dbm`, one row per packet heard;
- TRUTH.csv `t_s,lat,lon`, linearly interpolated; a fix more than `TRUTH_GAP_S` from the nearest
  truth row is not scored (the walker's way between surveyed points is not known);
- ROUTE.geojson, a LineString: on-route mode, the route matcher's position and uncertainty.

The same `BeaconPositioner` and `RouteMatcher` the phone runs do the work; nothing here is tuned
for a recording.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from lotse_common.geodesy import to_latlon, to_xy
from mobile.positioning.beacons import BeaconInfo, BeaconPositioner, PositionSettings
from mobile.positioning.geo import RouteLine
from mobile.positioning.route_match import MatchSettings, RouteMatcher

#: measured power assumed for a beacon whose row gives none (dBm at 1 m, a common iBeacon value)
DEFAULT_MEASURED_POWER = -59
#: fixes farther than this from a truth row are not scored (s)
TRUTH_GAP_S = 2.0
#: a recording without any packet for this long was not scanning (s)
LISTENING_GAP_S = 2.5
#: one fix every this many seconds
FIX_EVERY_S = 1.0


class LocateInputError(ValueError):
    """A file that cannot be read: the message names the file and the row."""


@dataclass(frozen=True, slots=True)
class Advert:
    t: float
    beacon: str
    rssi: float


def _rows(path: Path, need: tuple[str, ...]) -> Iterable[tuple[int, dict[str, str]]]:
    try:
        fh = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise LocateInputError(f"{path}: {exc.strerror or exc}") from None
    with fh:
        reader = csv.DictReader(fh)
        missing = [c for c in need if c not in (reader.fieldnames or [])]
        if missing:
            raise LocateInputError(f"{path} row 1: missing column(s) {', '.join(missing)}")
        yield from enumerate(reader, start=2)


def _number(path: Path, row: int, value: str | None, name: str) -> float:
    try:
        v = float(value or "")
    except ValueError:
        raise LocateInputError(f"{path} row {row}: {name} {value!r} is not a number") from None
    if not math.isfinite(v):
        raise LocateInputError(f"{path} row {row}: {name} {value!r} is not a finite number")
    return v


def _latlon(path: Path, i: int, row: dict[str, str]) -> tuple[float, float]:
    lat, lon = _number(path, i, row["lat"], "lat"), _number(path, i, row["lon"], "lon")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise LocateInputError(f"{path} row {i}: lat/lon {lat}, {lon} out of range")
    return lat, lon


def read_beacons(path: Path) -> list[BeaconInfo]:
    out, seen = [], set()
    for i, row in _rows(path, ("id", "lat", "lon")):
        key = (row["id"] or "").strip()
        if not key:
            raise LocateInputError(f"{path} row {i}: empty id")
        if key in seen:
            raise LocateInputError(f"{path} row {i}: beacon {key!r} listed twice")
        seen.add(key)
        lat, lon = _latlon(path, i, row)
        raw = (row.get("measured_power_dbm") or "").strip()
        power = DEFAULT_MEASURED_POWER if not raw else _number(path, i, raw, "measured_power_dbm")
        out.append(BeaconInfo.make(key, lat, lon, int(round(power))))
    if not out:
        raise LocateInputError(f"{path}: no beacons")
    return out


def read_adverts(path: Path, known: set[str]) -> list[Advert]:
    out = []
    for i, row in _rows(path, ("t_s", "beacon_id", "rssi_dbm")):
        key = (row["beacon_id"] or "").strip()
        if key not in known:
            raise LocateInputError(f"{path} row {i}: beacon {key!r} is not in the beacons file")
        rssi = _number(path, i, row["rssi_dbm"], "rssi_dbm")
        if not -130 <= rssi <= 20:
            raise LocateInputError(f"{path} row {i}: rssi_dbm {rssi} is not a BLE RSSI")
        out.append(Advert(_number(path, i, row["t_s"], "t_s"), key, rssi))
    if not out:
        raise LocateInputError(f"{path}: no adverts")
    out.sort(key=lambda a: a.t)
    return out


def read_truth(path: Path) -> np.ndarray:
    """Rows (t, x, y) in time order."""
    rows = []
    for i, row in _rows(path, ("t_s", "lat", "lon")):
        t = _number(path, i, row["t_s"], "t_s")
        rows.append((t, *to_xy(*_latlon(path, i, row))))
    if not rows:
        raise LocateInputError(f"{path}: no truth rows")
    return np.array(sorted(rows))


def read_route(path: Path) -> RouteLine:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LocateInputError(f"{path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise LocateInputError(f"{path}: not JSON ({exc})") from None
    geom = data.get("geometry", data) if isinstance(data, dict) else None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        feats = data.get("features") or [{}]
        geom = feats[0].get("geometry") if isinstance(feats[0], dict) else None
    if not isinstance(geom, dict) or geom.get("type") != "LineString":
        raise LocateInputError(f"{path}: expected a GeoJSON LineString")
    try:
        return RouteLine([(float(p[0]), float(p[1])) for p in geom["coordinates"]])
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise LocateInputError(f"{path}: bad LineString coordinates ({exc})") from None


def locate(beacons: list[BeaconInfo], adverts: list[Advert], truth: np.ndarray | None = None,
           route: RouteLine | None = None,
           settings: PositionSettings | None = None, keep_errors: bool = False) -> dict[str, Any]:
    """Run the positioner (and, with a route, the route matcher) over the adverts: one fix a
    second from the first packet on; scored against the truth when it is given
    (`keep_errors`: also every scored fix's error, for pooling over recordings)."""
    positioner = BeaconPositioner(beacons, replace(
        settings or PositionSettings(), listening_gap_s=LISTENING_GAP_S))
    st = positioner.settings
    matcher: RouteMatcher | None = None
    track: list[dict[str, Any]] = []
    errors: list[float] = []
    covered: list[bool] = []
    k, t = 0, math.ceil(adverts[0].t)
    while t <= adverts[-1].t + FIX_EVERY_S:
        while k < len(adverts) and adverts[k].t <= t:
            a = adverts[k]
            positioner.on_sighting(a.t, a.beacon, a.rssi)
            if matcher is not None:  # started at the first free fix, as the phone does
                power = positioner.power_dbm(a.beacon)
                assert power is not None
                matcher.on_packet(a.t, positioner.beacons[a.beacon],
                                  a.rssi - positioner.calibration.offset_db, power)
            k += 1
        fix = positioner.estimate(t)
        if fix is not None and route is not None and matcher is None:
            start_m, _ = route.project(fix.x, fix.y)
            matcher = RouteMatcher(route, MatchSettings(path_loss_exponent=st.path_loss_exponent),
                                   start_m, max(fix.uncertainty_m, 4.0))
        if fix is not None:
            x, y, unc = fix.x, fix.y, fix.uncertainty_m
            if matcher is not None:
                s = matcher.progress_at(t)
                x, y = route.xy_at(s)  # type: ignore[union-attr]
                unc = matcher.radius_m(st.coverage)
            lat, lon = to_latlon(x, y)
            track.append({"t_s": round(t, 2), "lat": round(lat, 7), "lon": round(lon, 7),
                          "uncertainty_m": round(unc, 2)})
            if truth is not None:
                err = _error(truth, t, x, y)
                if err is not None:
                    errors.append(err)
                    covered.append(unc >= err)
        t += FIX_EVERY_S
    out: dict[str, Any] = {"fixes": len(track), "mode": "route" if route else "free"}
    if truth is not None:
        arr = np.array(errors) if errors else None
        out["error_m"] = None if arr is None else {
            "median": round(float(np.median(arr)), 2),
            "p95": round(float(np.percentile(arr, 95)), 2), "mean": round(float(arr.mean()), 2)}
        out["scored"] = len(errors)
        out["uncertainty_coverage"] = round(float(np.mean(covered)), 3) if covered else None
        if keep_errors:
            out["errors"] = errors
    out["phone_offset_db"] = round(positioner.calibration.offset_db, 1)
    out["track"] = track
    return out


def _error(truth: np.ndarray, t: float, x: float, y: float) -> float | None:
    ts = truth[:, 0]
    i = int(np.searchsorted(ts, t))
    near = min(abs(ts[j] - t) for j in (i - 1, i) if 0 <= j < len(ts))
    if near > TRUTH_GAP_S or t < ts[0] - TRUTH_GAP_S or t > ts[-1] + TRUTH_GAP_S:
        return None
    tx, ty = float(np.interp(t, ts, truth[:, 1])), float(np.interp(t, ts, truth[:, 2]))
    return math.hypot(x - tx, y - ty)
