"""Area bundle: the contract's keys, an ETag that changes exactly when content changes, 304."""

from __future__ import annotations

from datetime import timedelta

import pytest
from registry_data import UUID, ibeacon, place

BEACON_KEYS = {
    "id",
    "kind",
    "uuid",
    "major",
    "minor",
    "namespace",
    "instance",
    "lat",
    "lon",
    "level",
    "measured_power",
    "placement_de",
    "placement_en",
    "place_id",
    "status",
}
PLACE_KEYS = {"id", "name", "category", "lat", "lon", "opening_hours", "phone", "osm_id", "notes"}
NOTICE_KEYS = {
    "id",
    "kind",
    "text_de",
    "text_en",
    "place_id",
    "beacon_id",
    "area",
    "valid_from",
    "valid_to",
}
OBSTACLE_KEYS = {
    "id",
    "kind",
    "geometry",
    "effect",
    "valid_from",
    "valid_to",
    "description_de",
    "description_en",
}


def _etag(client) -> str:
    r = client.get("/v1/bundle")
    assert r.status_code == 200
    return r.headers["etag"]


def test_bundle_shape(client, auth, clock):
    p = client.post("/v1/staff/places", json=place(), headers=auth("staff")).json()
    client.post("/v1/staff/beacons", json=ibeacon(place_id=p["id"]), headers=auth("staff"))
    start, end = clock.now - timedelta(hours=1), clock.now + timedelta(hours=1)
    client.post(
        "/v1/staff/notices",
        headers=auth("staff"),
        json={
            "kind": "warning",
            "text_de": "Aufzug defekt",
            "beacon_id": 1,
            "valid_from": start.isoformat(),
            "valid_to": end.isoformat(),
        },
    )
    client.post(
        "/v1/staff/obstacles",
        headers=auth("staff"),
        json={
            "kind": "blocked",
            "effect": "penalty",
            "factor": 4,
            "geometry": {
                "type": "LineString",
                "coordinates": [[7.7690, 49.4440], [7.7695, 49.4442]],
            },
            "valid_from": start.isoformat(),
            "valid_to": end.isoformat(),
        },
    )
    b = client.get("/v1/bundle").json()
    assert {
        "version",
        "generated_at",
        "area",
        "graph",
        "beacons",
        "places",
        "notices",
        "obstacles",
        "attribution",
    } <= set(b)
    assert b["attribution"] == "© OpenStreetMap contributors"
    assert b["graph"] == {"hash": "cafe1234", "url": "/v1/graph/cafe1234"}
    assert BEACON_KEYS <= set(b["beacons"][0]) and b["beacons"][0]["uuid"] == UUID
    assert PLACE_KEYS <= set(b["places"][0])
    assert NOTICE_KEYS <= set(b["notices"][0])
    assert OBSTACLE_KEYS <= set(b["obstacles"][0])


def test_etag_changes_exactly_when_content_changes(client, auth, clock):
    first = _etag(client)
    assert _etag(client) == first  # nothing changed; generated_at is not part of the tag
    clock.now += timedelta(minutes=5)
    assert _etag(client) == first

    r = client.get("/v1/bundle", headers={"If-None-Match": first})
    assert r.status_code == 304 and r.headers["etag"] == first and r.content == b""

    b = client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff")).json()
    second = _etag(client)
    assert second != first
    assert client.get("/v1/bundle", headers={"If-None-Match": first}).status_code == 200

    # a rejected write and an anonymous sighting change nothing a phone uses
    client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff"))
    client.post(
        "/v1/sightings",
        json={"uuid": UUID, "major": 1, "minor": 1, "rssi": -70, "battery_mv": 2900},
    )
    assert _etag(client) == second

    # an update that changes a field changes it; a notice changes it only while it is current
    client.patch(
        f"/v1/staff/beacons/{b['id']}", json={"version": 1, "level": 1}, headers=auth("staff")
    )
    third = _etag(client)
    assert third != second
    start = clock.now + timedelta(hours=1)
    client.post(
        "/v1/staff/notices",
        headers=auth("staff"),
        json={
            "kind": "event",
            "text_de": "Stadtfest",
            "area": "innenstadt",
            "valid_from": start.isoformat(),
            "valid_to": (start + timedelta(hours=2)).isoformat(),
        },
    )
    assert _etag(client) == third  # not current yet
    clock.now = start + timedelta(minutes=1)
    during = _etag(client)
    assert during != third
    clock.now = start + timedelta(hours=3)
    assert _etag(client) == third  # over: the bundle is what it was before


def test_retired_records_leave_the_bundle(client, auth):
    b = client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff")).json()
    with_beacon = _etag(client)
    client.post(f"/v1/staff/beacons/{b['id']}/retire", json={"version": 1}, headers=auth("staff"))
    assert _etag(client) != with_beacon
    assert client.get("/v1/bundle").json()["beacons"] == []


