"""Small staff endpoints the console needs beside the registry's API (which stays as it is).

Each answers a question the console asks while staff edit, before anything is saved: is this
opening-hours text valid and what would the phone say now; how does this sentence sound in the
real voice; how would this draft obstacle change a route; which rows of this file would import.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accessibility.places import opening_text
from accessibility.voices.base import NoVoiceError
from accessibility.voices.wav import synthesize
from beacon_registry.api.deps import ContextDep, CurrentToken, SessionDep, require_role
from beacon_registry.api.routes.bulk import MAX_UPLOAD_BYTES, read_upload
from beacon_registry.api.routes.health import LOW_BATTERY_MV
from beacon_registry.errors import InvalidField, NotFound
from beacon_registry.importer import import_rows
from beacon_registry.lookup import place_view
from beacon_registry.models import Beacon, Place, Sighting, TesterLog
from beacon_registry.service import BEACON, PLACE, snapshot
from beacon_registry.sightings import evidence
from beacon_registry.tabular import parse_csv, parse_geojson, to_geojson
from lotse_common.opening import InvalidOpeningHours, opening_state
from lotse_common.opening import validate as validate_hours
from lotse_server.routing_api import LatLon
from lotse_server.web import reports
from routing_service.errors import LotseRoutingError
from routing_service.overlays import overlay_from_geojson

log = logging.getLogger(__name__)

router = APIRouter(prefix="/console/api", tags=["staff: console"],
                   dependencies=[require_role("staff")])

#: a notice is one or two short sentences; longer text is refused before espeak-ng runs
MAX_SPEECH_CHARS = 500


class HoursCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    opening_hours: Annotated[str, Field(max_length=2000)]
    lang: Literal["de", "en"] = "de"


@router.post("/opening-hours", summary="Check opening hours and say what the phone says now")
def check_opening_hours(body: HoursCheck, ctx: ContextDep) -> dict[str, Any]:
    try:
        spec = validate_hours(body.opening_hours)
    except InvalidOpeningHours as exc:
        return {"valid": False, "error": str(exc)}
    state = opening_state(spec, ctx.now())
    return {"valid": True, "text": opening_text(state, body.lang),
            "open_now": None if state is None else state.is_open}


class SpeechRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=MAX_SPEECH_CHARS)]
    lang: Literal["de", "en"] = "de"
    #: an offer or event at a place is said inside the place's sentence, as the phone says it
    kind: Literal["offer", "event", "warning"] | None = None
    place_id: int | None = None


def spoken_sentence(body: SpeechRequest, session: Session, now: datetime) -> str:
    """The sentence the phone says for this notice text (the beacon lookup's own wording)."""
    if body.place_id is None or body.kind not in ("offer", "event"):
        return body.text.strip()
    place = session.get(Place, body.place_id)
    if place is None:
        raise NotFound(f"no place with id {body.place_id}", "place_id")
    said = [body.text.strip()]
    return place_view(place, now, body.lang, offers=said if body.kind == "offer" else (),
                      events=said if body.kind == "event" else ())["spoken"]


@router.post("/speech", summary="The sentence spoken by the phone's voice, as a WAV file "
             "(the sentence itself, URL-encoded, in the X-Lotse-Spoken header)",
             response_class=Response)
def speak(body: SpeechRequest, session: SessionDep, ctx: ContextDep) -> Response:
    if not body.text.strip():
        raise InvalidField("there is nothing to say: the text is empty", "text")
    sentence = spoken_sentence(body, session, ctx.now())
    with tempfile.TemporaryDirectory(prefix="lotse-say-") as tmp:
        path = Path(tmp) / "notice.wav"
        try:
            synthesize(sentence, body.lang, path)
        except NoVoiceError as exc:
            raise HTTPException(503, f"no voice on this server: {exc}") from exc
        return Response(path.read_bytes(), media_type="audio/wav",
                        headers={"X-Lotse-Spoken": quote(sentence)})


class DraftObstacle(BaseModel):
    model_config = ConfigDict(extra="forbid")
    geometry: dict[str, Any]
    effect: Literal["block", "penalty", "bonus"] = "block"
    factor: Annotated[float, Field(gt=0, le=100)] | None = None
    radius_m: Annotated[float, Field(gt=0, le=200)] | None = None


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    origin: LatLon = Field(alias="from")
    to: LatLon
    profile: Literal["walk", "blind", "low_vision"] = "blind"
    lang: Literal["de", "en"] = "de"
    obstacle: DraftObstacle


def _summary(route: dict[str, Any]) -> dict[str, Any]:
    return {key: route[key] for key in ("distance_m", "duration_s", "geometry", "warnings")} | {
        "steps": [m["text"] for m in route["maneuvers"]]}


@router.post("/route-preview", summary="A route without and with a draft obstacle")
def route_preview(body: PreviewRequest, request: Request) -> dict[str, Any]:
    if body.obstacle.geometry.get("type") not in ("Point", "LineString"):
        raise InvalidField("geometry must be a GeoJSON Point or LineString", "obstacle.geometry")
    app = request.app
    now = datetime.now(UTC)
    current = list(app.state.web_overlays.overlays(now))
    try:
        draft = overlay_from_geojson({"id": "draft", "kind": "draft",
                                      **body.obstacle.model_dump(exclude_none=True)})
        ends = ((body.origin.lat, body.origin.lon), (body.to.lat, body.to.lon))
        routes = [app.state.router.route(*ends, profile=body.profile, lang=body.lang,
                                         overlays=overlays, when=now).to_dict()
                  for overlays in (current, [*current, draft])]
    except LotseRoutingError as exc:
        raise HTTPException(422, exc.message(body.lang)) from exc
    before, after = (_summary(r) for r in routes)
    return {"before": before, "after": after,
            "changed": before["geometry"] != after["geometry"]}


def _row_label(kind: str, row: dict[str, Any]) -> str:
    if kind == "places":
        return str(row.get("name") or row.get("osm_id") or "")
    ident = (row.get("uuid"), row.get("major"), row.get("minor")) if row.get("uuid") else (
        row.get("namespace"), row.get("instance"))
    text = ":".join(str(p) for p in ident if p is not None)
    placement = row.get("placement_de") or ""
    return f"{placement} ({text})" if placement else text


@router.post("/{kind}/import-preview",
             summary="Which rows of a file would import, and why the others would not "
                     "(nothing is written)")
async def import_preview(kind: Literal["beacons", "places"], request: Request, ctx: ContextDep,
                         token: CurrentToken,
                         format: Literal["csv", "geojson"] | None = None,  # noqa: A002
                         ) -> dict[str, Any]:
    raw = await read_upload(request, MAX_UPLOAD_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidField("the file must be UTF-8 text", "file") from exc
    fmt = format or ("csv" if "csv" in request.headers.get("content-type", "") else "geojson")
    rows = parse_csv(text) if fmt == "csv" else parse_geojson(text)
    entity = BEACON if kind == "beacons" else PLACE
    session = ctx.session_factory()
    try:  # the real write path, rolled back: the preview and the import agree row for row
        report = import_rows(session, ctx.area, token.name, entity, rows, "skip",
                             text_cells=fmt == "csv")
    finally:
        session.rollback()
        session.close()
    bad = {r["row"]: r for r in report.rejected}
    listed = [{"row": n, "label": _row_label(kind, row), "ok": n not in bad,
               "field": bad.get(n, {}).get("field"), "error": bad.get(n, {}).get("error")}
              for n, row in enumerate(rows, start=1)]
    return {"rows": listed, "good": len(rows) - len(bad), "bad": len(bad),
            "would_create": len(report.created), "would_update": len(report.updated),
            "unchanged": len(report.unchanged)}


@router.get("/logs/{log_id}/report", response_class=Response,
            summary="The replay report of a tester log as one HTML page")
def log_report(log_id: int, session: SessionDep, request: Request) -> Response:
    log_row = session.get(TesterLog, log_id)
    if log_row is None:
        raise NotFound(f"no log with id {log_id}", "id")
    beacons = [snapshot(BEACON, b) for b in session.query(BEACON.model).all()]
    lang = "en" if request.query_params.get("lang") == "en" else "de"
    try:
        page = reports.log_report(log_row.sha256, log_row.content, to_geojson(BEACON, beacons),
                                  lang)
    except ValueError as exc:
        raise HTTPException(422, f"this log cannot be replayed: {exc}") from exc
    return Response(page, media_type="text/html; charset=utf-8")


#: a beacon heard this much weaker than its peers (after its own measured power) is flagged (dB)
WEAK_MARGIN_DB = 10.0
#: at least this many sightings before a beacon's average RSSI means anything
MIN_SIGHTINGS = 5
#: how far back "last heard" looks (sightings are kept 30 days, then folded into daily rows)
EVIDENCE_DAYS = 366


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC times; PostgreSQL aware ones."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@router.get("/beacons/health", summary="Beacons needing a visit, most urgent first")
def beacon_health(session: SessionDep, ctx: ContextDep,
                  days: Annotated[int, Query(ge=1, le=365)] = 7,
                  battery_below_mv: Annotated[int, Query(ge=0, le=10000)] = LOW_BATTERY_MV,
                  ) -> dict[str, Any]:
    """Quiet for `days` (or never heard), low battery (TLM), or heard far weaker than peers.

    "Weaker than expected": a beacon's mean RSSI in the window, less its measured power, against
    the median of the same figure over all beacons heard; a fallen or covered beacon stands out.
    """
    now = ctx.now()
    since = now - timedelta(days=days)
    heard = dict(((b, (float(avg), int(n))) for b, avg, n in session.execute(
        select(Sighting.beacon_id, func.avg(Sighting.rssi), func.count(Sighting.id))
        .where(Sighting.at >= since).group_by(Sighting.beacon_id))))
    beacons = list(session.scalars(select(Beacon).where(Beacon.status == "active")))
    margins = {b.id: heard[b.id][0] - b.measured_power for b in beacons
               if heard.get(b.id, (0, 0))[1] >= MIN_SIGHTINGS}
    typical = statistics.median(margins.values()) if margins else None
    # phones' sightings are evidence beside the staff's own readings (never instead of them)
    seen = evidence(session, now - timedelta(days=EVIDENCE_DAYS))
    rows = []
    for b in beacons:
        ev = seen.get(b.id, {})
        last = _aware(ev.get("last_seen_at") or b.last_seen_at)
        battery = [v for v in (b.battery_mv, ev.get("reported_battery_mv")) if v is not None]
        lowest = min(battery) if battery else None
        quiet_days = None if last is None else (now - last).days
        problems = []
        if last is None or last < since:
            problems.append("quiet")
        if lowest is not None and lowest < battery_below_mv:
            problems.append("battery")
        weak_by = None
        if typical is not None and b.id in margins and margins[b.id] < typical - WEAK_MARGIN_DB:
            weak_by = round(typical - margins[b.id], 1)
            problems.append("weak")
        if not problems:
            continue
        rows.append({"id": b.id, "identity": b.identity, "placement_de": b.placement_de,
                     "lat": b.lat, "lon": b.lon, "problems": problems,
                     "last_seen_at": last.isoformat() if last else None,
                     "quiet_days": quiet_days, "battery_mv": lowest, "weaker_db": weak_by})
    # urgency: silent first (longest silence, never heard above all), then emptiest battery
    rows.sort(key=lambda r: ("quiet" not in r["problems"],
                             -(r["quiet_days"] if r["quiet_days"] is not None else 10**6),
                             "battery" not in r["problems"], r["battery_mv"] or 10**6,
                             -(r["weaker_db"] or 0), r["id"]))
    return {"days": days, "battery_below_mv": battery_below_mv, "beacons": rows}
