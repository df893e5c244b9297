"""The Content-Security-Policy in a real browser.

Every browser test fails on a violation (the autouse `csp_violations` fixture in conftest.py),
so the flows of the other files are policy tests too: the service worker and the outbox
(test_pwa_worker, test_pwa_outbox), the scanner and its jsQR (test_scanner), the checklist's
photo previews, the dashboard's charts, the wall at 1080p and 4K and logging in. These open
what no other test does, and show that the check itself fails when the policy is broken."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hazards.models import Hazard
from app.locations.models import Location
from tests.browser.conftest import log_in

# A4 and A5 portrait in PDF points (1/72 in), as Chromium prints them.
PAGE_POINTS = {"A4": (595, 842), "A5": (420, 595)}


def _pdf_page_size(page) -> tuple[int, int]:
    pdf = page.pdf(prefer_css_page_size=True)
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return round(float(box[1])), round(float(box[2]))


def test_the_check_catches_inline_code_and_the_policy_blocks_it(page, live_server,
                                                                 csp_violations):
    page.goto(f"{live_server['url']}/login")
    # What an injected bit of markup would try: an inline style and an inline script.
    page.evaluate("""() => {
        document.body.setAttribute("style", "background: rgb(255, 0, 0)");
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.head.append(script);
    }""")
    page.wait_for_function("() => window.__cspViolations.length >= 2")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    assert page.evaluate("window.injected") is None
    csp_violations.settle()
    directives = {v["directive"] for v in csp_violations.seen if v["witness"] == "event"}
    assert directives == {"style-src-attr", "script-src-elem"}
    assert sum(v["witness"] == "console" for v in csp_violations.seen) == 2
    csp_violations.clear()  # provoked on purpose: not a failure of this test


def test_the_check_catches_a_load_from_another_host(page, live_server, csp_violations):
    page.goto(f"{live_server['url']}/login")
    page.evaluate("""() => {
        const img = document.createElement("img");
        img.src = "http://example.invalid/pixel.png";
        document.body.append(img);
    }""")
    page.wait_for_function("() => window.__cspViolations.length >= 1")
    csp_violations.settle()
    assert [v["directive"] for v in csp_violations.seen if v["witness"] == "event"] == ["img-src"]
    csp_violations.clear()


def _printing(page) -> None:
    """window.print() only counts its calls: headless Chromium has no print dialog."""
    page.add_init_script("window.printed = 0; window.print = () => { window.printed += 1; };")


def _a_hazard_number(live_server) -> str:
    with live_server["app"].app_context():
        return db.session.scalar(select(Hazard.number).order_by(Hazard.id))


def _a_major_source(live_server) -> str:
    with live_server["app"].app_context():
        return db.session.scalar(select(Location.code).where(Location.is_major_source)
                                 .order_by(Location.id))


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_the_hazard_card_prints_on_its_paper_size(page, live_server, shot, size):
    _printing(page)
    log_in(page, live_server["url"], "manager")
    page.goto(f"{live_server['url']}/hazards/{_a_hazard_number(live_server)}/print"
              f"?size={size.lower()}")
    page.click(".noprint button")
    assert page.evaluate("window.printed") == 1
    assert _pdf_page_size(page) == PAGE_POINTS[size]
    shot(page, f"hazard-card-print-{size.lower()}-csp")


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_the_risk_source_card_prints_on_its_paper_size(page, live_server, size):
    _printing(page)
    log_in(page, live_server["url"], "manager")
    page.goto(f"{live_server['url']}/locations/{_a_major_source(live_server)}/risk-card"
              f"?size={size.lower()}")
    page.click(".noprint button")
    assert page.evaluate("window.printed") == 1
    assert _pdf_page_size(page) == PAGE_POINTS[size]


def test_the_api_docs_run_a_call_under_the_policy(browser, live_server, shot):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = context.new_page()
    log_in(page, live_server["url"], "manager")
    page.goto(f"{live_server['url']}/api/v1/docs")
    me = page.locator(".opblock-summary", has_text="/api/v1/me").first
    me.click()
    page.click(".opblock.is-open .try-out__btn")
    page.click(".opblock.is-open .execute")
    answer = page.locator(".opblock.is-open .live-responses-table tbody .response").first
    answer.wait_for()
    assert answer.locator(".response-col_status").inner_text().strip() == "200"
    assert '"username": "manager"' in answer.inner_text()
    page.locator("section.models .model-box-control").first.click()  # a schema, drawn open
    page.locator("section.models .model-box .inner-object").first.wait_for()
    shot(page, "api-docs-csp")
    context.close()
