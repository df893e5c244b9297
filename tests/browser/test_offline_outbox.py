"""The outbox in the field: checklists filled without signal reach the server exactly once,
whatever happens to the tab, the browser or the server on the way.

Each test runs its own hospital in a gunicorn process (tests/browser/field.py) that can be
killed with SIGKILL, and reads the server's database directly to count what arrived."""

import io
import random
import time

import pytest
from PIL import Image

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, all_pass_and_submit, go_offline
from tests.browser.field import PASSWORD, FieldServer, build_hospital


@pytest.fixture
def field(tmp_path):
    hospital = build_hospital(tmp_path)
    server = FieldServer(hospital)
    server.start()
    yield hospital, server
    server.stop()


def phone(playwright) -> dict:
    settings = dict(playwright.devices["iPhone 13"])
    settings.pop("default_browser_type", None)
    return {**settings, "locale": "zh-CN"}


def camera_photos(folder, count=2, size=(2400, 1800)) -> list[str]:
    """Photos the size of a phone camera's, noisy enough that each stays near 1 MB after the
    browser shrinks it (so an upload takes seconds on a throttled link)."""
    paths = []
    for n in range(count):
        noise = Image.effect_noise(size, 90).convert("RGB")
        tint = Image.new("RGB", size, (random.randrange(256), 80, 40 * n))
        buffer = io.BytesIO()
        Image.blend(noise, tint, 0.3).save(buffer, "JPEG", quality=92)
        path = folder / f"photo-{n}.jpg"
        path.write_bytes(buffer.getvalue())
        paths.append(str(path))
    return paths


def log_in(page, url, username):
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{url}/")


def controlled(page):
    """Reload until the service worker controls the page (it only does after a reload)."""
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("() => !!navigator.serviceWorker.controller")


def cached(page, path: str):
    """Wait until the service worker keeps `path` (wait_for_function does not await promises)."""
    for _ in range(100):
        if page.evaluate(f"caches.match({path!r}, {{ignoreSearch: true}}).then(Boolean)"):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{path} was never cached")


def item_ids(page) -> list[str]:
    return page.eval_on_selector_all(".q", "qs => qs.map(q => q.dataset.itemId)")


def fill_with_failed_first_item(page, photos):
    first, *others = item_ids(page)
    page.click(f".q[data-item-id='{first}'] .tog-fail")
    page.set_input_files(f".q[data-item-id='{first}'] input[type=file]", photos)
    page.wait_for_function(f"() => document.querySelectorAll(\".q[data-item-id='{first}'] "
                           f"figure\").length === {len(photos)}")
    for item in others:
        page.click(f".q[data-item-id='{item}'] .tog-pass")


