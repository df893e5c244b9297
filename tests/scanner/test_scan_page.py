"""The scanner page: who opens it, what it carries for the script, and the typed-code form."""

import json
import re

import pytest

from app.extensions import db
from tests.factories import make_department, make_location


def _config(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="scanner-config">(.*?)</script>',
                      page, re.S)
    return json.loads(found.group(1))


def test_scan_page_needs_login(client):
    response = client.get("/scan")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_viewer_may_not_scan(client, login):
    login("viewer")
    assert client.get("/scan").status_code == 403


@pytest.mark.parametrize("role", ["inspector", "dept_lead", "manager", "admin"])
def test_roles_that_inspect_get_the_scanner(client, login, role):
    login(role)
    response = client.get("/scan")
    assert response.status_code == 200
    assert "<title>Scan next point · SafeRound</title>" in response.text
    assert 'capture="environment"' in response.text


def test_chinese_user_gets_the_chinese_title(client, login):
    """Passes once the catalog has 扫描下一个点位 for "Scan next point"."""
    login("inspector")
    page = client.get("/scan", headers={"Accept-Language": "zh-CN"}).text
    assert 'lang="zh-Hans"' in page
    assert "<title>扫描下一个点位 · 安全巡查</title>" in page


def test_script_gets_its_words_and_addresses_from_the_page(client, login, app):
    app.config["PUBLIC_BASE_URL"] = "https://saferound.hospital.local/safety/"
    login("inspector")
    config = _config(client.get("/scan").text)
    assert config["labelPrefixes"] == ["/q/", "/safety/q/"]
    assert config["scanUrl"] == "/q/__TOKEN__?next=inspect"
    assert config["checklistUrl"] == "/locations/__CODE__/inspect"
    assert config["jsqr"] == "/static/vendor/jsqr/jsQR.js"
    assert config["text"]["notOurs"].startswith("This is not a SafeRound label")


def test_typed_code_opens_the_checklist(client, login):
    make_location(code="O2-1F-01")
    db.session.commit()
    login("inspector")
    response = client.get("/scan/code", query_string={"code": " o2-1f-01 "})
    assert response.status_code == 302
    assert response.location == "/locations/O2-1F-01/inspect"


def test_unknown_code_is_told_with_the_input_kept(client, login):
    login("inspector")
    response = client.get("/scan/code", query_string={"code": "NOPE-1"})
    assert response.status_code == 400
    assert "No location you can inspect has the code NOPE-1" in response.text
    assert 'value="NOPE-1"' in response.text


def test_empty_code_is_told(client, login):
    login("inspector")
    response = client.get("/scan/code", query_string={"code": "  "})
    assert response.status_code == 400
    assert "Enter the location code printed on the label." in response.text


def test_code_of_another_departments_place_is_not_opened_for_a_lead(client, login):
    make_location(code="PWR-1F-01", department=make_department())
    db.session.commit()
    login("dept_lead")
    response = client.get("/scan/code", query_string={"code": "PWR-1F-01"})
    assert response.status_code == 400


def test_inactive_location_is_not_opened(client, login):
    make_location(code="OLD-1", is_active=False)
    db.session.commit()
    login("inspector")
    assert client.get("/scan/code", query_string={"code": "OLD-1"}).status_code == 400


def test_viewer_may_not_open_a_code(client, login):
    make_location(code="O2-1F-01")
    db.session.commit()
    login("viewer")
    assert client.get("/scan/code", query_string={"code": "O2-1F-01"}).status_code == 403


def test_label_scanned_in_the_app_goes_to_the_checklist(client, login):
    """The address scanner.js opens for a label (the redirect lives in the locations views)."""
    location = make_location(code="O2-1F-01")
    db.session.commit()
    login("inspector")
    response = client.get(f"/q/{location.qr_token}?next=inspect")
    assert response.status_code == 302
    assert response.location == "/locations/O2-1F-01/inspect"
