"""Night mode on a phone (390 × 844): the page follows the phone's setting unless the account
chose, and the guard's screens in both themes, saved as screenshots to look at."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.themes import account_theme, is_dark
from tests.images import jpeg

CHECKLIST = "/locations/PWR-1F-02/inspect"


@pytest.mark.parametrize("phone", ["light", "dark"])
def test_the_login_page_follows_the_phone(page, live_server, phone):
    page.emulate_media(color_scheme=phone)
    page.goto(f"{live_server['url']}/login")
    assert is_dark(page) == (phone == "dark")


@pytest.mark.parametrize(("chosen", "phone"), [("dark", "light"), ("light", "dark")])
def test_the_accounts_choice_wins_over_the_phone(page, live_server, chosen, phone):
    page.emulate_media(color_scheme=phone)
    with account_theme(live_server["app"], "guard1", chosen):
        log_in(page, live_server["url"], "guard1")
        page.goto(live_server["url"] + CHECKLIST)
        assert is_dark(page) == (chosen == "dark")


def test_choosing_dark_on_the_account_page_darkens_the_pages(page, live_server):
    page.emulate_media(color_scheme="light")
    with account_theme(live_server["app"], "guard1", "auto"):
        log_in(page, live_server["url"], "guard1")
        page.goto(f"{live_server['url']}/account")
        assert not is_dark(page)
        page.locator("#appearance .tog", has=page.locator("input[value=dark]")).click()
        page.locator("#appearance button.primary").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("data-theme") == "dark"
        assert is_dark(page)
        expect(page.locator("#appearance input[value=dark]")).to_be_checked()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_guards_screens_in_each_theme(page_alone, live_server, tmp_path, theme):
    """Screenshots: the checklist, the camera step (a failed item with its photo), the saved
    card, the outbox with the inspection waiting in it, and a hazard card."""
    page = page_alone
    url = live_server["url"]
    page.emulate_media(color_scheme="light" if theme == "dark" else "dark")  # the account wins
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg(1200, 900, color=(200, 60, 40)))
    with account_theme(live_server["app"], "guard1", theme):
        log_in(page, url, "guard1")
        page.goto(url + CHECKLIST)
        assert is_dark(page) == (theme == "dark")
        page.screenshot(path=tmp_path / f"checklist-{theme}.png")

        items = page.locator(".q[data-kind=pass_fail]")
        for n in range(1, items.count()):
            items.nth(n).locator(".tog-pass").click()
        first = items.first
        first.locator(".tog-fail").click()
        first.locator(".note").fill("配电柜门未关")
        first.locator("input[type=file]").set_input_files(str(photo))
        expect(first.locator(".shot img")).to_have_count(1)
        first.locator(".photo-btn").scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / f"camera-{theme}.png")

        # The server out of reach (to the end: nothing reaches the shared server): the
        # inspection stays in the outbox, waiting.
        page.route("**/api/v1/**", lambda route: route.abort())
        page.locator("button.primary[value=submit]").click()
        expect(page.locator("#saved")).to_be_visible()
        page.screenshot(path=tmp_path / f"saved-{theme}.png")
        page.goto(f"{url}/outbox")
        expect(page.locator(".entry")).to_have_count(1)
        assert is_dark(page) == (theme == "dark")
        page.screenshot(path=tmp_path / f"outbox-{theme}.png")

        page.goto(f"{url}/hazards")
        page.locator(".rows a.stretch").first.click()
        page.wait_for_load_state()
        assert is_dark(page) == (theme == "dark")
        page.screenshot(path=tmp_path / f"hazard-card-{theme}.png", full_page=True)
    assert len(list(tmp_path.glob(f"*-{theme}.png"))) == 5
