"""Touch targets on a phone (iPhone 13, 390 × 844 CSS px): the language button and each photo's
remove control are at least 44 × 44 px, and a remove control covers no photo."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from tests.browser.conftest import log_in
from tests.images import jpeg

TAP = 44  # CSS px: Apple's and WCAG 2.5.5's smallest comfortable target


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def _use_language(page, lang: str) -> None:
    if page.locator("html").get_attribute("lang") != lang:
        page.click("form.lang button")
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang


@pytest.fixture
def guard(live_server):
    """guard1, whose language the test switches: put back afterwards, for the other tests."""
    app, query = live_server["app"], select(User).where(User.username == "guard1")
    with app.app_context():
        before = db.session.scalar(query).locale
    yield "guard1"
    with app.app_context():
        db.session.scalar(query).locale = before
        db.session.commit()


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_language_button_and_photo_remove_controls_fit_a_thumb(page, live_server, guard, shot,
                                                               tmp_path, lang):
    log_in(page, live_server["url"], guard)
    page.goto(f"{live_server['url']}/locations/PWR-1F-02/inspect")
    _use_language(page, lang)
    assert page.viewport_size["width"] == 390  # iPhone 13: 390 × 844, 664 below the bars
    language = page.locator("form.lang button").bounding_box()
    assert language["width"] >= TAP and language["height"] >= TAP

    photos = []
    for n, color in enumerate([(200, 60, 40), (40, 120, 200), (60, 160, 80)]):
        photos.append(tmp_path / f"photo{n}.jpg")
        photos[-1].write_bytes(jpeg(1200, 900, color=color))
    first = page.locator(".q").first
    first.locator(".tog-fail").click()
    first.locator(".note").fill("配电柜门未关" if lang == "zh-Hans" else "Cabinet door open")
    first.locator("input[type=file]").set_input_files([str(p) for p in photos])
    expect(first.locator(".shot .unshot")).to_have_count(3)

    pictures = [img.bounding_box() for img in first.locator(".shot img").all()]
    removes = [button.bounding_box() for button in first.locator(".shot .unshot").all()]
    for remove in removes:
        assert remove["width"] >= TAP and remove["height"] >= TAP
        assert not any(_overlap(remove, picture) for picture in pictures)
        assert remove["x"] + remove["width"] <= 390  # all on the screen, none cut off
    first.locator(".shot .unshot").first.evaluate("b => b.scrollIntoView({block: 'center'})")
    shot(page, f"checklist-photos-phone-{lang}", full_page=False)
    shot(page, f"checklist-phone-{lang}")

    first.locator(".shot .unshot").first.click()
    expect(first.locator(".shot")).to_have_count(2)
