"""The phone's outbox when the server is in trouble: a busy database, a full or unwritable photo
store, too many requests. The entry waits (never refused), says why, honours Retry-After and is
sent once the server takes it."""

import time

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect

from tests.browser.conftest import all_pass_and_submit, log_in
from tests.browser.test_pwa_outbox import ENTRIES, _inspection, _queue_against
from tests.images import jpeg

BUSY = {"code": "server.busy", "status": 503, "message": "busy"}
FULL = {"code": "storage.full", "status": 507, "message": "full"}


def _words(live_server, text, **params):
    """A sentence as the page shows it to the demo's guards (Chinese)."""
    with live_server["app"].test_request_context(), force_locale("zh_Hans"):
        return _(text, **params)


def _posts(page, path):
    """When the page POSTs to `path` (time.monotonic() of each), as it happens."""
    seen = []
    page.on("request", lambda r: seen.append(time.monotonic())
            if r.method == "POST" and r.url.endswith(path) else None)
    return seen


def log_in_and_open(page, live_server, code):
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/{code}/inspect")


@pytest.mark.parametrize(("answer", "reason"), [
    ({"status": 503, "json": BUSY}, "busy"),
    ({"status": 503, "body": "<h1>Service Unavailable</h1>", "content_type": "text/html"}, "busy"),
    ({"status": 507, "json": FULL}, "storage_full"),
    ({"status": 503, "json": {"code": "storage.unavailable", "status": 503}},
     "storage_unavailable"),
    ({"status": 429, "json": {"code": "request.too_many", "status": 429}}, "too_many"),
])
def test_a_server_in_trouble_is_tried_again_no_sooner_than_its_retry_after(
        page_alone, live_server, answer, reason):
    entry = _queue_against(page_alone, live_server, {**answer, "headers": {"Retry-After": "120"}})
    assert (entry["state"], entry["reason"], entry["attempts"]) == ("waiting", reason, 1)
    assert entry["nextTryAt"] / 1000 - time.time() > 115


def test_retry_after_is_read_as_seconds_or_a_date_and_capped_at_an_hour(page_alone, live_server):
    page = page_alone
    page.goto(f"{live_server['url']}/login")
    waits = page.evaluate("""() => import('/static/js/sync.js').then(({ parseRetryAfter: p }) => {
      const now = Date.parse('Thu, 03 Dec 2026 03:00:00 GMT');
      return [p('30', now), p(' 0 ', now), p('Thu, 03 Dec 2026 03:02:00 GMT', now),
              p('Thu, 03 Dec 2026 02:00:00 GMT', now), p('86400', now), p('-5', now),
              p('soon', now), p('', now), p(null, now)];
    })""")
    assert waits == [30000, 0, 120000, 0, 3600000, None, None, None, None]


def test_a_busy_server_is_tried_again_later_and_the_inspection_arrives_once(
        page_alone, live_server, shot):
    page = page_alone
    log_in_and_open(page, live_server, "KIT-1F-01")
    posts = _posts(page, "/api/v1/inspections")
    # Long enough for the outbox page to be looked at before the next try.
    answers = iter([{"status": 503, "json": BUSY, "headers": {"Retry-After": "8"}}])

    def once(route):
        answer = next(answers, None)
        route.fulfill(**answer) if answer else route.continue_()

    page.route("**/api/v1/inspections", once)
    page.locator(".q[data-kind=pass_fail] .tog-pass").first.click()
    all_pass_and_submit(page)

    busy = _words(live_server, "The server is busy just now; it is sent by itself a little later.")
    expect(page.locator("#saved h2")).to_have_text(
        _words(live_server, "Saved on this phone; the server could not take it yet."))
    expect(page.locator("#saved-reason")).to_contain_text(busy)
    [entry] = page.evaluate(ENTRIES)
    assert (entry["state"], entry["reason"]) == ("waiting", "busy")

    page.goto(f"{live_server['url']}/outbox")  # the app starts again: not sent before its time
    card = page.locator(f"#entry-{entry['uuid']}")
    expect(card.locator(".reason").first).to_have_text(busy)
    shot(page, "outbox-busy-phone")
    # Waits (about 8 s) for the phone's own next try, not for a button.
    expect(page.locator("#outbox-empty")).to_be_visible(timeout=40000)
    assert page.evaluate(ENTRIES) == []
    assert _inspection(live_server, entry["uuid"]) is not None
    assert len(posts) == 2  # one turned away, one taken: once on the server
    assert posts[1] - posts[0] >= 7.5  # not before the server asked (8 s, less clock rounding)


