"""The two pages: the public route planner at ``/`` and the staff console at ``/console``.

Server-rendered with Jinja2; the planner's step list works with a plain form post, its scripts
only add the search combobox, the map and an in-place update. The console's scripts talk to the
registry's JSON API with the staff token kept in sessionStorage (never in a URL or a log).
Every page carries a Content-Security-Policy that allows this server only: no page can make a
request to the internet, whatever a script or a stored text contains.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from lotse_common import ATTRIBUTION
from lotse_server.web import i18n
from lotse_server.web.config import web_settings
from lotse_server.web.network_layer import CLASSES, network_geojson
from lotse_server.web.planner import PlannerInputError, plan, read_query

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
#: this server only; images and audio also from data:/blob: URLs the scripts make
CSP = ("default-src 'self'; img-src 'self' data: blob:{tiles}; media-src 'self' blob:; "
       "style-src 'self' 'unsafe-inline'; frame-src 'self' blob: about:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def headers() -> dict[str, str]:
    """Security headers; a configured tile server is the one other origin images may come from."""
    origin = web_settings().tile_origin
    return {"Content-Security-Policy": CSP.format(tiles=f" {origin}" if origin else ""),
            "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"

templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                        autoescape=select_autoescape(("html",)), trim_blocks=True,
                        lstrip_blocks=True)

router = APIRouter(include_in_schema=False)


def render(name: str, request: Request, lang: str, status: int = 200,
           **context: Any) -> HTMLResponse:
    t = i18n.translator(lang)
    other = "en" if lang == "de" else "de"
    html = templates.get_template(name).render(
        t=t, lang=lang, other_lang=other, path=request.url.path, attribution=ATTRIBUTION,
        osm_copyright=OSM_COPYRIGHT, tiles=web_settings(),
        **{"other_lang_href": None, **context})
    return HTMLResponse(html, status_code=status, headers=headers())


def _script_texts(lang: str) -> dict[str, str]:
    return i18n.script_texts(lang, i18n.js_keys())


async def _planner(request: Request, values: dict[str, str], partial: bool) -> HTMLResponse:
    lang = i18n.pick_lang(request, values.get("lang"))
    query = read_query(values)
    context: dict[str, Any] = {"query": query, "result": None, "error": None,
                               "texts": _script_texts(lang), "network_classes": CLASSES}
    status = 200
    if query.complete:
        try:
            context["result"] = plan(request.app.state.router, request.app.state.web_overlays,
                                     query, lang)
        except PlannerInputError as exc:
            context["error"] = i18n.translator(lang)(exc.key, **exc.values)
            status = 422
    elif request.method == "POST":
        context["error"] = i18n.translator(lang)("planner.error.missing_both")
        status = 422
    if context["result"] is not None:
        context["route_json"] = json.dumps({"geometry": context["result"].route["geometry"]})
        other = "en" if lang == "de" else "de"  # the same route in the other language
        context["other_lang_href"] = context["result"].link.replace(f"lang={lang}",
                                                                    f"lang={other}", 1)
    name = "planner_result.html" if partial else "planner.html"
    return render(name, request, lang, status, **context)


@router.get("/", response_class=HTMLResponse)
async def planner_page(request: Request) -> HTMLResponse:
    """The planner; a shared link (``?from=…&to=…``) opens with its route planned."""
    return await _planner(request, dict(request.query_params), partial=False)


@router.post("/", response_class=HTMLResponse)
async def planner_post(request: Request) -> HTMLResponse:
    """The form post; with ``X-Lotse-Partial: 1`` only the result part (the script's update)."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    return await _planner(request, values, partial=request.headers.get("x-lotse-partial") == "1")


@router.get("/console", response_class=HTMLResponse)
@router.post("/console", response_class=HTMLResponse)
async def console_page(request: Request) -> HTMLResponse:
    """The console shell; a POST only happens when scripts are off (the token is not read)."""
    lang = i18n.pick_lang(request)
    return render("console.html", request, lang, texts=_script_texts(lang),
                  network_classes=CLASSES)


@router.get("/web/network.geojson")
def network_layer(request: Request) -> JSONResponse:
    """The walk network the router uses, for maps that must work without a tile server."""
    state = request.app.state
    if getattr(state, "web_network_geojson", None) is None:
        state.web_network_geojson = network_geojson(state.router)
    return JSONResponse(state.web_network_geojson, media_type="application/geo+json",
                        headers={"Cache-Control": "public, max-age=3600"})
