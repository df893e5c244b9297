"""The phone's outbox in the browser: queued offline, the badge, refusals fixed, photos shrunk,
and the warnings before logging out or in as someone else while inspections wait."""

import json
import os
import time
from datetime import UTC, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.inspections.models import Inspection
from app.locations.models import Location
from tests.browser.conftest import all_pass_and_submit, go_offline, log_in
from tests.images import jpeg

# The outbox's entries as JSON (a photo's blob becomes its size and type).
ENTRIES = """import('/static/js/outbox.js').then((m) => m.listEntries()).then((entries) =>
  entries.map((e) => ({ ...e, photos: Object.fromEntries(Object.entries(e.photos).map(
    ([id, p]) => [id, { ...p, blob: { size: p.blob.size, type: p.blob.type } }])) })))"""


def _token(live_server, code):
    with live_server["app"].app_context():
        return db.session.scalar(select(Location.qr_token).where(Location.code == code))


def _inspection(live_server, uuid):
    with live_server["app"].app_context():
        inspection = db.session.scalar(select(Inspection).where(Inspection.uuid == uuid))
        return inspection and {
            "id": inspection.id,
            "fails": [(r.item_id, len(r.photos)) for r in inspection.results
                      if r.outcome == "fail"]}


def _put_entry(page, live_server, username="guard1", state="waiting", code="IT-3F-01"):
    """An entry written straight into the outbox, as if queued earlier on this phone."""
    page.evaluate("""([entry]) => import('/static/js/outbox.js').then((m) => m.putEntry(entry))""",
                  [{"uuid": "0f0e0d0c-0b0a-4009-8807-060504030201", "userId": 999,
                    "username": username, "location": {"code": code, "name": code,
                                                       "token": _token(live_server, code)},
                    "checklistUrl": f"/locations/{code}/inspect", "versionId": 1,
                    "kind": "patrol", "note": "", "startedAt": None, "submittedAt": None,
                    "answers": [], "photos": {}, "state": state, "message": None,
                    "fieldErrors": None, "attempts": 0, "nextTryAt": 0,
                    "createdAt": int(time.time() * 1000)}])


def test_badge_counts_an_inspection_queued_offline_until_it_is_sent(page, live_server, shot):
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/IT-3F-01/inspect")
    badge = page.locator("#outbox-badge")
    expect(badge).to_be_hidden()
    page.locator(".q[data-kind=pass_fail] .tog-pass").first.click()  # first touch, with signal
    page.wait_for_load_state("networkidle")  # the outbox code, loaded on the first tap
    go_offline(page)
    all_pass_and_submit(page)
    expect(page.locator("#saved")).to_be_visible()
    expect(badge).to_be_visible()
    expect(badge.locator(".n")).to_have_text("1")
    shot(page, "pwa-saved-offline-phone")
    uuid = page.evaluate(ENTRIES)[0]["uuid"]
    assert _inspection(live_server, uuid) is None

    page.context.set_offline(False)  # the "online" event sends it
    expect(badge).to_be_hidden(timeout=15000)
    assert _inspection(live_server, uuid) is not None
    assert page.evaluate(ENTRIES) == []


