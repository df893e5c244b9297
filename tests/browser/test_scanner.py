"""Scan next point on a phone: Chromium's fake camera plays a QR label and the checklist opens;
a photo of the label does the same; a code that is not ours is told and scanning goes on."""

import io
import json

import pytest
import qrcode
from PIL import Image, ImageFilter
from sqlalchemy import select

from app.common import qr
from app.extensions import db
from app.locations.models import Location
from app.locations.views import scan_url
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, log_in

CODE = "O2-1F-01"
JSQR = "/static/vendor/jsqr/jsQR.js"


def _label(live_server, code=CODE) -> str:
    """The URL printed on the location's label (on PUBLIC_BASE_URL, not the live server)."""
    app = live_server["app"]
    with app.app_context(), app.test_request_context():
        return scan_url(db.session.scalar(select(Location).where(Location.code == code)))


def _frame(text: str, size=(640, 480)) -> Image.Image:
    """A grey scene with a QR code of `text`, a little turned and soft, as a camera a step away
    sees a label."""
    code = qrcode.make(text, box_size=6, border=4).get_image().convert("RGB")
    code = code.rotate(8, expand=True, fillcolor=(150, 155, 160), resample=Image.BICUBIC)
    frame = Image.new("RGB", size, (150, 155, 160))
    frame.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    return frame.filter(ImageFilter.GaussianBlur(0.8))


