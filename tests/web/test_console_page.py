"""The staff console in a real browser, as a member of staff works through it: sign in, import
the shipped beacon plan (with one bad row added) and see that row reported before anything is
written, retire a beacon, draw an obstacle on the map and see the preview route change, edit
opening hours with the live check, hear a notice, meet a stale edit. axe-core at every state."""

from __future__ import annotations

import json

import httpx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from accessibility import messages
from lotse_common.settings import PROJECT_ROOT

from .browser import WAIT_S

PLAN = PROJECT_ROOT / "mobile" / "data" / "beacon_plan_cc.geojson"
#: a route through the pedestrian zone whose middle an obstacle can block (as in the registry's
#: obstacle routing test)
ORIGIN, DESTINATION = (49.4447, 7.7700), (49.4395, 7.7680)
SHOP = {"name": "Buchhandlung am Markt", "category": "books", "lat": 49.4440, "lon": 7.7695,
        "opening_hours": "Mo-Sa 09:00-18:00"}


@pytest.fixture(scope="module")
def api(web_server):
    with httpx.Client(base_url=web_server["url"], timeout=60,
                      headers={"Authorization": f"Bearer {web_server['token']}"}) as client:
        yield client


def _wait(browser):
    return WebDriverWait(browser, WAIT_S)


def _panel(browser, name: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f"[data-panel-link={name}]").click()
    _wait(browser).until(lambda d: d.find_element(By.ID, name).is_displayed())


def test_sign_in_keeps_the_token_out_of_the_url(browser, web_server, api, check_page):
    assert api.post("/v1/staff/places", json=SHOP).status_code == 201
    browser.get(web_server["url"] + "/console")
    check_page("console, signed out")
    token_box = browser.find_element(By.ID, "token")
    token_box.send_keys("not-a-token")
    browser.find_element(By.CSS_SELECTOR, "#signin-form button").click()
    error = _wait(browser).until(EC.visibility_of_element_located((By.ID, "signin-error")))
    assert error.text == messages.text("web.js.signin_failed", "de")
    check_page("console, sign-in refused")

    token_box.send_keys(web_server["token"])
    browser.find_element(By.CSS_SELECTOR, "#signin-form button").click()
    _wait(browser).until(EC.visibility_of_element_located((By.ID, "console-app")))
    assert not browser.find_element(By.ID, "signin").is_displayed()
    assert web_server["token"] not in browser.current_url
    assert browser.execute_script("return sessionStorage.getItem('lotse.staffToken')") == \
        web_server["token"]
    _wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#console-map path")) > 500)
    assert not browser.find_elements(By.CSS_SELECTOR, "#console-map img.leaflet-tile")
    check_page("console, beacons (empty registry)")


#: in the page: window.fetch answers 503 "busy" (with or without Retry-After) a given number of
#: times before the real fetch; the test reads how often it was asked and what came back
BUSY_FETCH = """
const [times, retryAfter, done] = arguments;
const real = window.fetch;
let asked = 0;
window.fetch = function (url, init) {
  asked += 1;
  if (asked > times) { return real(url, init); }
  const headers = {"Content-Type": "application/json"};
  if (retryAfter !== null) { headers["Retry-After"] = retryAfter; }
  return Promise.resolve(new Response('{"detail": "busy"}', {status: 503, headers}));
};
Lotse.api("GET", "/v1/staff/beacons?limit=1")
  .then(res => { window.fetch = real; done([asked, res.status]); });
"""


@pytest.mark.parametrize(("times", "retry_after", "asked", "status"), [
    (1, "0", 2, 200),      # asked again after the time the server named: the real answer
    (3, "0", 3, 503),      # twice at most, then the 503 goes to the caller (who says it)
    (1, None, 1, 503),     # a 503 without Retry-After is not a "come back"
])
def test_busy_server_is_asked_again_when_it_says_when(browser, times, retry_after, asked,
                                                      status):
    assert browser.execute_async_script(BUSY_FETCH, times, retry_after) == [asked, status]


