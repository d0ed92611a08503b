"""Registry hot paths against baselines measured in the same run: beacon lookup and bundle.

Data: the real inner-city shops and amenities (OSM import) and the shipped beacon plan
(mobile/data/beacon_plan_cc.geojson), every 10th beacon linked to a nearby place, a few
current notices. Each request goes through the in-process ASGI app (TestClient), so figures
include routing, validation, the database and JSON. Baselines: `SELECT 1` through the same
session factory (database round trip) and `GET /healthz` (HTTP stack without the database).
`bundle_full` is served from the bundle cache over the in-memory snapshot; `bundle_rebuild` is
the first request after a change (content from the snapshot, canonical JSON, SHA-256).

    .venv/bin/python bench/bench_registry.py [--runs 300] [--pg URL] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from stats import summary  # noqa: E402

from beacon_registry import service  # noqa: E402
from beacon_registry.app import create_app, open_registry  # noqa: E402
from beacon_registry.area import INNER_CITY_BBOX, ServiceArea  # noqa: E402
from beacon_registry.bundle import BundleCache  # noqa: E402
from beacon_registry.importer import import_rows  # noqa: E402
from beacon_registry.models import Beacon, Place  # noqa: E402
from beacon_registry.osm_places import import_osm_places  # noqa: E402
from beacon_registry.tabular import parse_geojson  # noqa: E402
from lotse_common.settings import PROJECT_ROOT, settings  # noqa: E402

PLAN = PROJECT_ROOT / "mobile" / "data" / "beacon_plan_cc.geojson"
AREA = ServiceArea("innenstadt", INNER_CITY_BBOX, graph_hash="bench")


def timed(fn, runs: int) -> list[float]:
    for _ in range(min(10, runs)):
        fn()  # warm caches and connection pool
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def seed(ctx) -> tuple[list[dict], dict]:
    """Fill the registry; returns lookup queries (one per beacon) and the seeding timings."""
    timings = {}
    with ctx.session_factory.begin() as session:
        t = time.perf_counter()
        import_osm_places(session, ctx.area, "bench", settings().osm_path)
        timings["osm_place_import_s"] = time.perf_counter() - t
    with ctx.session_factory.begin() as session:
        t = time.perf_counter()
        rows = parse_geojson(PLAN.read_text())
        report = import_rows(session, ctx.area, "bench", service.BEACON, rows, on_error="skip")
        timings["plan_import_s"] = time.perf_counter() - t
        timings["plan_rows"] = len(rows)
        timings["plan_rejected"] = len(report.rejected)
    with ctx.session_factory.begin() as session:
        places = list(session.scalars(select(Place)))
        beacons = list(session.scalars(select(Beacon).order_by(Beacon.id)))
        for i, b in enumerate(beacons[::10]):
            b.place_id = places[i % len(places)].id
        now = datetime.now(UTC)
        for i, p in enumerate(places[:20]):
            service.create(session, ctx.area, "bench", service.NOTICE, {
                "kind": "offer", "text_de": f"Angebot {i}", "place_id": p.id,
                "valid_from": now - timedelta(hours=1), "valid_to": now + timedelta(days=1)})
        queries = [{"uuid": b.uuid, "major": b.major, "minor": b.minor} for b in beacons
                   if b.kind == "ibeacon"]
    return queries, timings


def run(url: str, runs: int) -> dict:
    ctx = open_registry(url, AREA)
    queries, timings = seed(ctx)
    client = TestClient(create_app(context=ctx))
    linked = queries[::10]

    def select_one():
        with ctx.session_factory() as s:
            s.execute(text("SELECT 1"))

    i = iter(range(10**9))
    results = {
        "baseline_select_1": summary(timed(select_one, runs)),
        "baseline_http_healthz": summary(timed(lambda: client.get("/healthz"), runs)),
        "beacon_lookup": summary(timed(lambda: client.get(
            "/v1/beacons/lookup", params=linked[next(i) % len(linked)]), runs)),
    }
    etag = client.get("/v1/bundle").headers["etag"]
    size = len(client.get("/v1/bundle").content)
    bundle_runs = max(10, runs // 10)
    results["bundle_full"] = summary(timed(lambda: client.get("/v1/bundle"), bundle_runs))

    def rebuild():
        ctx.bundle_cache = BundleCache()  # as after any write: fingerprint differs, full rebuild
        client.get("/v1/bundle")

    results["bundle_rebuild"] = summary(timed(rebuild, bundle_runs))
    results["bundle_304"] = summary(timed(
        lambda: client.get("/v1/bundle", headers={"If-None-Match": etag}), bundle_runs))
    results["bundle_bytes"] = size
    results["beacons"] = len(queries)
    results["seed"] = timings
    ctx.session_factory.kw["bind"].dispose()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--pg", default=os.environ.get("LOTSE_TEST_PG_URL"),
                        help="also run on this (empty, throw-away) PostgreSQL database")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        report["sqlite"] = run(f"sqlite:///{tmp}/bench.db", args.runs)
    if args.pg:
        from sqlalchemy import create_engine

        engine = create_engine(args.pg)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        report["postgresql"] = run(args.pg, args.runs)
    for db, res in report.items():
        print(f"== {db}: {res['beacons']} beacons, bundle {res['bundle_bytes']} bytes, "
              f"seed {json.dumps({k: round(v, 2) for k, v in res['seed'].items()})}")
        for name in ("baseline_select_1", "baseline_http_healthz", "beacon_lookup",
                     "bundle_full", "bundle_rebuild", "bundle_304"):
            s = res[name]
            print(f"  {name:<22} median {s['median_ms']:8.2f} ms  p95 {s['p95_ms']:8.2f} ms  "
                  f"p99 {s['p99_ms']:8.2f} ms  (n={s['n']})")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
