"""The A4 label sheet, as Chromium renders it, decodes to the scan URLs; a huge upload is told."""

import io
import urllib.error
import urllib.request
import uuid

import zxingcpp
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.locations.models import Location
from tests.browser.conftest import log_in


def test_printed_sheet_decodes_to_each_locations_scan_url(browser, live_server, shot):
    context = browser.new_context(viewport={"width": 1240, "height": 1754})  # A4 at 150 dpi
    page = context.new_page()
    log_in(page, live_server["url"], "admin")
    codes = ["O2-1F-01", "PWR-1F-01", "PHM-B1-01"]
    with live_server["app"].app_context():
        rows = db.session.execute(select(Location.code, Location.qr_token).where(
            Location.code.in_(codes))).all()
        base = live_server["app"].config["PUBLIC_BASE_URL"].rstrip("/")
    expected = {f"{base}/q/{token}" for _code, token in rows}
    assert len(expected) == 3
    query = "&".join(f"code={c}" for c in codes)
    page.goto(f"{live_server['url']}/locations/labels?{query}")
    assert page.locator("figure.label").count() == 3
    shot(page, "label-sheet-a4")
    found = {r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(page.screenshot())))}
    assert found == expected
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    context.close()


def test_request_over_the_limit_gets_a_page_not_a_reset(page, live_server):
    app = live_server["app"]
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024  # so that 30 MB is over it
    log_in(page, live_server["url"], "guard1")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"uuid\"\r\n\r\n"
            f"{uuid.uuid4()}\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f"name=\"i1-photos\"; filename=\"huge.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
            ).encode() + b"\xff" * (30 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{live_server['url']}/locations/O2-1F-01/inspect", data=body, method="POST",
        headers={"Cookie": cookie, "Accept-Language": "en",
                 "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        urllib.request.urlopen(request, timeout=60)
        raise AssertionError("a request over the limit was accepted")
    except urllib.error.HTTPError as error:
        assert error.code == 413
        assert "Upload too large" in error.read().decode()
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