def test_import_shows_the_bad_row_before_anything_is_written(browser, api, check_page,
                                                             tmp_path):
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    good = len(plan["features"])
    bad = json.loads(json.dumps(plan["features"][0]))
    bad["properties"].update(uuid="kein-uuid", minor=9999)
    plan["features"].append(bad)
    upload = tmp_path / "beacon_plan_with_a_bad_row.geojson"
    upload.write_text(json.dumps(plan), encoding="utf-8")

    _panel(browser, "beacons")
    browser.find_element(By.ID, "import-file").send_keys(str(upload))
    browser.find_element(By.CSS_SELECTOR, "#beacon-import button[type=submit]").click()
    table = _wait(browser).until(EC.visibility_of_element_located((By.ID, "import-rows")))
    first = table.find_element(By.CSS_SELECTOR, "tbody tr")
    assert first.get_attribute("class") == "bad"
    cells = [td.text for td in first.find_elements(By.TAG_NAME, "td")]
    assert cells[0] == str(good + 1) and "uuid" in cells[2]
    summary = browser.find_element(By.CSS_SELECTOR, "#import-result p").text
    assert f"{good} gute Zeilen, 1 fehlerhafte" in summary
    assert api.get("/v1/staff/beacons").json() == []  # checked, not written
    check_page("console, import preview", show="#import-result p")

    browser.find_element(By.ID, "import-commit").click()
    _wait(browser).until(EC.text_to_be_present_in_element((By.ID, "import-result"),
                                                          f"Importiert: {good} neu"))
    assert len(api.get("/v1/staff/beacons", params={"limit": 5000}).json()) == good
    _wait(browser).until(lambda d: str(good) in d.find_element(By.ID, "beacon-count").text)


def test_retire_a_beacon(browser, api, check_page):
    target = next(b for b in api.get("/v1/staff/beacons", params={"limit": 5000}).json()
                  if b["placement_de"] == "Überweg Schneiderstraße")
    search = browser.find_element(By.ID, "beacon-text")
    search.clear()
    search.send_keys(str(target["major"]) + "/" + str(target["minor"]))
    browser.find_element(By.CSS_SELECTOR, "#beacon-filter button").click()
    row = next(tr for tr in browser.find_elements(By.CSS_SELECTOR, "#beacon-table tbody tr")
               if tr.find_element(By.TAG_NAME, "td").text == str(target["id"]))
    row.find_element(By.CSS_SELECTOR, "button.danger").click()
    _wait(browser).until(EC.alert_is_present()).accept()
    _wait(browser).until(lambda d: api.get(f"/v1/staff/beacons/{target['id']}").json()["status"]
                         == "retired")
    _wait(browser).until(EC.text_to_be_present_in_element((By.ID, "live"), "außer Betrieb"))
    check_page("console, beacon retired")


def _click_map_at(browser, lat: float, lon: float) -> None:
    """A real mouse click on the map where (lat, lon) is drawn."""
    element = browser.find_element(By.ID, "console-map")
    # whole map in view: WebDriver offsets count from the centre of the element's visible part
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    # no zoom animation: until it ends, Leaflet would place points at the old zoom
    browser.execute_script("Lotse.map.setView([arguments[0], arguments[1]], 18, "
                           "{animate: false})", lat, lon)
    x, y = browser.execute_script(  # container points count from inside the map's border
        "const p = Lotse.map.latLngToContainerPoint([arguments[0], arguments[1]]);"
        "const m = Lotse.map.getContainer(); return [p.x + m.clientLeft, p.y + m.clientTop];",
        lat, lon)
    size = element.size
    ActionChains(browser).move_to_element_with_offset(
        element, int(x - size["width"] / 2), int(y - size["height"] / 2)).click().perform()


