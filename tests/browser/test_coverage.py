"""The coverage page on a phone: a department lead sees the department's schedules."""

from tests.browser.conftest import log_in


def test_lead_sees_the_departments_coverage_on_a_phone(page, live_server, shot):
    log_in(page, live_server["url"], "lead_zwk")
    page.goto(f"{live_server['url']}/coverage")
    rows = page.locator(".coverage-rows .row")
    assert rows.count() > 0
    assert page.locator(".coverage-tiles .tile").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    shot(page, "coverage-phone-zh")