def test_refused_inspection_keeps_the_servers_reason_and_is_fixed_and_sent(
        page, live_server, shot, tmp_path):
    # Oxygen store, item 1: a failure there needs a photo, which the phone does not check.
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/O2-1F-01/inspect")
    first = page.locator(".q").first
    first_id = int(first.get_attribute("data-item-id"))
    first.locator(".tog-fail").click()
    first.locator("textarea.note").fill("氧气瓶未固定")
    # The tank's pressure and its gauge photo are always wanted there: given.
    page.locator(".q[data-kind=number] input[inputmode=decimal]").first.fill("0.5")
    gauge = tmp_path / "gauge.jpg"
    gauge.write_bytes(jpeg(1200, 1600))
    page.locator(".q[data-photo-required] input[type=file]").set_input_files(str(gauge))
    expect(page.locator(".q[data-photo-required] .thumbs img")).to_have_count(1)
    page.wait_for_load_state("networkidle")  # the outbox code, loaded on the first tap
    go_offline(page)
    all_pass_and_submit(page)
    expect(page.locator("#saved")).to_be_visible()
    page.context.set_offline(False)
    expect(page.locator("#outbox-badge.warn")).to_be_visible(timeout=15000)

    page.goto(f"{live_server['url']}/outbox")
    entry = page.locator(".entry.refused")
    expect(entry).to_have_count(1)
    with live_server["app"].test_request_context(), force_locale("zh_Hans"):
        reason = _("A failed item here needs a photo.")
    expect(entry.locator(".reason").last).to_contain_text(reason)
    shot(page, "pwa-outbox-phone")
    uuid = page.evaluate(ENTRIES)[0]["uuid"]
    page.reload()  # it stays until fixed or discarded
    expect(page.locator(".entry.refused")).to_have_count(1)

    page.locator(".entry .fix").click()
    page.wait_for_url(f"**/locations/O2-1F-01/inspect?outbox={uuid}*")
    first = page.locator(f".q[data-item-id='{first_id}']")
    expect(first.locator(".error")).to_have_text(reason)
    expect(first.locator(".tog-fail input")).to_be_checked()
    expect(first.locator("textarea.note")).to_have_value("氧气瓶未固定")
    photo = tmp_path / "cylinder.jpg"
    photo.write_bytes(jpeg(1200, 1600))
    first.locator("input[type=file]").set_input_files(str(photo))
    expect(first.locator(".thumbs img")).to_have_count(1)
    page.click("button.primary[value=submit]")
    page.wait_for_url("**/inspections/*")
    assert _inspection(live_server, uuid)["fails"] == [(first_id, 1)]
    assert page.evaluate(ENTRIES) == []