def test_move_a_beacon_by_clicking_the_map(browser, api, check_page):
    target = next(b for b in api.get("/v1/staff/beacons", params={"limit": 5000}).json()
                  if b["status"] == "active")
    search = browser.find_element(By.ID, "beacon-text")
    search.clear()
    search.send_keys(f"{target['major']}/{target['minor']}")
    browser.find_element(By.CSS_SELECTOR, "#beacon-filter button").click()
    row = next(tr for tr in browser.find_elements(By.CSS_SELECTOR, "#beacon-table tbody tr")
               if tr.find_element(By.TAG_NAME, "td").text == str(target["id"]))
    row.find_element(By.CSS_SELECTOR, "button.secondary").click()
    assert browser.switch_to.active_element.get_attribute("id") == "beacon-move-heading"
    lat, lon = target["lat"] + 0.0001, target["lon"] + 0.0001  # about 13 m north-east
    _click_map_at(browser, lat, lon)
    check_page("console, moving a beacon", show="#beacon-move")
    browser.find_element(By.CSS_SELECTOR, "#beacon-move button[type=submit]").click()
    _wait(browser).until(EC.text_to_be_present_in_element((By.ID, "live"), "Gespeichert"))
    moved = api.get(f"/v1/staff/beacons/{target['id']}").json()
    assert abs(moved["lat"] - lat) < 2e-5 and abs(moved["lon"] - lon) < 3e-5
    assert moved["version"] == target["version"] + 1