def test_write_by_another_worker_is_seen_within_the_check_interval(client, auth, db_url, clock):
    """The bundle follows the database's state, not only this process's writes: a write through
    another engine (another worker) is served once the fingerprint is next asked."""
    import time

    from registry_data import AREA

    from beacon_registry import service
    from beacon_registry.app import open_registry
    from beacon_registry.snapshot import CHECK_INTERVAL_S

    before = _etag(client)
    other = open_registry(db_url, AREA)  # a second worker with its own engine
    with other.session_factory.begin() as session:
        service.create(session, AREA, "worker-2", service.PLACE, place(name="Neu"))
    other.session_factory.kw["bind"].dispose()
    time.sleep(2 * CHECK_INTERVAL_S)
    assert _etag(client) != before
    assert [p["name"] for p in client.get("/v1/bundle").json()["places"]] == ["Neu"]


def test_openapi_lists_the_registry(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/bundle",
        "/v1/beacons/lookup",
        "/v1/staff/beacons",
        "/v1/staff/obstacles",
        "/v1/staff/beacons/{obj_id}",
        "/v1/tester/logs",
        "/v1/sightings",
    } <= set(paths)


def test_the_bundle_built_from_remembered_pieces_is_the_whole_bundle_encoded(ctx, clock):
    """The shipped 886-beacon plan, places, a notice and an obstacle: the cache's bytes equal
    the bundle encoded at once, after the first build and after edits that reuse the pieces."""
    import gzip
    from pathlib import Path

    from registry_data import AREA

    from beacon_registry import service
    from beacon_registry.bundle import BundleCache, _encode, bundle_content
    from beacon_registry.importer import import_rows
    from beacon_registry.models import Beacon
    from beacon_registry.tabular import parse_geojson

    plan = Path(__file__).resolve().parents[2] / "mobile" / "data" / "beacon_plan_cc.geojson"
    with ctx.session_factory.begin() as session:
        import_rows(session, AREA, "test", service.BEACON, parse_geojson(plan.read_text()))
        shop = service.create(session, AREA, "staff", service.PLACE, place())
        service.create(session, AREA, "staff", service.NOTICE, {
            "kind": "offer", "text_de": "Heute Rabatt", "place_id": shop.id,
            "valid_from": clock.now - timedelta(hours=1),
            "valid_to": clock.now + timedelta(hours=1)})
        service.create(session, AREA, "staff", service.OBSTACLE, {
            "kind": "road_works", "effect": "block",
            "geometry": {"type": "Point", "coordinates": [7.7700, 49.4447]},
            "valid_from": clock.now - timedelta(hours=1),
            "valid_to": clock.now + timedelta(days=1)})
    cache = BundleCache()

    def same_bytes() -> int:
        snapshot = ctx.snapshots.get()
        body, etag = cache.get(snapshot, AREA, clock.now)
        whole = _encode(bundle_content(snapshot, AREA, clock.now))
        assert body.split(b",", 2)[2] == whole[1:]  # after "version" and "generated_at"
        return len(snapshot.beacons)

    assert same_bytes() == 886
    built = cache.built(ctx.snapshots.get(), AREA, clock.now)
    assert len(built.gzipped) * 10 < len(built.body)  # 275 kB of JSON, ~21 kB on the air
    assert gzip.decompress(built.gzipped) == built.body
    with ctx.session_factory.begin() as session:
        beacon = session.get(Beacon, 5)
        beacon.placement_de = "neben dem Briefkasten \\u00e4\u00f6\u00fc"
        service.retire(session, "staff", service.BEACON, 6, session.get(Beacon, 6).version)
    ctx.snapshots.invalidate()
    assert same_bytes() == 885


def test_a_phone_that_accepts_gzip_gets_it_with_its_own_etag(client, auth):
    """The same bytes, gzipped once per version; the ETag names the gzipped bytes apart, and
    an If-None-Match with either form is a 304 for either kind of request."""
    import gzip

    client.post("/v1/staff/beacons", json=ibeacon(), headers=auth("staff"))
    plain = client.get("/v1/bundle", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    tag = plain.headers["etag"]
    with client.stream("GET", "/v1/bundle", headers={"Accept-Encoding": "gzip"}) as zipped:
        raw = b"".join(zipped.iter_raw())
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["etag"] == tag[:-1] + '-gzip"'
        zipped_tag = zipped.headers["etag"]
    assert gzip.decompress(raw) == plain.content
    for sent, accept in ((tag, "gzip"), (zipped_tag, "identity"), (zipped_tag, "gzip")):
        r = client.get("/v1/bundle", headers={"If-None-Match": sent, "Accept-Encoding": accept})
        assert r.status_code == 304, (sent, accept)


@pytest.mark.parametrize(("header", "gzip_ok"), [
    ("gzip", True), ("br, gzip;q=0.5", True), ("*", True), ("GZIP", True),
    ("gzip;q=0", False), ("gzip;q=0.000", False), ("gzip;q=x", False), ("identity", False),
    ("", False), (None, False), ("deflate, br", False)])
def test_accept_encoding_is_read_with_its_weights(header, gzip_ok):
    from beacon_registry.api.routes.bundle import accepts_gzip

    assert accepts_gzip(header) is gzip_ok
