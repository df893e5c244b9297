"""The guard's round on a phone (390 × 844, touch): a label opens the checklist with the place,
its risk colour and its card at the top; the home page lists what is due now."""

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.locations.models import Location
from tests.browser.conftest import log_in


def test_a_guard_scanning_a_label_lands_on_the_checklist_with_the_place(page, live_server, shot):
    base = live_server["url"]
    with live_server["app"].app_context():
        token = db.session.scalar(select(Location.qr_token).where(Location.code == "O2-1F-01"))
    log_in(page, base, "guard1")
    page.goto(f"{base}/q/{token}")
    expect(page).to_have_url(f"{base}/locations/O2-1F-01/inspect")
    head = page.locator(".cl-head")
    expect(head.locator("h1")).to_have_text("液氧站")
    expect(head.locator(".risk-red")).to_have_text("红色·重大风险")
    card = head.get_by_role("link", name="风险源卡")
    expect(card).to_be_in_viewport()
    shot(page, "round-checklist-head", full_page=False)
    card.tap()
    expect(page.locator("#risk-card")).to_be_in_viewport()


def test_a_guards_home_shows_the_round_and_opens_a_points_checklist(page, live_server, shot):
    base = live_server["url"]
    log_in(page, base, "guard1")
    page.goto(f"{base}/")
    round_ = page.locator("#round")
    expect(round_.get_by_role("link", name="扫描下一个点位")).to_be_in_viewport()
    if not round_.locator(".round-to-do").count():  # the demo's history did it all already
        round_.locator(".round-done-list summary").tap()
    first = round_.locator(".round-to-do .row, .round-done-list .row").first
    name = first.locator("strong").inner_text()
    shot(page, "round-home", full_page=False)
    first.locator("a.stretch").tap()
    expect(page.locator(".cl-head h1")).to_have_text(name)
