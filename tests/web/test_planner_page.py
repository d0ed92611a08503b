"""The public route planner in a real browser: the plain form post without JavaScript, the
search combobox by keyboard, the step list exactly as the routing API (the phone) says it, the
link that reopens the route, the map drawn from this server only, and axe-core at every state."""

from __future__ import annotations

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from .browser import WAIT_S

ORIGIN, DESTINATION = "Stiftsplatz", "Hauptbahnhof"


def _api_steps(base: str, name_from: str, name_to: str, lang: str = "de") -> list[str]:
    """The maneuver texts the routing API gives for the first search hits of two names."""
    with httpx.Client(base_url=base) as client:
        ends = [client.get("/v1/places/search", params={"q": q, "limit": 1}).json()["results"][0]
                for q in (name_from, name_to)]
        body = {"from": {"lat": ends[0]["lat"], "lon": ends[0]["lon"]},
                "to": {"lat": ends[1]["lat"], "lon": ends[1]["lon"]}, "profile": "blind",
                "lang": lang}
        route = client.post("/v1/routes", json=body).json()
    return [m["text"] for m in route["maneuvers"]]


def _steps(browser) -> list[str]:
    return [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ol.steps li")]


def test_plain_form_post_without_javascript(browser, web_server, check_page):
    base = web_server["url"]
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(base + "/")
        browser.find_element(By.ID, "from").send_keys(ORIGIN)
        browser.find_element(By.ID, "to").send_keys(DESTINATION)
        browser.find_element(By.CSS_SELECTOR, "#plan-form button[type=submit]").click()
        WebDriverWait(browser, WAIT_S).until(
            EC.presence_of_element_located((By.CSS_SELECTOR, "ol.steps li")))
        assert _steps(browser) == _api_steps(base, ORIGIN, DESTINATION)
        assert browser.current_url.rstrip("/") == base  # a real post, no script rewrote the URL
        heading = browser.find_element(By.ID, "result-heading").text
        assert "Stiftsplatz" in heading and "Hauptbahnhof" in heading
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    browser.refresh()  # re-posts nothing: reload the empty planner with scripts on
    browser.get(base + "/")
    check_page("planner, empty")


def test_combobox_by_keyboard_and_steps_in_place(browser, web_server, check_page):
    base = web_server["url"]
    browser.get(base + "/?lang=en")
    origin = browser.find_element(By.ID, "from")
    origin.send_keys("Stiftspl")
    wait = WebDriverWait(browser, WAIT_S)
    wait.until(lambda d: origin.get_attribute("aria-expanded") == "true")
    options = browser.find_elements(By.CSS_SELECTOR, "#from-list [role=option]")
    assert options and options[0].text.startswith("Stiftsplatz")
    check_page("planner, suggestions open")
    origin.send_keys(Keys.ARROW_DOWN)
    assert origin.get_attribute("aria-activedescendant") == options[0].get_attribute("id")
    origin.send_keys(Keys.ENTER)
    assert origin.get_attribute("value") == "Stiftsplatz"
    assert browser.find_element(By.NAME, "from_lat").get_attribute("value")
    assert "Stiftsplatz" in browser.find_element(By.ID, "combo-status").text

    browser.find_element(By.ID, "to").send_keys(DESTINATION)
    browser.find_element(By.ID, "opt-avoid_steps").click()
    browser.find_element(By.CSS_SELECTOR, "#plan-form button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "ol.steps li")))
    assert _steps(browser) == _api_steps(base, "Stiftsplatz", DESTINATION, lang="en")
    assert browser.switch_to.active_element.get_attribute("id") == "result"
    assert "from_lat=" in browser.current_url and "avoid_steps=1" in browser.current_url
    # the map: the route and the walk network as SVG paths, no tiles
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#route-map path")) > 100)
    assert not browser.find_elements(By.CSS_SELECTOR, "#route-map img.leaflet-tile")
    assert "OpenStreetMap" in browser.find_element(By.ID, "route-map").text
    check_page("planner, route shown", show="#route-map")


def test_shared_link_reopens_the_same_route(browser, web_server, check_page):
    steps = _steps(browser)
    link = browser.find_element(By.ID, "route-link").get_attribute("href")
    browser.get("about:blank")
    browser.get(link)
    WebDriverWait(browser, WAIT_S).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "ol.steps li")))
    assert _steps(browser) == steps
    assert browser.find_element(By.ID, "opt-avoid_steps").is_selected()
    check_page("planner, reopened link")
    browser.find_element(By.CSS_SELECTOR, ".site-header a[hreflang=de]").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: d.find_element(By.TAG_NAME, "html")
                                         .get_attribute("lang") == "de")
    german = _steps(browser)
    assert len(german) == len(steps) and german != steps and german[0].startswith("Gehen Sie ")


def test_print_view_keeps_steps_and_map_and_drops_the_form(browser):
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.ID, "plan-form").is_displayed()
        assert not browser.find_element(By.CSS_SELECTOR, ".site-header").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, "ol.steps").is_displayed()
        assert browser.find_element(By.ID, "route-map").is_displayed()
        assert "/?lang=de" in browser.find_element(By.CSS_SELECTOR, ".print-only").text
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_unknown_place_is_said_plainly(browser, web_server, check_page):
    browser.get(web_server["url"] + "/")
    browser.find_element(By.ID, "from").send_keys("Qwxzvbn Plmkjh")
    browser.find_element(By.ID, "to").send_keys(DESTINATION)
    browser.find_element(By.CSS_SELECTOR, "#plan-form button[type=submit]").click()
    alert = WebDriverWait(browser, WAIT_S).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "#result [role=alert]")))
    assert "Qwxzvbn Plmkjh" in alert.text
    check_page("planner, error")
