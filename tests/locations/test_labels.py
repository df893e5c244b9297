"""QR labels decode, with an independent decoder, to exactly the location's scan URL."""

import io

import pytest
import zxingcpp
from PIL import Image

from app.common import qr
from app.extensions import db
from tests.factories import make_location


def _decode(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@pytest.fixture
def labelled(app, login):
    app.config["PUBLIC_BASE_URL"] = "https://saferound.hospital.local/"
    location = make_location(code="O2-1F-01", name_zh="液氧站", name_en="Liquid-oxygen station")
    db.session.commit()
    login("admin")
    return location


def test_png_label_decodes_to_the_scan_url(client, labelled):
    response = client.get("/locations/O2-1F-01/label.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert _decode(response.data) == [
        f"https://saferound.hospital.local/q/{labelled.qr_token}"]


def test_png_label_carries_the_code_and_names_under_the_qr(client, labelled):
    image = Image.open(io.BytesIO(client.get("/locations/O2-1F-01/label.png").data))
    width, height = image.size
    text_area = image.crop((0, width, width, height)).convert("L")
    assert text_area.getextrema()[0] < 60  # something dark is drawn under the code


def test_svg_label_holds_the_code_and_both_names(client, labelled):
    svg = client.get("/locations/O2-1F-01/label.svg").text
    assert "O2-1F-01" in svg and "液氧站" in svg and "Liquid-oxygen station" in svg


def test_qr_uses_error_correction_m_and_a_full_quiet_zone():
    matrix = qr.qr_matrix("https://h/q/abc")
    assert all(not any(row) for row in matrix[:4] + matrix[-4:])
    assert all(not any(row[:4]) and not any(row[-4:]) for row in matrix)
    assert qr.ERROR_CORRECTION == qr.qrcode.constants.ERROR_CORRECT_M


def test_rotating_the_token_changes_the_label(client, labelled):
    before = _decode(client.get("/locations/O2-1F-01/label.png").data)
    client.post("/locations/O2-1F-01/rotate-token")
    after = _decode(client.get("/locations/O2-1F-01/label.png").data)
    assert before != after and after[0].endswith(labelled.qr_token)


def test_label_sheet_holds_every_chosen_location(client, labelled):
    other = make_location(code="PWR-1F-01")
    db.session.commit()
    page = client.get("/locations/labels?code=O2-1F-01&code=PWR-1F-01").text
    assert page.count('class="label"') == 2 and other.code in page


def test_inspector_cannot_print_labels(client, app):
    from tests.factories import make_user

    location = make_location()
    make_user("inspector", username="guard", password="pw-123456")
    db.session.commit()
    client.post("/login", data={"username": "guard", "password": "pw-123456"})
    assert client.get(f"/locations/{location.code}/label.png").status_code == 403


def test_renaming_a_location_changes_the_label_etag(client, labelled):
    first = client.get("/locations/O2-1F-01/label.svg").headers["ETag"]
    labelled.name_zh = "新液氧站"
    db.session.commit()
    assert client.get("/locations/O2-1F-01/label.svg").headers["ETag"] != first
    assert client.get("/locations/O2-1F-01/label.svg",
                      headers={"If-None-Match": first}).status_code == 200
