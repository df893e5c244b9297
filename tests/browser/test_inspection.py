"""The patrol on a phone: scan, log in, check, photograph, submit; and the three-tap all-clear."""

import io
from datetime import datetime

from PIL import Image
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
    page.wait_for_url("**/locations/PWR-1F-01")
    assert page.locator("h1").inner_text() == name_zh
    page.click("form.start button")
    page.wait_for_url("**/inspect?kind=patrol")
    first = page.locator(".q").first
    first.locator(".tog-fail").click()
    first.locator("input.note").fill("配电柜前绝缘垫破损")
    first.locator("input[type=file]").set_input_files(str(photo))
    assert first.locator(".thumbs img").count() == 1
    shot(page, "checklist-failure-phone")
    page.click("button.quick")
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


def test_all_clear_patrol_takes_at_most_three_taps(page, live_server, shot):
    token, _ = _location(live_server, "IT-3F-01")
    log_in(page, live_server["url"], "guard1")
    with live_server["app"].app_context():
        before = db.session.query(Inspection).count()
    page.goto(f"{live_server['url']}/q/{token}")  # the scan opens the location page
    taps = 0
    page.click("form.start button")
    taps += 1
    page.wait_for_url("**/inspect?kind=patrol")
    covered = page.locator("button.quick").inner_text()
    shot(page, "checklist-phone")
    page.click("button.quick")
    taps += 1
    page.wait_for_url("**/inspections/*")
    shot(page, "all-clear-phone")
    assert taps <= 3
    assert "(" in covered  # the button says how many items it covers
    with live_server["app"].app_context():
        assert db.session.query(Inspection).count() == before + 1
        latest = db.session.scalar(select(Inspection).order_by(Inspection.id.desc()))
        assert latest.kind == "patrol"
        assert {r.outcome for r in latest.results if r.item.kind == "pass_fail"} == {"pass"}
