"""Headless Debian Chromium driven by Selenium, and axe-core injected into the page under test.

No download of any browser or driver: the system's /usr/bin/chromium and /usr/bin/chromedriver
(installed by scripts/setup.sh) are named explicitly, so Selenium Manager never runs; the flags
keep Chromium from calling home, and every page's Content-Security-Policy allows this server only.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=de-DE")
#: WCAG 2.1 A and AA rules; best-practice rules are not part of the standard
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: seconds the script of a page may take to answer (route, replay) before a test gives up
WAIT_S = 30


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is missing (scripts/setup.sh installs chromium and chromium-driver)"
    if not AXE_JS.exists():
        return f"{AXE_JS} is missing (scripts/setup.sh runs npm ci in tests/web)"
    return None


def start_chromium(profile_dir: Path, download_dir: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_script_timeout(WAIT_S)
    return driver


def axe_violations(driver) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations of the page as it is now."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        "  .then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical',"
        "  description: String(e), nodes: []}]));", AXE_TAGS)
    return [v for v in result if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    return json.dumps([{"id": v["id"], "impact": v["impact"], "help": v.get("help"),
                        "nodes": [n.get("target") for n in v.get("nodes", [])][:5]}
                       for v in violations], indent=1, ensure_ascii=False)


def outside_requests(driver, base_url: str) -> list[str]:
    """Every resource the page loaded from anywhere but this server."""
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    return [n for n in names if not n.startswith((base_url, "data:", "blob:"))]
