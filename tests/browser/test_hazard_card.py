"""One hazard, one card, in a browser: a lead rectifies on a phone, a manager verifies on a PC,
and the printed A4 card carries both photos and a QR code to the live card."""

import io

import zxingcpp
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.hazards.models import DeadlineExtension, Hazard
from tests.browser.conftest import log_in
from tests.images import jpeg


def _rectifying_hazard(live_server) -> tuple[str, str]:
    """A general hazard being rectified, with no extension waiting: its number and its lead."""
    with live_server["app"].app_context():
        waiting = select(DeadlineExtension.hazard_id).where(DeadlineExtension.status == "pending")
        hazard = db.session.scalars(
            select(Hazard).where(Hazard.status == "rectifying", Hazard.level == "general",
                                 Hazard.id.not_in(waiting)).order_by(Hazard.id)).first()
        return hazard.number, f"lead_{hazard.department.code.lower()}"


def _all_images_loaded(page, selector) -> list[int]:
    return page.eval_on_selector_all(selector, "imgs => imgs.map(i => i.naturalWidth)")


def test_lead_rectifies_manager_verifies_and_the_card_prints(
        page, browser, browser_context_args, live_server, shot, tmp_path):
    number, lead = _rectifying_hazard(live_server)
    after = tmp_path / "after.jpg"
    after.write_bytes(jpeg(1600, 1200, color=(40, 150, 90)))

    # The department's safety lead, on a phone: after-photo and note, then submit.
    log_in(page, live_server["url"], lead)
    page.goto(f"{live_server['url']}/hazards/{number}")
    page.click("#do-submit summary")
    page.set_input_files("#do-submit input[type=file]", str(after))
    assert page.locator("#do-submit .thumbs img").count() == 1  # the preview shows it
    page.fill("#do-submit textarea[name=note]", "已更换灭火器并重新检测")
    shot(page, "hazard-card-lead-before-submit")
    page.click("#do-submit button.primary")
    page.wait_for_url(f"**/hazards/{number}")
    assert "待复查" in page.locator(".hazard-head").inner_text()
    shot(page, "hazard-card-lead-submitted")

    # A safety manager, on a PC: verify and close.
    desk = browser.new_context(**{**browser_context_args, "viewport": {"width": 1366,
                                                                      "height": 900},
                                  "is_mobile": False, "has_touch": False,
                                  "device_scale_factor": 1})
    manager = desk.new_page()
    log_in(manager, live_server["url"], "manager2")
    manager.goto(f"{live_server['url']}/hazards/{number}")
    assert manager.locator("#do-submit").count() == 0
    manager.click("#do-verify summary")
    manager.fill("#do-verify textarea[name=note]", "复查合格")
    manager.click("#do-verify button.primary")
    manager.wait_for_url(f"**/hazards/{number}")
    head = manager.locator(".hazard-head").inner_text()
    assert "已销号" in head
    before_widths = _all_images_loaded(manager, ".before-after > div:first-child img")
    after_widths = _all_images_loaded(manager, ".before-after > div:last-child img")
    assert before_widths and all(before_widths) and after_widths and all(after_widths)
    assert "复查合格，销号" in manager.locator("#history").inner_text()
    shot(manager, "hazard-card-closed-desktop")

    # The A4 print view: the card's facts, both photos, and a QR code to the live card.
    manager.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    manager.goto(f"{live_server['url']}/hazards/{number}/print")
    manager.emulate_media(media="print")
    assert all(_all_images_loaded(manager, ".before-after img"))
    assert manager.locator(".noprint").is_hidden()
    shot(manager, "hazard-card-print-a4")
    png = manager.locator(".qr svg").screenshot()
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    base = live_server["app"].config["PUBLIC_BASE_URL"].rstrip("/")
    assert [d.text for d in decoded] == [f"{base}/hazards/{number}"]
    desk.close()


def test_report_a_hazard_from_the_phone_and_fix_it_on_the_spot(page, live_server, shot, tmp_path):
    before, after = tmp_path / "before.jpg", tmp_path / "after.jpg"
    before.write_bytes(jpeg(1200, 900, color=(160, 60, 50)))
    after.write_bytes(jpeg(1200, 900, color=(40, 150, 90)))
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/locations/PWR-1F-01")
    page.click("text=在此上报隐患")
    page.set_input_files("input[name=photos]", str(before))
    page.fill("textarea[name=description]", "配电室门口堆放纸箱")
    page.click("details.action summary")
    page.check("input[name=fixed_on_site]")
    page.set_input_files("input[name=after_photos]", str(after))
    shot(page, "hazard-report-phone")
    page.click("button.primary.big")
    page.wait_for_url("**/hazards/YH-*")
    head = page.locator(".hazard-head").inner_text()
    assert "已销号" in head and "现场整改" in head
    assert len(_all_images_loaded(page, ".before-after img")) == 2
    shot(page, "hazard-reported-fixed-on-the-spot")


def test_an_over_long_description_is_refused_beside_it_not_cut(page, live_server, shot,
                                                                 tmp_path):
    before = tmp_path / "before.jpg"
    before.write_bytes(jpeg(1200, 900, color=(160, 60, 50)))
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/hazards/new?location=PWR-1F-01")
    page.set_input_files("input[name=photos]", str(before))
    # A page kept from before the limit, or a browser that ignores maxlength, sends it all.
    page.eval_on_selector("textarea[name=description]", "t => t.removeAttribute('maxlength')")
    page.fill("textarea[name=description]", "纸" * 2001)
    page.click("button.primary.big")
    error = page.locator("#description-err")
    assert "最多 2000 个字" in error.inner_text()
    assert len(page.input_value("textarea[name=description]")) == 2001
    error.scroll_into_view_if_needed()
    shot(page, "hazard-report-description-too-long", full_page=False)