def test_obstacle_drawn_on_the_map_changes_the_preview_route(browser, api, check_page):
    body = {"from": dict(zip(("lat", "lon"), ORIGIN, strict=True)),
            "to": dict(zip(("lat", "lon"), DESTINATION, strict=True))}
    base = api.post("/v1/routes", json=body).json()
    lon, lat = base["geometry"]["coordinates"][len(base["geometry"]["coordinates"]) // 2]

    _panel(browser, "obstacles")
    browser.find_element(By.ID, "preview-from").send_keys(f"{ORIGIN[0]}, {ORIGIN[1]}")
    browser.find_element(By.ID, "preview-to").send_keys(f"{DESTINATION[0]}, {DESTINATION[1]}")
    radius = browser.find_element(By.ID, "obstacle-radius")
    radius.clear()
    radius.send_keys("5")
    browser.find_element(By.ID, "obstacle-draw").click()
    _click_map_at(browser, lat, lon)
    drawn = browser.find_element(By.ID, "obstacle-coords").get_attribute("value")
    d_lat, d_lon = (float(v) for v in drawn.split(","))
    assert abs(d_lat - lat) < 2e-5 and abs(d_lon - lon) < 3e-5  # within ~2 m of the click

    browser.find_element(By.ID, "preview-run").click()
    verdict = _wait(browser).until(EC.visibility_of_element_located((By.ID, "preview-verdict")))
    assert "ändert die Route" in verdict.text
    before = browser.find_element(By.ID, "preview-before").text
    after = browser.find_element(By.ID, "preview-after").text
    assert before.startswith(f"{round(base['distance_m'])} Meter")
    check_page("console, obstacle preview", show="#preview-verdict")

    browser.find_element(By.CSS_SELECTOR, "#obstacle-add button[type=submit]").click()
    _wait(browser).until(EC.text_to_be_present_in_element((By.ID, "live"), "gespeichert"))
    detour = api.post("/v1/routes", json=body).json()  # the saved obstacle, as the phone gets it
    assert after.startswith(f"{round(detour['distance_m'])} Meter")
    assert detour["distance_m"] > base["distance_m"]
    assert [lon, lat] not in detour["geometry"]["coordinates"]


def test_line_obstacle_drawn_with_two_clicks(browser, api, check_page):
    body = {"from": dict(zip(("lat", "lon"), ORIGIN, strict=True)),
            "to": dict(zip(("lat", "lon"), DESTINATION, strict=True))}
    detour = api.post("/v1/routes", json=body).json()  # with the saved point obstacle
    coords = detour["geometry"]["coordinates"]
    lon, lat = coords[len(coords) // 2]
    browser.find_element(By.ID, "shape-line").click()
    browser.find_element(By.ID, "obstacle-draw").click()
    _click_map_at(browser, lat + 0.00008, lon - 0.00008)  # a line across the way, ~20 m long
    _click_map_at(browser, lat - 0.00008, lon + 0.00008)
    drawn = browser.find_element(By.ID, "obstacle-coords").get_attribute("value").splitlines()
    assert len(drawn) == 2
    browser.find_element(By.ID, "preview-run").click()
    verdict = _wait(browser).until(EC.visibility_of_element_located((By.ID, "preview-verdict")))
    assert "ändert die Route" in verdict.text
    before = browser.find_element(By.ID, "preview-before").text
    assert before.startswith(f"{round(detour['distance_m'])} Meter")
    check_page("console, line obstacle preview", show="#preview-verdict")


def test_opening_hours_are_checked_while_typing(browser, api, check_page):
    _panel(browser, "places")
    browser.find_element(By.ID, "place-text").send_keys("Buchhandlung")
    browser.find_element(By.CSS_SELECTOR, "#place-filter button").click()
    browser.find_element(By.CSS_SELECTOR, "#place-table tbody button").click()
    hours = browser.find_element(By.ID, "place-hours")
    check = browser.find_element(By.ID, "hours-check")
    hours.clear()
    hours.send_keys("Mo-Fx 25:00")
    _wait(browser).until(lambda d: "bad" in check.get_attribute("class"))
    assert check.text.startswith("Nicht lesbar: not valid OSM opening_hours syntax")
    check_page("console, opening hours invalid")
    hours.clear()
    hours.send_keys("24/7")
    open_always = messages.text("place.open_always", "de")
    _wait(browser).until(lambda d: check.text == f"Das Telefon sagt jetzt: {open_always}")
    check_page("console, opening hours valid", show="#place-edit")
    browser.find_element(By.CSS_SELECTOR, "#place-edit button[type=submit]").click()
    _wait(browser).until(EC.text_to_be_present_in_element((By.ID, "live"), "Gespeichert"))
    place = next(p for p in api.get("/v1/staff/places").json() if p["name"] == SHOP["name"])
    assert place["opening_hours"] == "24/7"


def test_stale_edit_says_what_changed(browser, api, check_page):
    place = next(p for p in api.get("/v1/staff/places").json() if p["name"] == SHOP["name"])
    browser.find_element(By.CSS_SELECTOR, "#place-table tbody button").click()  # reads version
    changed = api.patch(f"/v1/staff/places/{place['id']}",
                        json={"version": place["version"], "opening_hours": "Mo-Fr 10:00-12:00"})
    assert changed.status_code == 200
    hours = browser.find_element(By.ID, "place-hours")
    hours.clear()
    hours.send_keys("Mo-Sa 08:00-20:00")
    browser.find_element(By.CSS_SELECTOR, "#place-edit button[type=submit]").click()
    alert = browser.find_element(By.ID, "alert")
    _wait(browser).until(lambda d: "Mo-Fr 10:00-12:00" in alert.text)
    assert "opening_hours" in alert.text and "Version 3" in alert.text
    assert api.get(f"/v1/staff/places/{place['id']}").json()["opening_hours"] == \
        "Mo-Fr 10:00-12:00"
    check_page("console, stale edit", show="#alert")


def test_notice_sentence_is_played_in_the_real_voice(browser, api, check_page):
    place = next(p for p in api.get("/v1/staff/places").json() if p["name"] == SHOP["name"])
    _panel(browser, "notices")
    browser.find_element(By.ID, "notice-kind").send_keys("Angebot")
    browser.find_element(By.ID, "notice-place").send_keys(str(place["id"]))
    browser.find_element(By.ID, "notice-text-de").send_keys("Heute alle Kalender zum halben Preis.")
    browser.find_element(By.CSS_SELECTOR, "[data-speak=de]").click()
    spoken = _wait(browser).until(EC.text_to_be_present_in_element((By.ID, "notice-spoken"),
                                                                    "Das Telefon sagt:"))
    spoken = browser.find_element(By.ID, "notice-spoken").text
    assert SHOP["name"] in spoken and "Heute alle Kalender zum halben Preis" in spoken
    audio = _wait(browser).until(EC.visibility_of_element_located((By.ID, "notice-audio")))
    seconds = _wait(browser).until(lambda d: d.execute_script(
        "const a = arguments[0]; return a.readyState >= 1 ? a.duration : null;", audio))
    assert 3.0 < seconds < 20.0  # espeak-ng's real WAV of the place's whole sentence
    check_page("console, notice with audio")


def test_health_lists_silent_beacons_first(browser, api, check_page):
    _panel(browser, "health")
    browser.find_element(By.CSS_SELECTOR, "#health-form button").click()
    active = [b for b in api.get("/v1/staff/beacons", params={"limit": 5000}).json()
              if b["status"] == "active"]
    # none of the imported beacons has been heard yet: every active one is flagged quiet
    _wait(browser).until(EC.text_to_be_present_in_element(
        (By.ID, "health-count"), f"{len(active)} Beacons"))
    first = browser.find_element(By.CSS_SELECTOR, "#health-table tbody tr").text
    assert "still" in first and "nie gehört" in first
    check_page("console, health")


def test_tester_log_listed_downloaded_and_its_report_opened(browser, web_server, check_page,
                                                           tmp_path):
    from lotse.cli import main as lotse

    log = tmp_path / "walk.jsonl"
    assert lotse(["walk", "--from", "Stiftsplatz", "--to", "Rathaus", "--seed", "3",
                  "--log", str(log)]) == 0
    uploaded = httpx.post(web_server["url"] + "/v1/tester/logs", content=log.read_bytes(),
                          headers={"Authorization": f"Bearer {web_server['tester']}"}, timeout=60)
    assert uploaded.status_code == 201, uploaded.text
    log_id = uploaded.json()["id"]
    _panel(browser, "logs")
    row = _wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR,
                                                                 "#log-table tbody tr")))
    assert row.find_element(By.TAG_NAME, "td").text == str(log_id)
    assert "Testerin" in row.text
    check_page("console, tester logs")
    row.find_element(By.XPATH, ".//button[1]").click()
    saved = browser.download_dir / f"triplog-{log_id}.jsonl"
    _wait(browser).until(lambda d: saved.exists() and saved.read_bytes() == log.read_bytes())
    row.find_element(By.XPATH, ".//button[2]").click()
    frame = WebDriverWait(browser, 120).until(EC.visibility_of_element_located(
        (By.ID, "report-frame")))
    assert "Lotse – Bericht zur Testfahrt" in frame.get_attribute("srcdoc")
    assert 'src="data:image/png;base64,' in frame.get_attribute("srcdoc")
    check_page("console, replay report")


