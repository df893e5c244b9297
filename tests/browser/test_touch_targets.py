"""Touch targets on a phone (iPhone 13, 390 × 844 CSS px): the language button and each photo's
remove control are at least 44 × 44 px, and a remove control covers no photo; every control on
the guard's pages is 44 × 44 px with 8 px to the next (tests/browser/targets.py measures)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from tests.browser.conftest import log_in
from tests.browser.targets import problems
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


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_every_control_on_the_guards_pages_is_44_px_with_8_px_between(page_alone, live_server,
                                                                     guard, tmp_path, lang):
    """The checklist with a failed item and its photo, the home page, a hazard card and the
    outbox with an inspection waiting in it."""
    page, url = page_alone, live_server["url"]
    log_in(page, url, guard)
    page.goto(f"{url}/locations/PWR-1F-02/inspect")
    _use_language(page, lang)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg(800, 600))
    first = page.locator(".q").first
    first.locator(".tog-fail").click()
    first.locator("input[type=file]").set_input_files(str(photo))
    expect(first.locator(".shot .unshot")).to_have_count(1)
    found = {"checklist": problems(page)}

    # The server out of reach (to the end: nothing reaches the shared server).
    page.route("**/api/v1/**", lambda route: route.abort())
    for item in page.locator(".q[data-kind=pass_fail]").all()[1:]:
        item.locator(".tog-pass").click()
    page.locator("button.primary[value=submit]").click()
    expect(page.locator("#saved")).to_be_visible()
    page.goto(f"{url}/outbox")
    expect(page.locator(".entry")).to_have_count(1)
    found["outbox"] = problems(page)
    page.goto(f"{url}/")
    found["home"] = problems(page)
    page.goto(f"{url}/hazards")
    page.locator(".rows a.stretch").first.click()
    page.wait_for_load_state()
    found["hazard card"] = problems(page)
    failed = {name: lines for name, lines in found.items() if lines}
    assert not failed, "\n".join(f"{name}: {line}" for name, lines in failed.items()
                                  for line in lines)
