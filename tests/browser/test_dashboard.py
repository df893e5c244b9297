"""The managers' dashboard on a phone and on a PC: charts that fit and labels one can read."""

from tests.browser.conftest import log_in


def _fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _smallest_chart_text(page) -> float:
    """The height in CSS pixels of the smallest text drawn in the charts."""
    return page.eval_on_selector_all(
        "svg.chart text", "ts => Math.min(...ts.map(t => t.getBoundingClientRect().height))")


def _use_language(page, lang: str) -> None:
    if page.locator("html").get_attribute("lang") != lang:
        page.click("form.lang button")
        page.wait_for_load_state()


def test_dashboard_on_a_phone_in_chinese(page, live_server, shot):
    log_in(page, live_server["url"], "manager")
    page.goto(f"{live_server['url']}/dashboard")
    _use_language(page, "zh-Hans")
    assert page.locator("svg.chart").count() == 2
    assert page.locator(".dash-tiles .tile").count() == 5
    page.click("#by-month summary")  # the figures by month, as a table
    assert page.locator("#by-month tbody tr").count() == 12
    assert _fits_width(page)
    assert _smallest_chart_text(page) >= 9
    shot(page, "dashboard-phone-zh")


def test_dashboard_on_a_pc_in_english(browser, browser_context_args, live_server, shot):
    desk = browser.new_context(**{**browser_context_args, "viewport": {"width": 1366,
                                                                      "height": 768},
                                  "is_mobile": False, "has_touch": False,
                                  "device_scale_factor": 1})
    page = desk.new_page()
    log_in(page, live_server["url"], "manager2")
    page.goto(f"{live_server['url']}/dashboard")
    _use_language(page, "en")
    try:
        assert page.locator("h1").inner_text() == "Dashboard"
        # Two charts side by side, the same height.
        first, second = (page.locator("svg.chart").nth(i).bounding_box() for i in (0, 1))
        assert first["y"] == second["y"] and first["x"] < second["x"]
        assert _fits_width(page)
        assert _smallest_chart_text(page) >= 11
        shot(page, "dashboard-desktop-en")
    finally:
        _use_language(page, "zh-Hans")  # the account keeps the language; leave it as found
        desk.close()