def test_audit_log_filtered_by_entity_and_person(browser, check_page):
    _panel(browser, "audit")
    browser.find_element(By.ID, "audit-entity").send_keys("Hindernis")
    browser.find_element(By.ID, "audit-person").send_keys("Sachbearbeitung")
    browser.find_element(By.CSS_SELECTOR, "#audit-filter button").click()
    _wait(browser).until(lambda d: d.find_element(By.ID, "audit-count").text == "Einträge: 1.")
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#audit-table tbody td")]
    assert cells[1] == "Sachbearbeitung Test" and cells[2].startswith("Hindernis")
    check_page("console, audit filtered")


def test_console_in_english(browser, web_server, check_page):
    browser.get(web_server["url"] + "/console?lang=en#obstacles")  # signed in: same tab
    _wait(browser).until(EC.visibility_of_element_located((By.ID, "obstacles")))
    assert browser.find_element(By.ID, "obstacles-heading").text == "Obstacles"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    check_page("console in English, obstacles")


def test_a_script_that_did_not_load_is_said(browser, web_server):
    """A console without one of its scripts says so in its alert region (read out by screen
    readers) instead of falling back to another panel without a word."""
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/console_places.js"]})
    try:
        browser.get(web_server["url"] + "/console#places")  # signed in: same tab
        incomplete = messages.text("web.js.page_incomplete", "de")
        _wait(browser).until(lambda d: d.find_element(By.ID, "alert").text == incomplete)
    finally:
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
        browser.execute_cdp_cmd("Network.disable", {})
    browser.refresh()  # the same page again, with all its scripts
    _wait(browser).until(EC.visibility_of_element_located((By.ID, "places")))
    assert browser.find_element(By.ID, "alert").text == ""