def test_a_full_photo_store_is_shown_to_the_guard_and_the_inspection_kept(
        page_alone, live_server, shot, tmp_path):
    page = page_alone
    log_in_and_open(page, live_server, "PWR-1F-03")
    posts = _posts(page, "/api/v1/photos")
    page.route("**/api/v1/photos", lambda route: route.fulfill(
        status=507, json=FULL, headers={"Retry-After": "300"}))
    first = page.locator(".q").first
    first.locator(".tog-fail").click()
    photo = tmp_path / "panel.jpg"
    photo.write_bytes(jpeg(800, 600))
    first.locator("input[type=file]").set_input_files(str(photo))
    expect(first.locator(".thumbs img")).to_have_count(1)
    all_pass_and_submit(page)

    full = _words(live_server, "The server's photo storage is full: please tell the safety "
                  "office. The inspection stays on this phone and is sent by itself once there "
                  "is room.")
    expect(page.locator("#saved-reason")).to_contain_text(full)
    [entry] = page.evaluate(ENTRIES)
    next_try = time.strftime("%H:%M", time.localtime(entry["nextTryAt"] / 1000))
    expect(page.locator("#saved-reason")).to_contain_text(
        _words(live_server, "Next try at %(time)s.", time=next_try))
    shot(page, "checklist-storage-full-phone", full_page=False)
    assert (entry["state"], entry["reason"], entry.get("code")) == ("waiting", "storage_full", None)
    assert entry["nextTryAt"] / 1000 - time.time() > 290

    page.goto(f"{live_server['url']}/outbox")  # the app starts again: no new try before its time
    card = page.locator(f"#entry-{entry['uuid']}")
    expect(card).to_have_class("card entry waiting")
    expect(card.locator(".reason").first).to_have_text(full)
    expect(card.locator(".send")).to_be_visible()
    expect(card.locator(".fix")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    shot(page, "outbox-storage-full-phone", full_page=False)
    assert len(posts) == 1
    assert page.evaluate(ENTRIES)[0]["state"] == "waiting"


def test_while_photos_cannot_be_stored_an_inspection_without_photos_is_still_sent(
        page_alone, live_server, tmp_path):
    page = page_alone
    log_in_and_open(page, live_server, "PWR-1F-03")
    page.route("**/api/v1/**", lambda route: route.abort("connectionreset"))
    first = page.locator(".q").first
    first.locator(".tog-fail").click()
    photo = tmp_path / "panel.jpg"
    photo.write_bytes(jpeg(800, 600))
    first.locator("input[type=file]").set_input_files(str(photo))
    expect(first.locator(".thumbs img")).to_have_count(1)
    all_pass_and_submit(page)  # queued with a photo, while the server cannot be reached
    expect(page.locator("#saved")).to_be_visible()
    page.goto(f"{live_server['url']}/locations/KIT-1F-01/inspect")
    page.locator(".q[data-kind=pass_fail] .tog-pass").first.click()
    all_pass_and_submit(page)  # and one without
    expect(page.locator("#saved")).to_be_visible()
    with_photo, without = page.evaluate(ENTRIES)

    page.unroute("**/api/v1/**")
    page.route("**/api/v1/photos", lambda route: route.fulfill(status=507, json=FULL))
    page.goto(f"{live_server['url']}/outbox")  # the app starts again and sends what it can
    expect(page.locator(".entry")).to_have_count(1, timeout=15000)
    assert _inspection(live_server, without["uuid"]) is not None
    [kept] = page.evaluate(ENTRIES)
    assert (kept["uuid"], kept["reason"]) == (with_photo["uuid"], "storage_full")
