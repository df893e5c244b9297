"""Browser tests: Debian's Chromium through Playwright against a live server with the demo."""

import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.auth.models import User
from app.demo.loader import DEMO_PASSWORD, load_demo
from app.extensions import db
from tests.browser.csp import Violations, watch_every_context

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, playwright):
    phone = dict(playwright.devices["iPhone 13"])  # 390 × 844
    phone.pop("default_browser_type", None)
    return {**browser_context_args, **phone, "locale": "zh-CN"}


@pytest.fixture(autouse=True)
def csp_violations(monkeypatch):
    """Every browser test is a test of the Content-Security-Policy too: any violation in any
    page it opened fails it. A test that provokes one on purpose reads and clears this."""
    violations = Violations()
    watch_every_context(monkeypatch, violations)
    yield violations
    violations.settle()
    assert not violations.seen, f"the browser reported violations:\n{violations.describe()}"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app with the demo hospital, served on a free loopback port for the whole session."""
    import os

    folder = tmp_path_factory.mktemp("live")
    os.environ["SAFEROUND_INSTANCE"] = str(folder)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.db'}"})
    with app.app_context():
        db.create_all()
        load_demo(log=lambda _: None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "app": app}
    server.shutdown()


@pytest.fixture(autouse=True)
def demo_accounts_speak_chinese(request):
    """A language switch is kept on the account, and tests share one live server in any order:
    every test starts with the demo's accounts in Chinese, whatever the one before it chose."""
    if "live_server" not in request.fixturenames:
        return
    app = request.getfixturevalue("live_server")["app"]
    with app.app_context():
        User.query.update({User.locale: None})
        db.session.commit()


@pytest.fixture
def shot():
    """shot(page, name): save a full-page screenshot under tests/screenshots/ (full_page=False:
    what the screen shows)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def _shot(page, name, full_page=True):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return _shot


@pytest.fixture
def page_alone(browser, browser_context_args):
    """A phone page with no service worker: only the page itself sends the outbox."""
    context = browser.new_context(**browser_context_args, service_workers="block")
    yield context.new_page()
    context.close()


def log_in(page, base_url, username, password=DEMO_PASSWORD):
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_load_state()


def all_pass_and_submit(page):
    """The all-clear: "All remaining pass" fills the form in and shows its summary; the
    summary's Submit sends it."""
    page.click("button[value=all_pass]")
    page.click("#allclear-summary button[value=submit]")


def go_offline(page, seconds=10):
    """Take the phone off the network, and wait until its service worker is off it too: Chromium
    hands the offline setting to the worker a moment after the page, and under load a fetch the
    worker makes in between still reaches the server."""
    page.context.set_offline(True)
    workers = page.context.service_workers
    if not workers:
        return
    probe = ("fetch('/manifest.webmanifest?offline-probe', {cache: 'no-store'})"
             ".then(() => true, () => false)")
    deadline = time.monotonic() + seconds
    while workers[0].evaluate(probe):
        assert time.monotonic() < deadline, "the service worker stayed online"
        page.wait_for_timeout(100)