def _y4m(image: Image.Image, path) -> None:
    """One YUV4MPEG2 (4:2:0) frame, which Chromium's fake camera plays in a loop."""
    y, cb, cr = image.convert("YCbCr").split()
    half = (image.width // 2, image.height // 2)
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{image.width} H{image.height} F30:1 Ip A1:1 C420\n".encode())
        f.write(b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes())


@pytest.fixture
def camera_phone(playwright, tmp_path, live_server):
    """camera_phone(text) → a logged-in iPhone page whose camera sees a QR code of `text`."""
    browsers = []

    def _open(text, username="guard1"):
        video = tmp_path / f"camera{len(browsers)}.y4m"
        _y4m(_frame(text), video)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"])
        browsers.append(browser)
        phone = {k: v for k, v in playwright.devices["iPhone 13"].items()
                 if k != "default_browser_type"}
        context = browser.new_context(**phone, locale="zh-CN")
        context.grant_permissions(["camera"], origin=live_server["url"])
        page = context.new_page()
        log_in(page, live_server["url"], username)
        return page

    yield _open
    for browser in browsers:
        browser.close()


def _requests(page) -> list[str]:
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_camera_reads_the_label_and_opens_the_checklist(camera_phone, live_server, shot):
    label = _label(live_server)
    assert not label.startswith(live_server["url"])  # the label's host is not the phone's
    page = camera_phone(label)
    requested = _requests(page)
    page.goto(f"{live_server['url']}/scan")
    page.wait_for_url(f"**/locations/{CODE}/inspect", timeout=15000)
    assert page.locator("form").first.is_visible()
    shot(page, "scanner-camera-opened-checklist")
    assert any(url.endswith(JSQR) for url in requested)  # no BarcodeDetector here: jsQR read it
    assert any(url.endswith("?next=inspect") for url in requested)


def test_code_that_is_not_ours_is_told_and_scanning_goes_on(camera_phone, live_server, shot):
    page = camera_phone("https://example.com/hello")
    page.goto(f"{live_server['url']}/scan")
    message = page.locator(".scan-problem")
    message.wait_for(state="visible", timeout=15000)
    assert "这不是安全巡查的标签" in message.inner_text()  # the phone asks for Chinese
    assert page.locator(".viewfinder").is_visible()
    page.wait_for_function("() => document.querySelector('video').videoWidth > 0")
    shot(page, "scanner-not-a-saferound-label")
    assert page.url.endswith("/scan")
    assert page.evaluate("document.querySelector('video').srcObject.active")
    assert page.locator(".scan-retry").is_hidden()


def test_camera_stops_while_the_page_is_hidden_and_comes_back(camera_phone, live_server):
    # Headless Chromium never hides a tab, so the page is told it is hidden, as a phone would.
    page = camera_phone("https://example.com/hello")
    page.goto(f"{live_server['url']}/scan")
    page.wait_for_function("() => document.querySelector('video').srcObject?.active")
    track = page.evaluate_handle("document.querySelector('video').srcObject.getTracks()[0]")
    page.evaluate("""hidden => {
        Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }""", True)
    assert track.evaluate("t => t.readyState") == "ended"
    assert page.evaluate("document.querySelector('video').srcObject") is None
    page.evaluate("""hidden => {
        Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }""", False)
    page.wait_for_function("() => document.querySelector('video').srcObject?.active")


def test_refused_camera_offers_the_other_ways(playwright, live_server, shot):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--use-fake-device-for-media-stream"])  # a camera, but no one grants it
    try:
        phone = {k: v for k, v in playwright.devices["iPhone 13"].items()
                 if k != "default_browser_type"}
        page = browser.new_context(**phone, locale="zh-CN").new_page()
        log_in(page, live_server["url"], "guard1")
        page.goto(f"{live_server['url']}/scan")
        message = page.locator(".scan-problem")
        message.wait_for(state="visible")
        assert "摄像头权限被拒绝" in message.inner_text()
        assert page.locator(".scan-retry").is_visible()
        assert page.locator(".viewfinder").is_hidden()
        assert page.locator(".scan-photo").is_visible()
        shot(page, "scanner-camera-refused")
    finally:
        browser.close()


def test_photo_of_the_label_opens_the_checklist(page, live_server, shot, tmp_path):
    """The session's Chromium has no camera at all: the page says so and the photo is read."""
    with live_server["app"].app_context():
        location = db.session.scalar(select(Location).where(Location.code == CODE))
        printed = qr.label_png(_label(live_server), location.code, location.name_zh,
                               location.name_en)
    # The printed label, small in a larger picture, as a phone photo would have it.
    label = Image.open(io.BytesIO(printed)).convert("RGB")
    label.thumbnail((900, 900))
    picture = Image.new("RGB", (2400, 1800), (120, 110, 100))
    picture.paste(label, (700, 500))
    photo = tmp_path / "label-photo.jpg"
    picture.save(photo, quality=85)

    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/scan")
    page.locator(".scan-problem").wait_for(state="visible")
    assert "没有可供页面使用的摄像头" in page.locator(".scan-problem").inner_text()
    assert page.locator(".scan-retry").is_hidden()
    shot(page, "scanner-no-camera")
    with page.expect_file_chooser() as chooser:
        page.locator(".scan-photo").click()
    assert chooser.value.element.get_attribute("capture") == "environment"
    chooser.value.set_files(str(photo))
    page.wait_for_url(f"**/locations/{CODE}/inspect", timeout=15000)


def test_photo_without_a_code_is_told(page, live_server, tmp_path):
    blank = tmp_path / "wall.png"
    Image.new("RGB", (800, 600), (200, 200, 200)).save(blank)
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/scan")
    page.locator(".scan-photo input").set_input_files(str(blank))
    page.get_by_text("照片中没有找到二维码").wait_for()
    assert page.url.endswith("/scan")


def test_typed_code_opens_the_checklist(page, live_server):
    log_in(page, live_server["url"], "guard1")
    page.goto(f"{live_server['url']}/scan")
    page.fill("#scan-code", "o2-1f-01")
    page.locator(".scan-code button").click()
    page.wait_for_url(f"**/locations/{CODE}/inspect")


def test_browser_barcode_detector_is_used_where_there_is_one(camera_phone, live_server):
    """Phones with BarcodeDetector (Android Chrome) never load jsQR. Stands in for one here."""
    label = _label(live_server)
    page = camera_phone("not read by the stand-in")
    # Kept in sessionStorage: what the page asked of the detector outlives its navigation.
    page.add_init_script("""
        window.BarcodeDetector = class {
            static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
            constructor(options) {
                sessionStorage.setItem("formats", JSON.stringify(options.formats));
            }
            async detect(source) {
                return source.videoWidth ? [{rawValue: LABEL}] : [];
            }
        };
    """.replace("LABEL", json.dumps(label)))
    requested = _requests(page)
    page.goto(f"{live_server['url']}/scan")
    page.wait_for_url(f"**/locations/{CODE}/inspect", timeout=15000)
    assert not any(url.endswith(JSQR) for url in requested)
    assert page.evaluate("sessionStorage.getItem('formats')") == '["qr_code"]'
