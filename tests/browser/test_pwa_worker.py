"""The installed app: installable, its service worker active, pages and labels offline."""

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.locations.models import Location
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, all_pass_and_submit, go_offline, log_in

IN_CONTROL = "() => navigator.serviceWorker.controller?.state === 'activated'"
# How many of the person's own checklists the worker keeps (0 until it has filled its cache).
MINE_KEPT = """caches.open('saferound-mine').then((c) => c.match('/__saferound/mine'))
  .then((r) => (r ? r.json() : null)).then((m) => (m ? m.items.length : 0))"""


def wait_for_own_checklists(page, seconds=30):
    # wait_for_function does not await a promise: poll through evaluate, which does.
    deadline = time.monotonic() + seconds
    while not page.evaluate(MINE_KEPT):
        assert time.monotonic() < deadline, "the worker did not keep the own checklists"
        page.wait_for_timeout(200)


@pytest.fixture
def phone_of(playwright, live_server, tmp_path):
    """phone_of(username): a phone's own browser profile (not incognito, which is never
    installable), logged in, with the worker in control of the page."""
    contexts = []

    def _phone(username):
        device = dict(playwright.devices["iPhone 13"])
        device.pop("default_browser_type", None)
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / f"profile-{username}"), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            locale="zh-CN", **device)
        contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        log_in(page, live_server["url"], username)
        page.wait_for_function(IN_CONTROL)
        return page

    yield _phone
    for context in contexts:
        context.close()


@pytest.fixture
def phone(phone_of):
    return phone_of("guard1")


def test_app_is_installable_with_its_worker_active(phone):
    cdp = phone.context.new_cdp_session(phone)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert phone.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")


def test_pages_seen_online_open_offline_and_others_give_the_offline_page(phone, live_server):
    base = live_server["url"]
    phone.goto(f"{base}/hazards/")
    title = phone.locator("h1").inner_text()
    go_offline(phone)
    phone.goto(f"{base}/hazards/")
    expect(phone.locator("h1")).to_have_text(title)
    phone.goto(f"{base}/coverage")  # never opened on this phone
    expect(phone.locator("script[src$='/offline.js']")).to_have_count(1)
    expect(phone.locator("main a[href='/outbox']")).to_be_visible()


def test_a_label_scanned_offline_opens_that_places_checklist(phone, live_server):
    wait_for_own_checklists(phone)
    with live_server["app"].app_context():
        token = db.session.scalar(select(Location.qr_token).where(Location.code == "BLR-1F-01"))
    go_offline(phone)
    phone.goto(f"{live_server['url']}/q/{token}?from=label")
    expect(phone.locator("form#checklist")).to_have_attribute("data-location-code", "BLR-1F-01")


def test_a_kept_checklist_never_repeats_an_inspection_uuid(phone, live_server):
    wait_for_own_checklists(phone)
    go_offline(phone)
    kept = None
    for _ in range(2):
        phone.goto(f"{live_server['url']}/locations/BLR-1F-01/inspect")
        kept = kept or phone.locator("input[name=uuid]").get_attribute("value")  # as cached
        phone.locator(".q[data-kind=pass_fail] .tog-pass").first.click()
        all_pass_and_submit(phone)
        expect(phone.locator("#saved")).to_be_visible()
    uuids = phone.evaluate("import('/static/js/outbox.js')"
                           ".then((m) => m.listEntries()).then((es) => es.map((e) => e.uuid))")
    assert len(set(uuids)) == 2
    assert kept not in uuids


def test_a_checklist_opened_online_is_kept_under_its_label_for_a_later_scan(phone_of, live_server):
    phone = phone_of("manager")  # CT-1F-01 is not among the manager's own places
    with live_server["app"].app_context():
        token = db.session.scalar(select(Location.qr_token).where(Location.code == "CT-1F-01"))
    phone.goto(f"{live_server['url']}/locations/CT-1F-01/inspect")
    kept = f"caches.open('saferound-scans').then((c) => c.match('/q/{token}')).then(Boolean)"
    deadline = time.monotonic() + 10
    while not phone.evaluate(kept):
        assert time.monotonic() < deadline, "not kept under the label's address"
        phone.wait_for_timeout(100)
    go_offline(phone)
    phone.goto(f"{live_server['url']}/q/{token}")
    expect(phone.locator("form#checklist")).to_have_attribute("data-location-code", "CT-1F-01")
