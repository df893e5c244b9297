"""A recurring hazard (重复隐患) in a browser: the department's lead files the four-don'ts review
on a phone in Chinese, the manager reads it beside the verify form on a PC in English and
closes the card; the dashboard lists what recurs most."""

from sqlalchemy import select

from app.extensions import db
from app.hazards.models import Hazard
from app.hazards.workflow import current_review
from tests.browser.conftest import log_in

REVIEW = {"cause": "探头安装位置不当", "responsibility": "厨房主管书面检查",
          "measures": "探头移位并加防油罩", "training": "厨房全员燃气安全培训"}


def _waiting_card(live_server) -> tuple[str, str]:
    """The demo's recurring card awaiting verification without a review; its lead."""
    with live_server["app"].app_context():
        hazard = next(h for h in db.session.scalars(select(Hazard).where(
            Hazard.recurring, Hazard.category == "重复隐患",
            Hazard.status == "awaiting_verification").order_by(Hazard.id))
            if current_review(h) is None)
        return hazard.number, f"lead_{hazard.department.code.lower()}"


def _desktop(browser, browser_context_args, locale):
    context = browser.new_context(**{**browser_context_args, "locale": locale,
                                     "viewport": {"width": 1366, "height": 900},
                                     "is_mobile": False, "has_touch": False,
                                     "device_scale_factor": 1})
    return context.new_page()


def test_lead_files_the_review_and_the_manager_verifies(page, browser, browser_context_args,
                                                        live_server, shot):
    number, lead = _waiting_card(live_server)
    url = f"{live_server['url']}/hazards/{number}"

    # The lead, on a phone in Chinese: the mark, the earlier cards, the open review form.
    log_in(page, live_server["url"], lead)
    page.goto(url)
    assert "重复隐患" in page.locator(".hazard-head").inner_text()
    assert page.locator("dd.recurs a").count() >= 1
    assert "尚未填写" in page.locator("#review h2").inner_text()
    for field, text in REVIEW.items():
        page.fill(f"#review-{field}", text)
    shot(page, "recurring-review-phone-zh")
    page.click("#do-review button.primary")
    page.wait_for_url(f"**/hazards/{number}*")
    assert "已填写" in page.locator("#review h2").inner_text()
    assert REVIEW["training"] in page.locator("#review").inner_text()
    shot(page, "recurring-review-filed-phone-zh")

    # The manager, on a PC in English: the review beside the verify form, then close.
    manager = _desktop(browser, browser_context_args, "en-US")
    log_in(manager, live_server["url"], "manager")
    manager.goto(url)
    manager.click("#do-verify summary")
    beside = manager.locator("#verify-review").inner_text()
    assert "Four-don'ts review" in beside and all(t in beside for t in REVIEW.values())
    shot(manager, "recurring-verify-desktop-en")
    manager.click("#do-verify button.primary")
    manager.wait_for_url(f"**/hazards/{number}")
    assert "Closed" in manager.locator(".hazard-head").inner_text()
    manager.context.close()


def test_dashboard_and_card_in_both_languages(page, browser, browser_context_args,
                                              live_server, shot):
    # A manager on a PC in Chinese: what recurs most, each linking to its cards.
    desk = _desktop(browser, browser_context_args, "zh-CN")
    log_in(desk, live_server["url"], "manager")
    desk.goto(f"{live_server['url']}/dashboard")
    places = desk.locator("#recurs-places")
    assert "重复隐患最多的地点" in places.inner_text()
    shot(desk, "recurring-dashboard-desktop-zh")
    places.locator("a").first.click()
    desk.wait_for_url("**/hazards/recurring?location=*")
    assert desk.locator(".pill-recurring").count() >= 2
    desk.context.close()

    # The viewer on a phone in English: a recurring card with its review, read-only.
    phone = browser.new_context(**{**browser_context_args, "locale": "en-US"}).new_page()
    log_in(phone, live_server["url"], "viewer")
    with live_server["app"].app_context():
        number = next(h.number for h in db.session.scalars(select(Hazard).where(
            Hazard.recurring, Hazard.category == "重复隐患",
            Hazard.status == "rectifying").order_by(Hazard.id))
            if current_review(h) is not None)
    phone.goto(f"{live_server['url']}/hazards/{number}")
    assert "Recurring" in phone.locator(".hazard-head").inner_text()
    assert "Filed" in phone.locator("#review h2").inner_text()
    assert phone.locator("#do-review").count() == 0
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone, "recurring-card-phone-en")
    phone.context.close()
