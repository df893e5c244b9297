"""Log in, open a location, switch language — on a 390 px phone, looked at in screenshots."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.locations.models import Location
from tests.browser.conftest import log_in


def _fits_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _major_source(live_server):
    with live_server["app"].app_context():
        location = db.session.scalar(
            select(Location).where(Location.is_major_source).order_by(Location.code))
        return location.code, location.qr_token, location.name_zh


def test_qr_link_logged_out_lands_on_the_location(page, live_server, shot):
    code, token, name_zh = _major_source(live_server)
    page.goto(f"{live_server['url']}/q/{token}")
    assert "/login" in page.url
    shot(page, "login-phone-zh")
    page.fill("input[name=username]", "manager")  # a guard would land on the checklist
    page.fill("input[name=password]", "saferound")
    page.click("button.primary")
    page.wait_for_url(f"**/locations/{code}")
    assert page.locator("h1").inner_text() == name_zh
    assert page.locator(".risk-card").is_visible()
    assert _fits_phone(page)
    shot(page, "location-phone-zh")


def test_switching_language_changes_the_page_and_stays(page, live_server, shot):
    log_in(page, live_server["url"], "manager")
    assert page.locator("nav.mainnav").inner_text().startswith("首页")
    page.click("form.lang button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Home" in page.locator("nav.mainnav").inner_text()
    page.goto(f"{live_server['url']}/locations")
    assert page.locator("h1").inner_text() == "Locations"
    page.click("form.lang button")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "检查点"


ROLE_PAGES = {
    "admin": ["/", "/admin", "/admin/users", "/admin/users/new", "/admin/users/1",
              "/admin/departments", "/admin/departments/1", "/locations", "/locations/new",
              "/locations/O2-1F-01/edit", "/checklists/", "/checklists/1", "/checklists/1/items/1",
              "/checklists/1/items/new", "/account/password"],
    "manager": ["/", "/locations"],
    "lead_zwk": ["/", "/locations"],
    "guard1": ["/", "/locations"],
    "viewer": ["/", "/locations"],
}


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
@pytest.mark.parametrize("username", list(ROLE_PAGES))
def test_every_role_sees_pages_that_fit_a_phone(page, live_server, shot, username, lang):
    log_in(page, live_server["url"], username)
    if lang == "en":
        page.click("form.lang button")
        page.wait_for_load_state()
    wide = []
    for path in ROLE_PAGES[username]:
        response = page.goto(live_server["url"] + path)
        assert response.status == 200, path
        if not _fits_phone(page):
            wide.append(path)
        name = path.strip("/").replace("/", "-") or "home"
        shot(page, f"{username}-{name}-{lang}")
    assert wide == []


def test_bad_input_shows_the_message_beside_the_field(page, live_server, shot):
    log_in(page, live_server["url"], "admin")
    page.goto(f"{live_server['url']}/locations/new")
    page.fill("input[name=code]", "O2-1F-01")
    page.fill("input[name=name_zh]", "重复")
    page.fill("input[name=name_en]", "Duplicate")
    page.select_option("select[name=location_type_id]", index=1)
    page.select_option("select[name=department_id]", index=1)
    page.select_option("select[name=risk_level]", "red")
    page.click("button.primary")
    page.wait_for_load_state()
    error = page.locator("#code-err")
    assert error.is_visible() and "O2-1F-01" in error.inner_text()
    assert _fits_phone(page)
    shot(page, "location-form-error-phone")


def test_admin_forms_work_on_a_pc(browser, live_server, shot):
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="en-US")
    page = context.new_page()
    log_in(page, live_server["url"], "admin")
    page.request.post(f"{live_server['url']}/language", form={"lang": "en"})
    page.goto(f"{live_server['url']}/admin/users/new")
    page.fill("input[name=username]", "guard9")
    page.fill("input[name=full_name]", "钱勇")
    page.select_option("select[name=role]", "inspector")
    page.fill("input[name=password]", "short")
    page.click("button.primary")
    page.wait_for_load_state()
    assert "at least 10 characters" in page.locator("#password-err").inner_text()
    shot(page, "user-form-error-pc")
    page.fill("input[name=password]", "long-enough-password")
    page.click("button.primary")
    page.wait_for_url("**/admin/users")
    assert "guard9" in page.content()
    context.close()
