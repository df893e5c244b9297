"""The patrol on a phone: scan, log in, check, photograph, submit; and the three-tap all-clear
(scan, all pass, Submit in the summary), which stores nothing before the Submit."""

import io
import re
from datetime import datetime

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.hazards.models import Hazard
from app.inspections.models import Inspection
from app.locations.models import Location
from tests.browser.conftest import log_in
from tests.images import jpeg


def _location(live_server, code):
    with live_server["app"].app_context():
        location = db.session.scalar(select(Location).where(Location.code == code))
        return location.qr_token, location.name_zh


def test_scan_log_in_fail_with_photo_and_find_the_upright_watermarked_card(
        page, live_server, shot, tmp_path):
    token, name_zh = _location(live_server, "PWR-1F-01")
    photo = tmp_path / "rotated.jpg"
    # Landscape pixels with EXIF orientation 6: the phone was held upright.
    photo.write_bytes(jpeg(1600, 1200, orientation=6, taken_at=datetime.now()))

    page.goto(f"{live_server['url']}/q/{token}")
    page.fill("input[name=username]", "guard2")
    page.fill("input[name=password]", "saferound")
    page.click("button.primary")
    page.wait_for_url("**/locations/PWR-1F-01/inspect")  # a guard's label opens the checklist
    assert page.locator("h1").inner_text() == name_zh
    first = page.locator(".q").first
    first.locator(".tog-fail").click()
    first.locator("textarea.note").fill("配电柜前绝缘垫破损")
    first.locator("input[type=file]").set_input_files(str(photo))
    assert first.locator(".thumbs img").count() == 1
    shot(page, "checklist-failure-phone")
    page.click("button[value=all_pass]")
    page.click("#allclear-summary button[value=submit]")
    page.wait_for_url("**/inspections/*")
    shot(page, "inspection-after-submit-phone")

    card = page.locator(".hazard-confirm").first
    assert card.locator(".mono").inner_text().startswith("YH-")
    href = card.locator("a:has(img.before-photo)").get_attribute("href")
    image = Image.open(io.BytesIO(page.request.get(live_server["url"] + href).body()))
    width, height = image.size
    assert height > width  # upright: EXIF orientation applied
    # The red block was top-left of the landscape pixels; upright it is top-right.
    red = image.convert("RGB").getpixel((width - 20, 20))
    assert red[0] > 150 and red[1] < 90
    band = image.convert("L").crop((0, int(height * 0.95), width, height))
    assert band.getextrema()[0] < 60  # the watermark's dark band with its text
    with live_server["app"].app_context():
        hazard = db.session.scalar(select(Hazard).order_by(Hazard.id.desc()))
        assert hazard.description == "配电柜前绝缘垫破损"
        assert len(hazard.item_result.photos) == 1


def _inspections(live_server):
    with live_server["app"].app_context():
        return db.session.query(Inspection).count()


def test_all_clear_patrol_is_scan_all_pass_submit_and_stores_only_at_submit(
        page, live_server, shot):
    token, _ = _location(live_server, "IT-3F-01")
    log_in(page, live_server["url"], "guard1")
    before = _inspections(live_server)
    page.goto(f"{live_server['url']}/q/{token}?next=inspect")  # the scan
    page.wait_for_url("**/inspect")
    taps = 0
    covered = page.locator("button[value=all_pass]").inner_text()
    shot(page, "checklist-phone")
    page.tap("button[value=all_pass]")
    taps += 1
    summary = page.locator("#allclear-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("h2")).to_contain_text("项标为合格")
    assert page.locator(".q [value=pass]:checked").count() == page.locator(
        ".q[data-kind=pass_fail]").count()
    shot(page, "all-clear-summary-phone", full_page=False)
    assert _inspections(live_server) == before  # nothing stored by the all-clear itself
    quick = page.locator("button[value=all_pass]").bounding_box()
    submit = summary.locator("button[value=submit]").bounding_box()
    apart = max(quick["y"] - (submit["y"] + submit["height"]),
                submit["y"] - (quick["y"] + quick["height"]),
                quick["x"] - (submit["x"] + submit["width"]),
                submit["x"] - (quick["x"] + quick["width"]))
    assert apart >= 24  # a gloved thumb cannot hit both
    page.tap("#allclear-summary button[value=submit]")
    taps += 1
    page.wait_for_url("**/inspections/*")
    shot(page, "all-clear-phone")
    assert taps <= 3
    assert "(" in covered  # the button says how many items it covers
    assert _inspections(live_server) == before + 1
    with live_server["app"].app_context():
        latest = db.session.scalar(select(Inspection).order_by(Inspection.id.desc()))
        assert latest.kind == "patrol"
        assert {r.outcome for r in latest.results if r.item.kind == "pass_fail"} == {"pass"}


def test_all_clear_summary_points_at_the_empty_required_reading(page, live_server, shot):
    log_in(page, live_server["url"], "guard1")
    before = _inspections(live_server)
    page.goto(f"{live_server['url']}/locations/O2-1F-01/inspect?kind=patrol")
    page.tap("button[value=all_pass]")
    reading = page.locator(".q[data-kind=number]")
    expect(reading).to_have_class("q is-missing")
    link = page.locator("#allclear-summary .allclear-needed a").first
    expect(link).to_contain_text("液氧储罐压力")
    expect(page.locator("#allclear-summary .allclear-needed")).to_contain_text("储罐压力表")
    shot(page, "all-clear-summary-missing-phone", full_page=False)
    expect(page.locator(".submit-bar .left")).to_have_text(re.compile(r"^剩余 \d+ 项$"))
    link.tap()
    expect(reading.locator("input[inputmode=decimal]")).to_be_focused()
    page.tap("#allclear-summary button[value=submit]")
    expect(reading.locator(".error")).to_have_text("请填写读数。")
    assert _inspections(live_server) == before


LINES = """els => els.map((el) => {
  const tops = new Set();
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 1) tops.add(Math.round(r.top / 6));
  }
  return [el.textContent.trim(), tops.size];
})"""


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_checklist_labels_wrap_to_two_lines_at_most(page, live_server, shot, lang):
    log_in(page, live_server["url"], "guard2")
    page.goto(f"{live_server['url']}/locations/O2-1F-01/inspect?kind=patrol")
    if page.locator("html").get_attribute("lang") != lang:
        page.click("form.lang button")
        page.wait_for_load_state()
    page.tap("button[value=all_pass]")
    expect(page.locator("#allclear-summary")).to_be_visible()
    shot(page, f"all-clear-summary-phone-{lang}", full_page=False)
    left = {"en": r"^\d+ left$", "zh-Hans": r"^剩余 \d+ 项$"}[lang]
    expect(page.locator(".submit-bar .left")).to_have_text(re.compile(left))
    controls = page.locator("#checklist button, #checklist .tog span, #checklist .photo-btn > span")
    wrapped = [(label, n) for label, n in controls.evaluate_all(LINES) if n > 2]
    assert wrapped == []


def test_item_note_grows_as_it_is_typed(page, live_server):
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/PWR-1F-01/inspect")
    first = page.locator(".q").first
    first.locator(".tog-fail").click()
    note = first.locator("textarea.note")
    empty = note.bounding_box()["height"]
    note.fill("配电柜前绝缘垫破损，\n边缘卷起，\n有人绊倒的危险，\n已告知值班电工。")
    assert note.bounding_box()["height"] > empty + 40  # every line in sight, no scrolling
    assert note.get_attribute("maxlength") == "2000"
