"""The phone says what happened to the form: the saved card turns from "waiting for signal"
through "sending photo n of m" into "sent" with a link to the stored inspection; the outbox page
shows one status per entry; what the worker sent while the app was closed is told at the next
start; counted labels in the right form in both languages."""

import time

import pytest
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.locations.models import Location
from tests.browser.conftest import SCREENSHOTS, all_pass_and_submit, go_offline, log_in
from tests.browser.test_offline_outbox import controlled
from tests.browser.test_pwa_outbox import ENTRIES, _inspection, _token
from tests.images import jpeg

SHOTS = SCREENSHOTS / "sent"


def _words(live_server, lang, text, **params):
    with live_server["app"].test_request_context(), force_locale(lang):
        return _(text, **params)


def _counted(live_server, lang, singular, plural, num, **params):
    with live_server["app"].test_request_context(), force_locale(lang):
        return ngettext(singular, plural, num, **params)


def _place(live_server, code):
    with live_server["app"].app_context():
        return db.session.scalar(select(Location.name_zh).where(Location.code == code))


def _snap(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _speak(page, lang):
    """Switch the logged-in account to `lang` (kept on the account until the next test)."""
    want = "en" if lang == "en" else "zh-Hans"
    if page.locator("html").get_attribute("lang") != want:
        page.click("form.lang button")
        page.wait_for_load_state()


def _hold(page, pattern):
    """Requests to `pattern` wait in the returned list until the test lets each go."""
    held = []
    page.route(pattern, lambda route: held.append(route))
    return held


def _let_go(page, held, count):
    """Let the next held request through once `count` have arrived."""
    deadline = time.monotonic() + 15
    while len(held) < count:
        assert time.monotonic() < deadline, f"only {len(held)} requests arrived"
        page.wait_for_timeout(50)
    held[count - 1].continue_()


def _offline(page):
    """Off the network, with the sending code loaded (a page alone has no worker to keep it)."""
    page.evaluate("import('/static/js/sync.js').then(() => true)")
    page.context.set_offline(True)


def _fill_with_photos(page, tmp_path, count):
    first = page.locator(".q").first
    first.locator(".tog-fail").click()
    first.locator(".note").fill("watch")
    paths = []
    for n in range(count):
        path = tmp_path / f"shot-{n}.jpg"
        path.write_bytes(jpeg(800, 600, color=(60 * n, 120, 80)))
        paths.append(str(path))
    first.locator("input[type=file]").set_input_files(paths)
    # Each photo is shrunk (photos.js, fetched at the first photo) before the test goes
    # offline; its "Mark" button comes once it is kept in the page.
    expect(first.locator(".thumbs .mark-photo")).to_have_count(count, timeout=15000)


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_saved_card_turns_into_sent_with_a_link_to_the_stored_inspection(
        page, live_server, lang):
    log_in(page, live_server["url"], "guard1")
    _speak(page, lang)
    page.goto(f"{live_server['url']}/locations/KIT-1F-01/inspect")
    controlled(page)  # the worker keeps the app's code for use offline
    page.locator(".q[data-kind=pass_fail] .tog-pass").first.click()
    page.wait_for_load_state("networkidle")  # the outbox code, loaded on the first tap
    go_offline(page)
    all_pass_and_submit(page)
    card = page.locator("#saved")
    expect(card).to_have_attribute("data-state", "waiting")
    expect(card.locator("h2")).to_have_text(
        _words(live_server, lang, "Saved on this phone; it will be sent when there is signal."))
    _snap(page, f"card-waiting-{lang}")
    uuid = page.evaluate(ENTRIES)[0]["uuid"]

    page.context.set_offline(False)
    expect(card).to_have_attribute("data-state", "sent", timeout=15000)
    expect(card.locator("h2")).to_have_text(
        _words(live_server, lang, "Sent: the server has stored this inspection."))
    link = card.locator(".saved-next a")
    expect(link).to_have_text(_words(live_server, lang, "Open the stored inspection"))
    _snap(page, f"card-sent-{lang}")
    stored = _inspection(live_server, uuid)
    link.click()
    page.wait_for_url(f"**/inspections/{stored['id']}")


def test_the_saved_card_says_which_photo_is_being_sent(page_alone, live_server, tmp_path):
    page = page_alone
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/PWR-1F-03/inspect")
    _fill_with_photos(page, tmp_path, 3)
    _offline(page)
    all_pass_and_submit(page)
    card = page.locator("#saved")
    expect(card).to_have_attribute("data-state", "waiting")
    held = _hold(page, "**/api/v1/photos")

    page.context.set_offline(False)  # the page sends, photo by photo
    for n in (1, 2, 3):
        expect(card.locator("h2")).to_have_text(_words(
            live_server, "zh_Hans", "Sending photo %(n)s of %(total)s…", n=n, total=3))
        expect(card).to_have_attribute("data-state", "sending")
        if n == 2:
            _snap(page, "card-sending-photo-2-of-3")
        _let_go(page, held, n)
    expect(card).to_have_attribute("data-state", "sent", timeout=15000)


def test_a_busy_server_puts_its_next_try_on_the_saved_card(page_alone, live_server):
    page = page_alone
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/KIT-1F-01/inspect")
    page.route("**/api/v1/inspections", lambda route: route.fulfill(
        status=503, json={"code": "server.busy", "status": 503}, headers={"Retry-After": "600"}))
    page.locator(".q[data-kind=pass_fail] .tog-pass").first.click()
    all_pass_and_submit(page)
    card = page.locator("#saved")
    expect(card).to_have_attribute("data-state", "later")
    [entry] = page.evaluate(ENTRIES)
    at = time.strftime("%H:%M", time.localtime(entry["nextTryAt"] / 1000))
    expect(card.locator("#saved-reason")).to_contain_text(
        _words(live_server, "zh_Hans", "Next try at %(time)s.", time=at))
    _snap(page, "card-busy")


def test_a_refusal_turns_the_saved_card_into_what_to_fix_with_the_way_back(
        page_alone, live_server):
    """A refusal the phone could not foresee (the page checks what it can before queueing):
    the server's answer, as it words a missing photo, comes back when the signal does."""
    page = page_alone
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/KIT-1F-01/inspect")
    first = page.locator(".q[data-kind=pass_fail]").first
    first.locator(".tog-fail").click()
    _offline(page)
    all_pass_and_submit(page)
    card = page.locator("#saved")
    expect(card).to_have_attribute("data-state", "waiting")
    item = first.get_attribute("data-item-id")
    message = _words(live_server, "zh_Hans", "A failed item here needs a photo.")
    page.route("**/api/v1/inspections", lambda route: route.fulfill(status=422, json={
        "code": "validation.invalid_answers", "status": 422, "message": message,
        "errors": {"answers": {item: [message]}}}))

    page.context.set_offline(False)
    expect(card).to_have_attribute("data-state", "refused", timeout=15000)
    expect(card.locator("h2")).to_have_text(
        _words(live_server, "zh_Hans", "The server refused it: fix it and send it again."))
    expect(card.locator("#saved-reason")).to_contain_text(message)
    _snap(page, "card-refused")
    uuid = page.evaluate(ENTRIES)[0]["uuid"]
    card.locator(".saved-next a").click()
    page.wait_for_url(f"**/locations/KIT-1F-01/inspect?outbox={uuid}*")
    expect(page.locator(".q[data-kind=pass_fail]").first.locator(".tog-fail input")).to_be_checked()


def test_the_outbox_page_shows_one_status_per_entry_during_a_slow_upload(
        page_alone, live_server, tmp_path):
    page = page_alone
    log_in(page, live_server["url"], "guard1")
    page.route("**/api/v1/**", lambda route: route.abort("connectionreset"))
    page.goto(f"{live_server['url']}/locations/PWR-1F-03/inspect")
    _fill_with_photos(page, tmp_path, 2)
    all_pass_and_submit(page)  # queued with two photos, the server out of reach
    expect(page.locator("#saved")).to_be_visible()
    page.goto(f"{live_server['url']}/locations/KIT-1F-01/inspect")
    page.locator(".q[data-kind=pass_fail] .tog-pass").first.click()
    all_pass_and_submit(page)  # and one without
    expect(page.locator("#saved")).to_be_visible()
    first, second = page.evaluate(ENTRIES)

    page.unroute("**/api/v1/**")
    held = _hold(page, "**/api/v1/photos")
    page.goto(f"{live_server['url']}/outbox")  # the app starts and sends
    sending = page.locator(f"#entry-{first['uuid']}")
    waiting = page.locator(f"#entry-{second['uuid']}")
    photo = "Sending photo %(n)s of %(total)s"
    expect(sending.locator(".state")).to_have_text(
        _words(live_server, "zh_Hans", photo, n=1, total=2))
    expect(waiting.locator(".state")).to_have_text(
        _words(live_server, "zh_Hans", "Waiting to be sent"))
    _snap(page, "outbox-sending")
    for entry in (sending, waiting):
        expect(entry.locator(".state")).to_have_count(1)
    expect(sending).not_to_contain_text(_words(live_server, "zh_Hans", "Waiting to be sent"))
    expect(sending).not_to_contain_text(_words(live_server, "zh_Hans", "Sending…"))
    _let_go(page, held, 1)
    expect(sending.locator(".state")).to_have_text(
        _words(live_server, "zh_Hans", photo, n=2, total=2))
    _let_go(page, held, 2)

    sent = page.locator("#sent-list .record")
    expect(sent).to_have_count(2, timeout=15000)
    expect(page.locator(".entry")).to_have_count(0)
    record = page.locator(f"#sent-{first['uuid']}")
    expect(record.locator(".state")).to_have_text(_words(live_server, "zh_Hans", "Sent"))
    stored = _inspection(live_server, first["uuid"])
    expect(record.locator("a.open")).to_have_attribute("href", f"/inspections/{stored['id']}")
    _snap(page, "outbox-sent")


def _queue_for_someone_else(page, live_server, uuid, attempts):
    """An entry of another person's: it only waits here, so its labels hold still."""
    page.evaluate("""([entry]) => import('/static/js/outbox.js').then((m) => m.putEntry(entry))""",
                  [{"uuid": uuid, "userId": 999, "username": "guard9",
                    "location": {"code": "IT-3F-01", "name": "IT-3F-01",
                                 "token": _token(live_server, "IT-3F-01")},
                    "checklistUrl": "/locations/IT-3F-01/inspect", "versionId": 1,
                    "kind": "patrol", "note": "", "startedAt": None, "submittedAt": None,
                    "answers": [], "photos": {}, "state": "waiting", "message": None,
                    "fieldErrors": None, "attempts": attempts, "nextTryAt": 0,
                    "reason": "network", "createdAt": int(time.time() * 1000)}])


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_counted_labels_take_the_languages_form(page_alone, live_server, lang):
    page = page_alone
    log_in(page, live_server["url"], "guard1")
    _speak(page, lang)
    _queue_for_someone_else(page, live_server, "00000000-0000-4000-8000-000000000001", 1)
    page.goto(f"{live_server['url']}/outbox")
    badge = page.locator("#outbox-badge")
    waiting = ("%(n)s inspection waiting to be sent", "%(n)s inspections waiting to be sent")
    expect(badge).to_have_attribute("aria-label", _counted(live_server, lang, *waiting, 1, n=1))
    tried = ("Tried once.", "Tried %(n)s times.")
    expect(page.locator(".entry .reason").last).to_have_text(
        _counted(live_server, lang, *tried, 1, n=1))

    _queue_for_someone_else(page, live_server, "00000000-0000-4000-8000-000000000002", 3)
    expect(badge).to_have_attribute("aria-label", _counted(live_server, lang, *waiting, 2, n=2))
    expect(page.locator(".entry .reason").last).to_have_text(
        _counted(live_server, lang, *tried, 3, n=3))
    if lang == "en":
        assert badge.get_attribute("aria-label") == "2 inspections waiting to be sent"
        expect(page.locator(".entry .reason").nth(1)).to_have_text("Tried once.")


def test_what_the_worker_sent_while_the_app_was_closed_is_told_once_at_the_next_start(
        page, live_server):
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/KIT-1F-01/inspect")
    controlled(page)
    page.locator(".q[data-kind=pass_fail] .tog-pass").first.click()
    page.wait_for_load_state("networkidle")
    go_offline(page)
    all_pass_and_submit(page)
    expect(page.locator("#saved")).to_be_visible()
    uuid = page.evaluate(ENTRIES)[0]["uuid"]
    context = page.context
    page.close()  # the app is closed

    context.set_offline(False)  # Background Sync: the worker sends it alone
    deadline = time.monotonic() + 20
    while not _inspection(live_server, uuid):
        assert time.monotonic() < deadline, "the worker never sent the inspection"
        time.sleep(0.2)

    home = context.new_page()
    home.goto(f"{live_server['url']}/")
    notice = home.locator("#sent-notice")
    expect(notice.locator(".sent-title")).to_have_text(_counted(
        live_server, "zh_Hans", "Sent while the app was closed: %(n)s inspection",
        "Sent while the app was closed: %(n)s inspections", 1, n=1))
    link = notice.locator("a")
    expect(link).to_have_text(_place(live_server, "KIT-1F-01"))
    stored = _inspection(live_server, uuid)
    expect(link).to_have_attribute("href", f"/inspections/{stored['id']}")
    _snap(home, "home-sent-while-closed")
    seen = ("import('/static/js/outbox.js').then((m) => m.listSent())"
            ".then((records) => records.map((r) => r.seen))")
    assert home.evaluate(seen) == [True]  # told once: the next start says nothing
    notice.locator("button.dismiss").click()
    expect(notice).to_have_count(0)


def test_a_phone_with_the_first_outbox_keeps_its_entries_when_the_sent_records_come(
        page_alone, live_server):
    page = page_alone
    page.goto(f"{live_server['url']}/manifest.webmanifest")  # the origin, with no script of ours
    page.evaluate("""() => new Promise((resolve, reject) => {
      const request = indexedDB.open('saferound', 1);
      request.onupgradeneeded = () => request.result
        .createObjectStore('outbox', { keyPath: 'uuid' })
        .put({ uuid: 'kept', userId: 4, location: { name: 'A', code: 'A' }, createdAt: 1 });
      request.onsuccess = () => { request.result.close(); resolve(); };
      request.onerror = () => reject(request.error);
    })""")
    uuids = page.evaluate("""() => import('/static/js/outbox.js').then(async (m) => {
      const [entry] = await m.listEntries();
      await m.markSent(entry, { url: '/inspections/1' });
      return [(await m.listEntries()).length, (await m.listSent()).map((r) => r.uuid)];
    })""")
    assert uuids == [0, ["kept"]]
