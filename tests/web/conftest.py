"""One real `lotse serve` app (inner-city network, fresh SQLite registry) on 127.0.0.1 in a
thread, and one headless Chromium for the whole module; tests run in file order like a person
working through the pages, each checking the pages with axe-core at the states it reaches."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from .browser import axe_violations, describe, missing, outside_requests, start_chromium


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def web_server(cc_network, tmp_path_factory):
    """(base_url, app, staff token) of a served app; stopped at the end of the session."""
    import uvicorn

    from beacon_registry.tokens import create_token
    from lotse_server.serve import build_app

    db = tmp_path_factory.mktemp("webdb") / "registry.db"
    app = build_app(database_url=f"sqlite:///{db}", network=cc_network)
    with app.state.registry.session_factory.begin() as session:
        token = create_token(session, "staff", "Sachbearbeitung Test")
        tester = create_token(session, "tester", "Testerin")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "app": app, "token": token, "tester": tester}
    server.should_exit = True
    thread.join(timeout=10)
    app.state.registry.session_factory.kw["bind"].dispose()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    reason = missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run: {reason}")
        pytest.skip(reason)
    downloads = tmp_path_factory.mktemp("downloads")
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"), downloads)
    driver.download_dir = downloads
    yield driver
    driver.quit()


@pytest.fixture
def check_page(browser, web_server):
    """Call after reaching a state: no serious/critical axe violation, nothing from outside.

    With LOTSE_SCREENSHOTS=DIR every checked state is also saved as DIR/<state>.png (that is
    how docs/screenshots/web-*.png are made).
    """
    shots = os.environ.get("LOTSE_SCREENSHOTS")

    def check(state: str, show: str | None = None) -> None:
        if shots:
            if show:  # the part of the page this state is about, in view for the picture
                browser.execute_script("document.querySelector(arguments[0])"
                                       ".scrollIntoView({block: 'center'})", show)
            name = re.sub(r"[^a-z0-9]+", "-", state.lower()).strip("-")
            browser.save_screenshot(str(Path(shots) / f"web-{name}.png"))
        violations = axe_violations(browser)
        assert not violations, f"axe-core at {state}:\n{describe(violations)}"
        outside = outside_requests(browser, web_server["url"])
        assert not outside, f"requests leaving the server at {state}: {outside}"

    return check