def wait_until(page, condition, timeout=90, what="the condition"):
    """Poll `condition` while the page runs (Playwright delivers events only while called)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"timed out waiting for {what}")


def arrived(hospital) -> list[tuple]:
    """(inspection uuid, photos on its results) for every inspection on the server."""
    return hospital.rows(
        "SELECT i.uuid, (SELECT count(*) FROM photos p JOIN item_results r "
        "ON p.item_result_id = r.id WHERE r.inspection_id = i.id) FROM inspections i")


def test_offline_checklist_with_two_photos_arrives_once_after_the_browser_restarts(
        field, playwright, tmp_path, shot):
    hospital, server = field
    profile = tmp_path / "profile"
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, **phone(playwright))
    page = context.new_page()
    log_in(page, server.url, hospital.username)
    controlled(page)
    cached(page, f"/q/{hospital.token}")  # the worker keeps the checklists of my places

    go_offline(page)
    page.goto(f"{server.url}/q/{hospital.token}")  # the label scanned in the basement
    fill_with_failed_first_item(page, camera_photos(tmp_path))
    page.click(".submit-bar button[value=submit]")
    page.wait_for_selector("#saved", state="visible")
    assert page.inner_text("#outbox-badge .n") == "1"
    shot(page, "outbox-saved-offline")
    assert hospital.count("inspections") == 0 and hospital.count("photos") == 0
    context.close()  # the tab and the browser are closed in the basement

    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, **phone(playwright))
    page = context.new_page()
    page.goto(f"{server.url}/")  # back upstairs, the app opened again
    wait_until(page, lambda: hospital.count("inspections") == 1, what="the inspection")
    page.wait_for_selector("#outbox-badge", state="hidden", timeout=30_000)
    [(_uuid, photos)] = arrived(hospital)
    assert photos == 2
    assert hospital.count("photos") == 2 and hospital.count("hazards") == 1
    context.close()


def test_server_killed_mid_upload_and_restarted_ends_with_one_inspection(
        field, browser, playwright, tmp_path):
    hospital, server = field
    context = browser.new_context(**phone(playwright))
    page = context.new_page()
    # The photo uuid of every upload the phone starts (a Blob body is not in Playwright's
    # request events, so the page reports it).
    posted = []
    page.expose_function("reportUpload", lambda uuid: posted.append(uuid))
    page.add_init_script("""
      const send = XMLHttpRequest.prototype.send;
      XMLHttpRequest.prototype.send = function (body) {
        if (body instanceof FormData && body.get("file")) window.reportUpload(body.get("uuid"));
        return send.call(this, body);
      };""")
    log_in(page, server.url, hospital.username)
    page.goto(f"{server.url}/locations/{hospital.code}/inspect")
    # A weak link: about 150 KB/s up, so each photo takes seconds to send.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 200, "downloadThroughput": 250_000,
        "uploadThroughput": 150_000})
    fill_with_failed_first_item(page, camera_photos(tmp_path))
    page.click(".submit-bar button[value=submit]")

    wait_until(page, lambda: hospital.count("photos") == 1, what="the first photo")
    wait_until(page, lambda: len(posted) == 2, what="the second upload to start")
    page.wait_for_timeout(1000)
    server.kill()  # in the middle of the second photo
    assert hospital.count("photos") == 1 and hospital.count("inspections") == 0
    page.wait_for_timeout(3000)
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    server.start()

    wait_until(page, lambda: hospital.count("inspections") == 1, what="the inspection")
    page.wait_for_timeout(2000)  # anything sent twice would arrive now
    [(_uuid, photos)] = arrived(hospital)
    assert photos == 2 and hospital.count("photos") == 2 and hospital.count("hazards") == 1
    first, second = posted[0], posted[1]
    assert posted.count(first) == 1  # the confirmed photo was not sent again
    assert posted.count(second) >= 2  # only the broken one was repeated
    context.close()


def test_twenty_inspections_queued_offline_all_arrive_once(field, browser, playwright):
    hospital, server = field
    context = browser.new_context(**phone(playwright))
    page = context.new_page()
    log_in(page, server.url, hospital.username)
    checklist = f"{server.url}/locations/{hospital.code}/inspect"
    page.goto(checklist)
    controlled(page)
    cached(page, f"/locations/{hospital.code}/inspect")

    go_offline(page)
    for n in range(20):
        page.goto(checklist)
        all_pass_and_submit(page)
        page.wait_for_selector("#saved", state="visible")
        assert page.inner_text("#outbox-badge .n") == str(n + 1)
    assert hospital.count("inspections") == 0

    second = context.new_page()  # two tabs open when the signal returns
    second.goto(f"{server.url}/offline")
    context.set_offline(False)
    wait_until(page, lambda: hospital.count("inspections") == 20, what="twenty inspections")
    page.wait_for_selector("#outbox-badge", state="hidden", timeout=30_000)
    page.wait_for_timeout(2000)
    uuids = [row[0] for row in arrived(hospital)]
    assert len(uuids) == len(set(uuids)) == 20
    assert hospital.count("item_results") == 60
    context.close()
