"""WCAG AA contrast in both themes on the pages a guard and a manager use most: text 4.5:1
(3:1 when large), form controls' edges 3:1 (tests/browser/contrast.py measures)."""

import pytest

from tests.browser.conftest import log_in
from tests.browser.contrast import describe, low_contrast
from tests.browser.themes import account_theme, is_dark
from tests.images import jpeg


def test_the_measure_finds_low_contrast(page):
    page.set_content(
        "<p style='color:#999'>grey on white</p>"
        "<div style='background:#222'><span style='color:#444'>dark on dark</span>"
        "<button style='background:#222; border:1px solid #333; color:#fff'>b</button></div>"
        "<h1 style='color:#949494'>large, 3:1 enough</h1><p>black on white</p>")
    found = {f["text"]: f["need"] for f in low_contrast(page)}
    assert found == {"grey on white": 4.5, "dark on dark": 4.5, "b": 3}


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_main_pages_meet_aa_contrast(page, live_server, tmp_path, theme):
    url = live_server["url"]
    page.emulate_media(color_scheme=theme)
    page.goto(f"{url}/login")
    failures = {"/login": low_contrast(page)}
    with account_theme(live_server["app"], "guard1", theme):
        log_in(page, url, "guard1")
        for path in ("/", "/hazards", "/outbox", "/account"):
            page.goto(url + path)
            failures[path] = low_contrast(page)
        page.goto(f"{url}/hazards")
        page.locator(".rows a.stretch").first.click()
        page.wait_for_load_state()
        failures["hazard card"] = low_contrast(page)
        page.goto(f"{url}/locations/PWR-1F-02/inspect")
        assert is_dark(page) == (theme == "dark")
        # Every state a toggle shows, a failed item's photo field and a photo in it.
        photo = tmp_path / "photo.jpg"
        photo.write_bytes(jpeg(800, 600))
        items = page.locator(".q[data-kind=pass_fail]")
        items.nth(1).locator(".tog-pass").click()
        items.nth(2).locator(".tog-na").click()
        items.first.locator(".tog-fail").click()
        items.first.locator("input[type=file]").set_input_files(str(photo))
        page.locator(".shot img").wait_for()
        failures["checklist"] = low_contrast(page)
    failed = {path: describe(found) for path, found in failures.items() if found}
    assert not failed, "\n".join(f"{path}:\n{text}" for path, text in failed.items())
