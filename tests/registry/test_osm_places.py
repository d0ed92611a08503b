"""Import of the real shops and amenities of the inner-city extract, through `lotse admin`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from beacon_registry import cli_admin
from beacon_registry.models import AuditEntry, Place
from beacon_registry.opening import TZ


def test_import_real_shops_then_reimport_updates(db_url, ctx, client, clock, capsys):
    assert cli_admin.main(["--database-url", db_url, "import-places"]) == 0
    first = capsys.readouterr().out
    with ctx.session_factory() as session:
        count = session.scalar(select(func.count(Place.id)))
        shops = session.scalar(select(func.count(Place.id)).where(Place.category == "books"))
        grill = session.scalar(select(Place).where(Place.osm_id == "node/320064567"))
    assert count > 300 and shops >= 1, first
    assert grill.name == "Orient Grill" and grill.opening_hours.startswith("Mo-We 11:00-01:00")

    assert cli_admin.main(["--database-url", db_url, "import-places"]) == 0
    second = capsys.readouterr().out
    assert "0 created" in second and f"{count} unchanged" in second
    with ctx.session_factory() as session:
        assert session.scalar(select(func.count(Place.id))) == count
        assert session.scalar(select(func.count(AuditEntry.id))) == count  # creates only

    # Wednesday 00:30 in Berlin: Tuesday's opening "Mo-We 11:00-01:00" still runs
    clock.now = datetime(2026, 11, 25, 0, 30, tzinfo=TZ)
    near = client.get(
        "/v1/places/near", params={"lat": grill.lat, "lon": grill.lon, "radius_m": 5}
    ).json()
    mine = next(p for p in near if p["name"] == "Orient Grill")
    assert mine["open_now"] is True and mine["status_text"] == "geöffnet bis 1 Uhr"
