"""The escalation ladder in a browser: a supervised card (督办) with its reassign form, on a
phone and a PC, in Chinese and English; and the wall's supervised tag at 1920×1080."""

from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hazards.models import Hazard
from app.wall.models import DisplayToken
from tests.browser.conftest import log_in
from tests.browser.test_wall import contrast, small_texts

SHOTS = Path("/tmp/ladder/shots")
WORDS = {"zh_Hans": ("督办", "改派", "已于"), "en": ("Supervised", "Reassign", "Escalated to")}


def _supervised_card(live_server) -> str:
    with live_server["app"].app_context():
        return db.session.scalars(select(Hazard.number).where(
            Hazard.supervised_at.is_not(None)).order_by(Hazard.deadline_on)).first()


def _shot(page, name, full_page=True):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth")


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_supervised_card_shows_its_mark_step_and_reassign_form(
        browser, browser_context_args, live_server, size, lang):
    number = _supervised_card(live_server)
    args = dict(browser_context_args)
    if size == "desktop":
        args.update(viewport={"width": 1366, "height": 900}, is_mobile=False, has_touch=False,
                    device_scale_factor=1)
    context = browser.new_context(**args)
    page = context.new_page()
    log_in(page, live_server["url"], "manager")
    page.request.post(f"{live_server['url']}/language", form={"lang": lang})
    page.goto(f"{live_server['url']}/hazards/{number}")
    supervised, reassign, escalated = WORDS[lang]
    assert supervised in page.locator(".hazard-head .pill-supervised").inner_text()
    assert escalated in page.locator("#escalation").inner_text()
    page.click("#do-reassign summary")
    assert page.locator("#reassign-department").is_visible()
    assert page.locator("#reassign-reason").is_visible()
    assert reassign in page.locator("#do-reassign summary").inner_text()
    assert _fits(page)
    _shot(page, f"card-supervised-{size}-{lang}")
    # The list of overdue cards carries the mark too.
    page.goto(f"{live_server['url']}/hazards/?overdue=1")
    assert page.locator(".rows .pill-supervised").count() >= 1
    page.locator(".rows .pill-supervised").first.scroll_into_view_if_needed()
    _shot(page, f"list-overdue-{size}-{lang}", full_page=False)
    context.close()


def test_reassigning_on_a_phone_records_the_reason_in_the_history(page, live_server):
    number = _supervised_card(live_server)
    with live_server["app"].app_context():
        hazard = db.session.scalar(select(Hazard).where(Hazard.number == number))
        lead_department = hazard.department_id
    log_in(page, live_server["url"], "manager")
    page.goto(f"{live_server['url']}/hazards/{number}")
    page.click("#do-reassign summary")
    options = page.eval_on_selector_all(
        "#reassign-department option", "os => os.map(o => o.value)")
    other = next(v for v in options if v != str(lead_department))
    page.select_option("#reassign-department", other)
    page.fill("#reassign-reason", "归口调整：由其他科室负责")
    page.click("#do-reassign button.primary")
    page.wait_for_url(f"**/hazards/{number}")
    assert "归口调整：由其他科室负责" in page.locator("#history").inner_text()
    _shot(page, "card-reassigned-phone")


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_wall_tags_supervised_rows_at_32_px(browser, live_server, lang):
    with live_server["app"].app_context():
        display = DisplayToken(name="督办测试屏", created_by_id=1)
        db.session.add(display)
        db.session.commit()
        url = f"{live_server['url']}/wall/{display.token}"
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{url}?lang={lang}")
    page.wait_for_selector("#overdue-list .hz-supervised")
    tag = page.locator("#overdue-list .hz-supervised").first
    assert tag.inner_text() == ("督办" if lang == "zh_Hans" else "Supervised")
    assert small_texts(page) == []
    colours = tag.evaluate("t => [getComputedStyle(t).color, getComputedStyle(t).backgroundColor]")
    assert contrast(*colours) >= 4.5
    _shot(page, f"wall-supervised-1080p-{lang}", full_page=False)
    page.close()