def test_photos_are_shrunk_in_the_browser_and_can_be_removed(page, live_server, shot, tmp_path):
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/PWR-1F-02/inspect")
    big, small = tmp_path / "big.jpg", tmp_path / "small.jpg"
    big.write_bytes(jpeg(4000, 3000))
    small.write_bytes(jpeg(640, 480, color=(200, 180, 60)))
    taken = 1_790_000_000  # the file's date stands in for when it was taken
    os.utime(big, (taken, taken))
    first = page.locator(".q").first
    first.locator(".tog-fail").click()
    first.locator("textarea.note").fill("配电柜门未关")
    first.locator("input[type=file]").set_input_files([str(big), str(small)])
    expect(first.locator(".shot")).to_have_count(2)
    page.locator(".q").nth(1).locator(".tog-fail").click()
    page.locator(".q").nth(1).locator("input[type=file]").set_input_files(str(small))
    expect(page.locator(".shot .unshot")).to_have_count(3)
    shot(page, "pwa-checklist-photos-phone")
    first.locator(".shot").nth(1).locator(".unshot").click()  # the small one, on second thought
    page.locator(".q").nth(1).locator(".tog-pass").click()
    page.locator(".q").nth(1).locator(".unshot").click()

    page.wait_for_load_state("networkidle")
    go_offline(page)
    all_pass_and_submit(page)
    expect(page.locator("#saved")).to_be_visible()
    [entry] = page.evaluate(ENTRIES)
    photos = list(entry["photos"].values())
    assert len(photos) == 1
    assert photos[0]["blob"]["type"] == "image/jpeg"
    assert 0 < photos[0]["blob"]["size"] < 1_500_000
    assert photos[0]["takenAt"] == datetime.fromtimestamp(taken, UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")
    assert entry["answers"][0]["photoIds"] == list(entry["photos"])
    size = page.evaluate("""() => import('/static/js/outbox.js').then((m) => m.listEntries())
        .then(([e]) => createImageBitmap(Object.values(e.photos)[0].blob))
        .then((b) => [b.width, b.height])""")
    assert size == [2048, 1536]


def test_logout_asks_first_while_inspections_wait(page, live_server):
    log_in(page, live_server["url"], "guard1")
    _put_entry(page, live_server, state="refused")
    page.goto(f"{live_server['url']}/account/password")
    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as asked:
        page.click("form[action$='/logout'] button")
    assert "1" in asked.value.message
    page.wait_for_load_state()
    assert page.url.endswith("/account/password")  # not logged out
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[action$='/logout'] button")
    page.wait_for_url("**/login")


def test_logging_in_as_someone_else_warns_that_their_inspections_wait(page, live_server):
    page.goto(f"{live_server['url']}/login")
    _put_entry(page, live_server, username="guard1")
    page.reload()
    warning = page.locator("#outbox-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("guard1")
    page.fill("input[name=username]", "guard2")
    page.fill("input[name=password]", "saferound")
    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as asked:
        page.click("button.primary")
    assert "guard1" in asked.value.message and "guard2" in asked.value.message
    page.wait_for_load_state()
    assert "/login" in page.url
    expect(page.locator("input[name=username]")).to_have_value("guard2")  # not sent


def test_a_failed_send_stays_queued_and_is_retried_after_a_pause(page_alone, live_server):
    page = page_alone
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/KIT-1F-01/inspect")
    page.route("**/api/v1/inspections", lambda route: route.abort("connectionreset"))
    page.locator(".q[data-kind=pass_fail] .tog-pass").first.click()
    all_pass_and_submit(page)
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#outbox-badge .n")).to_have_text("1")
    [entry] = page.evaluate(ENTRIES)
    assert (entry["state"], entry["attempts"], entry["reason"]) == ("waiting", 1, "network")
    wait = entry["nextTryAt"] / 1000 - time.time()
    assert 2 < wait < 7  # about 5 s, with jitter

    page.unroute("**/api/v1/inspections")
    expect(page.locator("#outbox-badge")).to_be_hidden(timeout=15000)
    assert _inspection(live_server, entry["uuid"]) is not None


def _queue_against(page, live_server, answer):
    """Fill a checklist with the inspections address answering `answer`; the entry after."""
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/KIT-1F-01/inspect")
    page.route("**/api/v1/inspections", lambda route: route.fulfill(**answer))
    page.locator(".q[data-kind=pass_fail] .tog-pass").first.click()
    all_pass_and_submit(page)
    expect(page.locator("#outbox-badge .n")).to_have_text("1")
    # Polled here: wait_for_function takes the promise an import gives for a true answer.
    deadline = time.monotonic() + 15
    while True:
        [entry] = page.evaluate(ENTRIES)
        if entry["state"] == "refused" or entry["attempts"]:
            return entry
        assert time.monotonic() < deadline, "the outbox never tried to send"
        page.wait_for_timeout(100)


def test_a_refusal_is_kept_with_its_code_and_the_servers_sentence(page_alone, live_server):
    entry = _queue_against(page_alone, live_server, {"status": 409, "json": {
        "code": "inspection.uuid_conflict", "status": 409, "message": "Already sent."}})
    assert (entry["state"], entry["code"], entry["message"]) == (
        "refused", "inspection.uuid_conflict", "Already sent.")


def test_a_proxys_page_without_a_code_is_tried_again_later(page_alone, live_server):
    entry = _queue_against(page_alone, live_server, {"status": 404, "body": "<h1>Not Found</h1>",
                                                     "content_type": "text/html"})
    assert (entry["state"], entry["reason"]) == ("waiting", "server")


def test_save_a_copy_downloads_the_answers_with_their_photos(page_alone, live_server, tmp_path):
    page = page_alone
    log_in(page, live_server["url"], "guard1")
    page.route("**/api/v1/**", lambda route: route.abort("connectionreset"))
    page.goto(f"{live_server['url']}/locations/PWR-1F-03/inspect")
    first = page.locator(".q").first
    first.locator(".tog-fail").click()
    photo = tmp_path / "panel.jpg"
    photo.write_bytes(jpeg(800, 600))
    first.locator("input[type=file]").set_input_files(str(photo))
    all_pass_and_submit(page)
    expect(page.locator("#saved")).to_be_visible()

    page.goto(f"{live_server['url']}/outbox")
    with page.expect_download() as download:
        page.locator(".entry .copy").click()
    copy = json.loads(download.value.path().read_text())
    [(photo_id, kept)] = copy["photos"].items()
    assert kept["dataUrl"].startswith("data:image/jpeg;base64,")
    assert copy["answers"][0]["outcome"] == "fail"
    assert copy["answers"][0]["photoIds"] == [photo_id]
    assert copy["location"]["code"] == "PWR-1F-03"
