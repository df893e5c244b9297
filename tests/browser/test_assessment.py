"""The quarterly assessment and its A4 print, on a phone and on a PC, in Chinese and English."""

import re

import pytest

from app.common.quarters import Quarter
from app.common.time import local_today
from tests.browser.conftest import log_in


def _use_language(page, lang: str) -> None:
    if page.locator("html").get_attribute("lang") != lang:
        page.click("form.lang button")
        page.wait_for_load_state()


def _fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _last_full_quarter(app) -> Quarter:
    with app.app_context():
        return Quarter.of(local_today()).previous()


@pytest.fixture
def desk(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args,
                                     "viewport": {"width": 1366, "height": 768},
                                     "is_mobile": False, "has_touch": False,
                                     "device_scale_factor": 1})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_assessment_on_a_phone(page, live_server, shot, lang):
    url = live_server["url"]
    quarter = _last_full_quarter(live_server["app"])
    log_in(page, url, "manager")
    page.goto(f"{url}/assessment?quarter={quarter}")
    _use_language(page, lang)
    try:
        rows = page.locator(".assess-table tbody tr")
        assert rows.count() >= 10  # the demo's departments, each a card
        first = rows.nth(0)
        assert first.locator(".assess-dept").get_attribute("data-rank") == "1"
        assert first.locator("td.assess-fig a").count() == 9  # every figure links
        assert _fits_width(page)
        shot(page, f"assessment-phone-{lang}")
    finally:
        _use_language(page, "zh-Hans")


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_assessment_on_a_pc(desk, live_server, shot, lang):
    url = live_server["url"]
    quarter = _last_full_quarter(live_server["app"])
    log_in(desk, url, "viewer")
    desk.goto(f"{url}/assessment?quarter={quarter}")
    _use_language(desk, lang)
    try:
        header = desk.locator(".assess-table thead")
        assert header.is_visible()
        assert _fits_width(desk)
        shot(desk, f"assessment-desktop-{lang}", full_page=False)
        desk.locator(".assess-table tbody tr").nth(0).locator("td.assess-fig a").nth(0).click()
        desk.wait_for_load_state()
        assert "/coverage?" in desk.url and f"quarter={quarter}" in desk.url
    finally:
        _use_language(desk, "zh-Hans")


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_the_print_fits_one_a4_landscape_page(desk, live_server, tmp_path, lang):
    url = live_server["url"]
    quarter = _last_full_quarter(live_server["app"])
    log_in(desk, url, "manager")
    desk.goto(f"{url}/assessment?quarter={quarter}")
    _use_language(desk, lang)
    try:
        desk.goto(f"{url}/assessment/print?quarter={quarter}")
        desk.screenshot(path=str(tmp_path / "print.png"), full_page=True)
        pdf = desk.pdf(prefer_css_page_size=True)
        (tmp_path.parent / f"assessment-print-{lang}.pdf").write_bytes(pdf)
        assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
        assert desk.locator("header h1").is_visible()
    finally:
        desk.goto(f"{url}/assessment")
        _use_language(desk, "zh-Hans")
